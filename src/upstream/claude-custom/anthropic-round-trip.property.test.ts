import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AssistantContentPart,
  ChatRequest,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { decodeAnthropicMessagesRequest } from '../../inbound/anthropic/decode-messages-request.js';
import {
  DEFAULT_MAX_TOKENS,
  EFFORT_THINKING_BUDGET,
  MIN_THINKING_BUDGET,
  encodeAnthropicUpstreamRequest,
  sanitizeToolId,
} from './encode-messages-request.js';

/**
 * Property: a canonical request encoded for an Anthropic upstream and decoded again by the
 * client-facing Anthropic decoder means the same thing. "The same" is `normalise(request)`, which
 * applies exactly the rules Anthropic forces on the encoder. Lossy on purpose, and why:
 *
 * - whitespace-only text parts and stop sequences, empty turns, trailing whitespace of a final
 *   assistant turn: Anthropic rejects them;
 * - reasoning without a signature: Anthropic verifies thinking signatures, so another provider's
 *   plain thought text cannot be sent back;
 * - tool ids: reduced to `[a-zA-Z0-9_-]` (Anthropic's id pattern), the same on calls and results;
 * - tool-call arguments: Anthropic `input` is an object, so arguments are compared as parsed JSON,
 *   and arguments that are not a JSON object become `{}`;
 * - turn structure: consecutive same-role turns merge, tool results open the user turn that holds
 *   them, and a conversation that starts with the assistant gets a placeholder user turn;
 * - `toolName` on tool results: not an Anthropic field (the decoder re-derives it from the call);
 * - image `detail`, tool `strict`, penalties, seed, `includeUsage`, plain JSON mode, other formats'
 *   extensions: Anthropic has no such fields;
 * - `max_tokens`: required by Anthropic, so a default appears; thinking budgets are clamped to
 *   >= 1024 and kept below max_tokens; effort becomes a budget; sampling that thinking forbids
 *   (temperature != 1, top_k, top_p < 0.95) and forced tool choice are dropped; temperature is
 *   clamped to Anthropic's 0..1; a data: URL image becomes a base64 source.
 */

/** Unicode text, with the whitespace shapes Anthropic is strict about mixed in. */
const whitespaceShapes = fc.constantFrom(' ', '\n\t', 'trailing ', ' both ', '世界 👋\n');
const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), whitespaceShapes);
const nonEmptyText = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), whitespaceShapes);
const cacheControl = fc.constant({ type: 'ephemeral' });
const toolId = fc.stringMatching(/^[a-zA-Z0-9_.:-]{1,10}$/);
const toolName = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const base64 = fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('base64'));

const textPart: fc.Arbitrary<TextPart> = fc.record({ type: fc.constant('text' as const), text, cacheControl }, { requiredKeys: ['type', 'text'] });

const imagePart: fc.Arbitrary<ImagePart> = fc.record(
  {
    type: fc.constant('image' as const),
    source: fc.oneof(
      fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('image/png', 'image/jpeg'), data: base64 }),
      fc.record({ kind: fc.constant('url' as const), url: toolName.map((name) => `https://example.com/${name}.png`) }),
      base64.map((data) => ({ kind: 'url' as const, url: `data:image/webp;base64,${data}` })),
    ),
    detail: fc.constantFrom('low', 'high'),
    cacheControl,
  },
  { requiredKeys: ['type', 'source'] },
);

const filePart: fc.Arbitrary<FilePart> = fc.oneof(
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constant('application/pdf'), data: base64, filename: toolName }, { requiredKeys: ['type', 'mediaType', 'data'] }),
  fc.record(
    { type: fc.constant('file' as const), mediaType: fc.constant('text/plain'), data: text.map((t) => Buffer.from(t, 'utf8').toString('base64')), cacheControl },
    { requiredKeys: ['type', 'mediaType', 'data'] },
  ),
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constant('application/pdf'), url: toolName.map((n) => `https://example.com/${n}.pdf`) }),
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constant('image/*'), fileId: toolName }),
);

const argumentsJson = fc.oneof(
  fc.dictionary(toolName, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 }).map((args) => JSON.stringify(args)),
  fc.constantFrom('', '{"a":', '[1,2]', 'null'),
);

