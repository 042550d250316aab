import {
  GatewayError,
  type AssistantContentPart,
  type ChatResponse,
  type FinishReason,
  type ReasoningPart,
  type Usage,
} from '../../canonical/index.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
const FAILED_CALL = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/** Gemini `finishReason` → unified reason. Gemini has no tool-call reason: STOP + calls is one. */
export function decodeGeminiFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  if (raw === undefined || raw === 'STOP') return hasToolCalls ? 'tool-calls' : raw === undefined ? 'other' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content-filter';
  if (FAILED_CALL.has(raw)) return 'error';
  return 'other';
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
 * Gemini `usageMetadata` → canonical usage: input = prompt (already includes cached) + tool-use
 * prompt; output = candidates + thoughts (Gemini's candidates exclude thoughts).
 */
export function decodeGeminiUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const cached = count(raw['cachedContentTokenCount']);
  const thoughts = count(raw['thoughtsTokenCount']);
  return {
    inputTokens: count(raw['promptTokenCount']) + count(raw['toolUsePromptTokenCount']),
    outputTokens: count(raw['candidatesTokenCount']) + thoughts,
    ...(cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(thoughts > 0 ? { reasoningTokens: thoughts } : {}),
  };
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable tag for synthetic ids. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Gemini returns function calls without ids; clients of other protocols need one per call, unique
 * across the conversation and short (some OpenAI-compatible servers cap ids at 40 characters).
 * Scope is the responseId (or, without one, the response time), ordinal the call's position.
 */
export function syntheticGeminiCallId(scope: string, ordinal: number): string {
  return `call_${shortHash(scope)}_${ordinal}`;
}

/**
 * Gemini model parts → canonical assistant parts. Consecutive thought parts form one reasoning
 * part (a signature closes it); a signature on a visible part travels as a text-less reasoning
 * part right before it; empty text is dropped; media and code-execution parts have no slot.
 */
export function decodeGeminiModelParts(parts: unknown, callId: (ordinal: number) => string): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  if (!Array.isArray(parts)) return out;
  let thought: ReasoningPart | undefined;
  let calls = 0;
  for (const raw of parts) {
    if (!isObject(raw)) continue;
    const signature = typeof raw['thoughtSignature'] === 'string' && raw['thoughtSignature'] !== '' ? raw['thoughtSignature'] : undefined;
    if (raw['thought'] === true) {
      const text = typeof raw['text'] === 'string' ? raw['text'] : '';
      if (thought === undefined || thought.signature !== undefined) {
        thought = { type: 'reasoning', text };
        out.push(thought);
      } else {
        thought.text += text;
      }
      if (signature !== undefined) thought.signature = signature;
      continue;
    }
    thought = undefined;
    if (signature !== undefined) out.push({ type: 'reasoning', text: '', signature });
    const call = raw['functionCall'];
    if (isObject(call)) {
      const id = typeof call['id'] === 'string' && call['id'] !== '' ? call['id'] : callId(calls);
      calls++;
      out.push({ type: 'tool-call', id, name: String(call['name'] ?? ''), argumentsJson: JSON.stringify(isObject(call['args']) ? call['args'] : {}) });
    } else if (typeof raw['text'] === 'string' && raw['text'] !== '') {
      out.push({ type: 'text', text: raw['text'] });
    }
  }
  return out;
}

export interface DecodeGeminiResponseOptions {
  /** Clock for `created` (Gemini responses carry no timestamp) and for ids without a responseId. */
  now?: () => number;
}

/**
 * Gemini `GenerateContentResponse` → canonical response (first candidate only). A prompt blocked
 * by safety (HTTP 200, no candidates, `promptFeedback.blockReason`) is an empty answer finished by
 * `content-filter`, not a crash.
 */
export function decodeGeminiUpstreamResponse(body: unknown, options: DecodeGeminiResponseOptions = {}): ChatResponse {
  const nowMs = (options.now ?? Date.now)();
  if (!isObject(body)) throw new GatewayError('bad_upstream_response', 'Gemini upstream: body is not a JSON object');
  const responseId = typeof body['responseId'] === 'string' ? body['responseId'] : '';
  const scope = responseId || String(nowMs);
  const candidate = Array.isArray(body['candidates']) && isObject(body['candidates'][0]) ? body['candidates'][0] : undefined;
  const content = decodeGeminiModelParts(
    isObject(candidate?.['content']) ? candidate['content']['parts'] : undefined,
    (ordinal) => syntheticGeminiCallId(scope, ordinal),
  );
  let raw = typeof candidate?.['finishReason'] === 'string' ? candidate['finishReason'] : undefined;
  let finishReason: FinishReason;
  const feedback = body['promptFeedback'];
  if (candidate === undefined && isObject(feedback) && typeof feedback['blockReason'] === 'string') {
    raw = feedback['blockReason'];
    finishReason = 'content-filter';
  } else {
    finishReason = decodeGeminiFinishReason(raw, content.some((part) => part.type === 'tool-call'));
  }
  return {
    id: responseId,
    model: typeof body['modelVersion'] === 'string' ? body['modelVersion'] : '',
    created: Math.floor(nowMs / 1000),
    content,
    finishReason,
    ...(raw !== undefined ? { rawFinishReason: raw } : {}),
    usage: decodeGeminiUsage(body['usageMetadata']) ?? { inputTokens: 0, outputTokens: 0 },
  };
}
