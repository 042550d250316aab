import type {
  AssistantContentPart,
  ImagePart,
  Message,
  ReasoningPart,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { expectArray, expectRecord, expectString, fail, isRecord, optionalString } from '../expect-field.js';
import { pick } from './pick-field.js';

/**
 * Gemini has no tool-call ids, so the gateway makes them up: the id of a call is derived from its
 * position in `contents` (`call_<content>_<part>`), which is the same on every request that
 * repeats the history. A function response takes the id of the call it answers, matched the way
 * Gemini matches: its own `id` if it names a call of the preceding model turn, else the first
 * unanswered call of that turn with the same name, in order.
 */
export function syntheticCallId(contentIndex: number, partIndex: number): string {
  return `call_${contentIndex}_${partIndex}`;
}

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/** Gemini `contents[]` → canonical messages. `role: function` (older clients) counts as user. */
export function decodeGeminiContents(raw: unknown): Message[] {
  const contents = expectArray(raw, 'contents');
  const out: Message[] = [];
  let pending: PendingCall[] = [];
  let previousRole: unknown;
  for (let i = 0; i < contents.length; i++) {
    const param = `contents[${i}]`;
    const content = expectRecord(contents[i], param);
    const role = content['role'] ?? 'user';
    const parts = expectArray(content['parts'] ?? [], `${param}.parts`);
    if (role === 'model') {
      // Consecutive model contents are one turn (the Gemini SDK's chat keeps one content per
      // stream chunk, so parallel calls can sit in separate contents): their calls stay pending together.
      if (previousRole !== 'model') pending = [];
      out.push({ role: 'assistant', content: decodeModelParts(parts, i, param, pending) });
    } else if (role === 'user' || role === 'function') {
      decodeUserParts(parts, i, param, pending, out);
    } else {
      fail(`${param}.role`, 'must be "user" or "model"');
    }
    previousRole = role;
  }
  return out;
}

function decodeModelParts(parts: unknown[], contentIndex: number, param: string, pending: PendingCall[]): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  /** The thought part being extended: consecutive thought parts are one reasoning block. */
  let thought: ReasoningPart | undefined;
  for (let j = 0; j < parts.length; j++) {
    const partParam = `${param}.parts[${j}]`;
    const part = expectRecord(parts[j], partParam);
    const signature = optionalString(pick(part, 'thoughtSignature', 'thought_signature'), `${partParam}.thoughtSignature`);
    if (part['thought'] === true) {
      const text = optionalString(part['text'], `${partParam}.text`) ?? '';
      if (thought === undefined || thought.signature !== undefined) {
        thought = { type: 'reasoning', text };
        out.push(thought);
      } else {
        thought.text += text;
      }
      if (signature !== undefined && signature !== '') thought.signature = signature;
      continue;
    }
    thought = undefined;
    // A signature on a visible part (Gemini 3 puts it on the first function call) travels as a
    // text-less reasoning part just before that part; the Gemini encoders put it back there.
    if (signature !== undefined && signature !== '') out.push({ type: 'reasoning', text: '', signature });
    const call = pick(part, 'functionCall', 'function_call');
    if (call !== undefined) {
      const fn = expectRecord(call, `${partParam}.functionCall`);
      const name = expectString(fn['name'], `${partParam}.functionCall.name`);
      const args = fn['args'] ?? {};
      if (!isRecord(args)) fail(`${partParam}.functionCall.args`, 'must be an object');
      const ownId = optionalString(fn['id'], `${partParam}.functionCall.id`);
      const id = ownId !== undefined && ownId !== '' ? ownId : syntheticCallId(contentIndex, j);
      pending.push({ id, name, answered: false });
      out.push({ type: 'tool-call', id, name, argumentsJson: JSON.stringify(args) });
    } else if (typeof part['text'] === 'string') {
      if (part['text'] !== '') out.push({ type: 'text', text: part['text'] });
    }
    // Model-made media (inlineData/fileData) and code execution have no canonical assistant slot.
  }
  return out;
}

function decodeUserParts(parts: unknown[], contentIndex: number, param: string, pending: PendingCall[], out: Message[]): void {
  let user: UserContentPart[] = [];
  let results: ToolResultPart[] = [];
  for (let j = 0; j < parts.length; j++) {
    const partParam = `${param}.parts[${j}]`;
    const part = expectRecord(parts[j], partParam);
    const response = pick(part, 'functionResponse', 'function_response');
    if (response !== undefined) {
      if (user.length > 0) {
        out.push({ role: 'user', content: user });
        user = [];
      }
      const fn = expectRecord(response, `${partParam}.functionResponse`);
      results.push(decodeFunctionResponse(fn, `${partParam}.functionResponse`, pending, syntheticCallId(contentIndex, j)));
      continue;
    }
    if (results.length > 0) {
      out.push({ role: 'tool', content: results });
      results = [];
    }
    const decoded = decodeUserPart(part, partParam);
    if (decoded !== undefined) user.push(decoded);
  }
  if (results.length > 0) out.push({ role: 'tool', content: results });
  if (user.length > 0 || parts.length === 0) out.push({ role: 'user', content: user });
}