const assistantPart: fc.Arbitrary<AssistantContentPart> = fc.oneof(
  textPart,
  fc.record({ type: fc.constant('reasoning' as const), text, signature: nonEmptyText }),
  fc.record({ type: fc.constant('reasoning' as const), text: fc.constant(''), redactedData: nonEmptyText }),
  fc.record({ type: fc.constant('reasoning' as const), text }),
  fc.record({ type: fc.constant('tool-call' as const), id: toolId, name: toolName, argumentsJson, cacheControl }, { requiredKeys: ['type', 'id', 'name', 'argumentsJson'] }),
);

const toolResult: fc.Arbitrary<ToolResultPart> = fc.record(
  {
    type: fc.constant('tool-result' as const),
    toolCallId: toolId,
    toolName,
    content: fc.array(fc.oneof(textPart, imagePart.map((image) => ({ ...image, detail: undefined })).map(stripUndefined)), { maxLength: 3 }),
    isError: fc.boolean(),
    cacheControl,
  },
  { requiredKeys: ['type', 'toolCallId', 'content'] },
);

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ role: fc.constant('user' as const), content: fc.array(fc.oneof(textPart, imagePart, filePart) as fc.Arbitrary<UserContentPart>, { maxLength: 4 }) }),
  fc.record({ role: fc.constant('assistant' as const), content: fc.array(assistantPart, { maxLength: 4 }) }),
  fc.record({ role: fc.constant('tool' as const), content: fc.array(toolResult, { minLength: 1, maxLength: 3 }) }),
);