function decodeUserPart(part: Record<string, unknown>, param: string): UserContentPart | undefined {
  if (typeof part['text'] === 'string') return { type: 'text', text: part['text'] };
  const inline = pick(part, 'inlineData', 'inline_data');
  if (inline !== undefined) return decodeInlineData(expectRecord(inline, `${param}.inlineData`), `${param}.inlineData`);
  const file = pick(part, 'fileData', 'file_data');
  if (file !== undefined) {
    const data = expectRecord(file, `${param}.fileData`);
    const uri = expectString(pick(data, 'fileUri', 'file_uri'), `${param}.fileData.fileUri`);
    const mimeType = optionalString(pick(data, 'mimeType', 'mime_type'), `${param}.fileData.mimeType`) ?? 'application/octet-stream';
    return mimeType.startsWith('image/')
      ? { type: 'image', source: { kind: 'url', url: uri } }
      : { type: 'file', mediaType: mimeType, url: uri };
  }
  if (pick(part, 'functionCall', 'function_call') !== undefined) fail(`${param}.functionCall`, 'function calls belong in model turns');
  if (part['thought'] === true || part['videoMetadata'] !== undefined) return undefined;
  return fail(param, 'unsupported part: expected text, inlineData, fileData or functionResponse');
}

function decodeInlineData(blob: Record<string, unknown>, param: string): ImagePart | UserContentPart {
  const mimeType = expectString(pick(blob, 'mimeType', 'mime_type'), `${param}.mimeType`);
  const data = expectString(blob['data'], `${param}.data`);
  return mimeType.startsWith('image/')
    ? { type: 'image', source: { kind: 'base64', mediaType: mimeType, data } }
    : { type: 'file', mediaType: mimeType, data };
}

/** Keys Gemini conventions use to wrap a plain tool output in the required response object. */
const OUTPUT_KEYS = ['output', 'result', 'content'];

function decodeFunctionResponse(
  fn: Record<string, unknown>,
  param: string,
  pending: PendingCall[],
  positionId: string,
): ToolResultPart {
  const name = expectString(fn['name'], `${param}.name`);
  const ownId = optionalString(fn['id'], `${param}.id`);
  let call = ownId !== undefined ? pending.find((c) => !c.answered && c.id === ownId) : undefined;
  call ??= pending.find((c) => !c.answered && c.name === name);
  let toolCallId: string;
  if (call !== undefined) {
    call.answered = true;
    toolCallId = call.id;
  } else {
    // An answer to no known call (history trimmed by the client): keep it, with a stable id.
    toolCallId = ownId !== undefined && ownId !== '' ? ownId : positionId;
  }
  const response = fn['response'] ?? {};
  const content: Array<TextPart | ImagePart> = [];
  let isError = false;
  if (isRecord(response)) {
    const keys = Object.keys(response);
    const only = keys.length === 1 ? keys[0]! : undefined;
    if (only !== undefined && typeof response[only] === 'string' && OUTPUT_KEYS.includes(only)) {
      content.push({ type: 'text', text: response[only] as string });
    } else if (only === 'error' && typeof response['error'] === 'string') {
      isError = true;
      content.push({ type: 'text', text: response['error'] });
    } else {
      content.push({ type: 'text', text: JSON.stringify(response) });
    }
  } else {
    content.push({ type: 'text', text: typeof response === 'string' ? response : JSON.stringify(response) });
  }
  const extra = fn['parts'];
  if (Array.isArray(extra)) {
    for (let k = 0; k < extra.length; k++) {
      const part = expectRecord(extra[k], `${param}.parts[${k}]`);
      const inline = pick(part, 'inlineData', 'inline_data');
      if (inline === undefined) continue;
      const decoded = decodeInlineData(expectRecord(inline, `${param}.parts[${k}].inlineData`), `${param}.parts[${k}].inlineData`);
      if (decoded.type === 'image') content.push(decoded);
    }
  }
  return { type: 'tool-result', toolCallId, toolName: name, content, ...(isError ? { isError: true } : {}) };
}