const tool: fc.Arbitrary<ToolDefinition> = fc.record(
  {
    name: toolName,
    description: text,
    inputSchema: fc.constantFrom<Record<string, unknown>>(
      {},
      { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      { properties: { n: { type: 'number' } } },
    ),
    strict: fc.boolean(),
    cacheControl,
  },
  { requiredKeys: ['name', 'inputSchema'] },
);

const request: fc.Arbitrary<ChatRequest> = fc
  .record(
    {
      model: toolName,
      system: fc.array(textPart, { maxLength: 3 }),
      // A conversation must say something: the decoders reject one with no message.
      messages: fc.array(message, { maxLength: 7 }).filter((list) => normaliseMessages(list).length > 0),
      tools: fc.uniqueArray(tool, { maxLength: 3, selector: (t) => t.name }),
      toolChoice: fc.oneof(
        fc.constant({ type: 'auto' as const }),
        fc.constant({ type: 'none' as const }),
        fc.constant({ type: 'required' as const }),
        toolName.map((name) => ({ type: 'tool' as const, name })),
      ),
      parallelToolCalls: fc.boolean(),
      maxOutputTokens: fc.integer({ min: 1, max: 40_000 }),
      temperature: fc.integer({ min: 0, max: 200 }).map((t) => t / 100),
      topP: fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
      topK: fc.integer({ min: 1, max: 100 }),
      stopSequences: fc.array(nonEmptyText, { maxLength: 3 }),
      presencePenalty: fc.constant(0.5),
      seed: fc.integer(),
      reasoning: fc.oneof(
        fc.constant({ disabled: true }),
        fc.integer({ min: 1, max: 30_000 }).map((budgetTokens) => ({ budgetTokens, includeThoughts: true })),
        fc.constantFrom('minimal', 'low', 'medium', 'high').map((effort) => ({ effort: effort as 'low' })),
        fc.constant({ includeThoughts: true }),
      ),
      responseFormat: fc.oneof(
        fc.constant({ type: 'text' as const }),
        fc.constant({ type: 'json' as const }),
        fc.constant({ type: 'json-schema' as const, schema: { type: 'object', properties: { a: { type: 'string' } } } }),
      ),
      stream: fc.boolean(),
      includeUsage: fc.boolean(),
      user: toolName,
      extensions: fc.constant({ anthropic: { service_tier: 'auto' }, openai: { logprobs: true } }),
    },
    { requiredKeys: ['model', 'messages', 'stream'] },
  )
  .map((r) => r as ChatRequest);

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// The normalisation: what the request must look like after the Anthropic round trip.

function normaliseImage(image: ImagePart): ImagePart {
  const { detail: _detail, ...rest } = image;
  const match = image.source.kind === 'url' ? /^data:([^;,]+);base64,(.*)$/s.exec(image.source.url) : null;
  return match ? { ...rest, source: { kind: 'base64', mediaType: match[1]!, data: match[2]! } } : rest;
}

function normaliseArguments(json: string): string {
  try {
    const value: unknown = JSON.parse(json);
    return JSON.stringify(typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {});
  } catch {
    return '{}';
  }
}

const blank = (text: string): boolean => text.trim() === '';

function normaliseUserPart(part: UserContentPart): UserContentPart[] {
  if (part.type === 'text') return blank(part.text) ? [] : [part];
  if (part.type === 'image') return [normaliseImage(part)];
  return [part];
}

function normaliseAssistantPart(part: AssistantContentPart): AssistantContentPart[] {
  switch (part.type) {
    case 'text':
      return blank(part.text) ? [] : [part];
    case 'reasoning':
      return part.redactedData !== undefined || part.signature !== undefined ? [part] : [];
    case 'tool-call':
      return [{ ...part, id: sanitizeToolId(part.id), argumentsJson: normaliseArguments(part.argumentsJson) }];
  }
}

function normaliseResult(part: ToolResultPart): ToolResultPart {
  const { toolName: _name, isError: _isError, ...rest } = part;
  const content = part.content.flatMap((item): Array<TextPart | ImagePart> => (item.type === 'text' ? (blank(item.text) ? [] : [item]) : [normaliseImage(item)]));
  return stripUndefined<ToolResultPart>({ ...rest, toolCallId: sanitizeToolId(part.toolCallId), content, ...(part.isError ? { isError: true } : {}) });
}

type Turn = { role: 'user'; results: ToolResultPart[]; parts: UserContentPart[] } | { role: 'assistant'; parts: AssistantContentPart[] };

function normaliseMessages(messages: Message[]): Message[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    const last = turns[turns.length - 1];
    if (m.role === 'assistant') {
      const parts = m.content.flatMap(normaliseAssistantPart);
      if (parts.length === 0) continue;
      if (last?.role === 'assistant') last.parts.push(...parts);
      else turns.push({ role: 'assistant', parts });
    } else {
      const results = m.role === 'tool' ? m.content.map(normaliseResult) : [];
      const parts = m.role === 'user' ? m.content.flatMap(normaliseUserPart) : [];
      if (results.length === 0 && parts.length === 0) continue;
      if (last?.role === 'user') {
        last.results.push(...results);
        last.parts.push(...parts);
      } else {
        turns.push({ role: 'user', results, parts });
      }
    }
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', results: [], parts: [{ type: 'text', text: '(continued)' }] });
  const final = turns[turns.length - 1];
  const tail = final?.role === 'assistant' ? final.parts[final.parts.length - 1] : undefined;
  if (final?.role === 'assistant' && tail?.type === 'text') final.parts[final.parts.length - 1] = { ...tail, text: tail.text.trimEnd() };
  return turns.flatMap((turn): Message[] => {
    if (turn.role === 'assistant') return [{ role: 'assistant', content: turn.parts }];
    const out: Message[] = [];
    if (turn.results.length > 0) out.push({ role: 'tool', content: turn.results });
    if (turn.parts.length > 0) out.push({ role: 'user', content: turn.parts });
    return out;
  });
}

/** The encoder leaves thinking off when the request continues a tool loop without a signed thinking block. */
function unsignedToolLoop(messages: Message[]): boolean {
  // After normalisation the last user turn is [tool, user?]; find its tool message.
  const last = messages[messages.length - 1];
  const prev = messages[messages.length - 2];
  const results = last?.role === 'tool' ? last : last?.role === 'user' && prev?.role === 'tool' ? prev : undefined;
  if (results === undefined) return false;
  const assistant = messages[messages.lastIndexOf(results) - 1];
  if (assistant?.role !== 'assistant') return false;
  return assistant.content[0]?.type !== 'reasoning';
}

function normalise(input: ChatRequest): ChatRequest {
  const messages = normaliseMessages(input.messages);
  const out: ChatRequest = { model: input.model, messages, stream: input.stream };
  let maxTokens = input.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  let thinkingOn = false;
  const r = input.reasoning;
  if (r?.disabled) {
    out.reasoning = { disabled: true };
  } else if (r !== undefined && ((r.budgetTokens ?? 0) > 0 || r.effort !== undefined)) {
    const budget = Math.max(MIN_THINKING_BUDGET, r.budgetTokens ?? EFFORT_THINKING_BUDGET[r.effort!]);
    if (maxTokens <= budget) maxTokens = budget + (input.maxOutputTokens ?? DEFAULT_MAX_TOKENS);
    if (!unsignedToolLoop(messages)) {
      thinkingOn = true;
      out.reasoning = { budgetTokens: budget, includeThoughts: true };
    }
  }
  out.maxOutputTokens = maxTokens;
  const system = (input.system ?? []).filter((p) => !blank(p.text));
  if (system.length > 0) out.system = system;
  if (input.temperature !== undefined && (!thinkingOn || input.temperature === 1)) out.temperature = Math.min(1, input.temperature);
  if (input.topP !== undefined && (!thinkingOn || input.topP >= 0.95)) out.topP = input.topP;
  if (input.topK !== undefined && !thinkingOn) out.topK = input.topK;
  const stop = (input.stopSequences ?? []).filter((sequence) => !blank(sequence));
  if (stop.length > 0) out.stopSequences = stop;
  if (input.tools && input.tools.length > 0) {
    out.tools = input.tools.map((t) =>
      stripUndefined({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema['type'] === 'object' ? t.inputSchema : Object.keys(t.inputSchema).length === 0 ? { type: 'object', properties: {} } : { type: 'object', ...t.inputSchema },
        cacheControl: t.cacheControl,
      }),
    );
    let choice = input.toolChoice;
    if (thinkingOn && (choice?.type === 'required' || choice?.type === 'tool')) choice = { type: 'auto' };
    if (choice === undefined && input.parallelToolCalls !== undefined) choice = { type: 'auto' };
    if (choice !== undefined) out.toolChoice = choice;
    if (choice !== undefined && choice.type !== 'none' && input.parallelToolCalls !== undefined) out.parallelToolCalls = input.parallelToolCalls;
  }
  if (input.user !== undefined) out.user = input.user;
  const anthropic: Record<string, unknown> = { ...(input.extensions?.anthropic ?? {}) };
  if (input.responseFormat?.type === 'json-schema') {
    out.responseFormat = input.responseFormat;
    anthropic['output_config'] = { format: { type: 'json_schema', schema: input.responseFormat.schema } };
  }
  if (Object.keys(anthropic).length > 0) out.extensions = { anthropic };
  return out;
}

function withoutToolNames(request: ChatRequest): ChatRequest {
  return {
    ...request,
    messages: request.messages.map((m) => (m.role === 'tool' ? { ...m, content: m.content.map(({ toolName: _n, ...rest }) => rest) } : m)),
  };
}

describe('Anthropic round trip: encodeAnthropicUpstreamRequest → decodeAnthropicMessagesRequest', () => {
  it('keeps the meaning of any canonical request (up to the documented normalisation)', () => {
    fc.assert(
      fc.property(request, (input) => {
        const wire = JSON.parse(JSON.stringify(encodeAnthropicUpstreamRequest(input))) as unknown;
        const decoded = decodeAnthropicMessagesRequest(wire);
        expect(withoutToolNames(decoded)).toEqual(normalise(input));
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent after one trip: decode(encode(decode(encode(x)))) = decode(encode(x))', () => {
    fc.assert(
      fc.property(request, (input) => {
        const once = decodeAnthropicMessagesRequest(JSON.parse(JSON.stringify(encodeAnthropicUpstreamRequest(input))));
        const twice = decodeAnthropicMessagesRequest(JSON.parse(JSON.stringify(encodeAnthropicUpstreamRequest(once))));
        expect(twice).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });
});
