import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AssistantContentPart,
  ChatRequest,
  Message,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { decodeOpenAIChatRequest } from '../../inbound/openai/decode-chat-request.js';
import { encodeOpenAIUpstreamRequest } from './encode-chat-request.js';

/**
 * Round trip: canonical → encodeOpenAIUpstreamRequest → JSON → decodeOpenAIChatRequest → canonical.
 *
 * The comparison is on `meaning()`, which normalises what Chat Completions cannot carry:
 * - system: one leading system prompt; empty parts vanish; `cacheControl` (Anthropic-only) dropped.
 * - assistant turns: reasoning texts are joined into one leading reasoning part (one
 *   `reasoning_content` slot), signatures/redacted data dropped (no slot), empty texts dropped,
 *   and the part order becomes reasoning, texts, tool calls (OpenAI keeps text and tool_calls apart).
 * - tool turns: consecutive tool messages merge (OpenAI has one message per result anyway);
 *   `isError` becomes an "Error: " text prefix (no flag in OpenAI); `toolName` is whatever the
 *   decoder recovers from an earlier assistant call with that id; an empty result is one "" text.
 * - tools: an empty list is no tools, and toolChoice/parallelToolCalls exist only with tools.
 * - reasoning: only a non-disabled `effort` survives; a budget alone becomes the nearest effort
 *   (low ≤ 2048 < medium ≤ 16384 < high); includeThoughts has no OpenAI field.
 * - `topK` is dropped (no OpenAI field); streaming always asks for usage, so includeUsage is true.
 * - json-schema formats without a name get the name "response" (OpenAI requires one).
 * - extensions: only `extensions.openai` survives; other formats' extensions are dropped.
 * Not generated (tested by fixtures instead): images inside tool results (moved to a following
 * user turn), files known only by URL (rejected), `audio/mp3` (comes back as `audio/mpeg`).
 */

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 20 }));
const textPart: fc.Arbitrary<TextPart> = fc.record({ type: fc.constant('text' as const), text });
const systemPart: fc.Arbitrary<TextPart> = fc.record(
  { type: fc.constant('text' as const), text, cacheControl: fc.constant({ type: 'ephemeral' }) },
  { requiredKeys: ['type', 'text'] },
);

const userPart: fc.Arbitrary<UserContentPart> = fc.oneof(
  textPart,
  fc.record(
    {
      type: fc.constant('image' as const),
      source: fc.oneof(
        fc.record({
          kind: fc.constant('base64' as const),
          mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'image/gif'),
          data: fc.base64String(),
        }),
        fc.record({ kind: fc.constant('url' as const), url: fc.webUrl() }),
      ),
      detail: fc.constantFrom('auto', 'low', 'high'),
    },
    { requiredKeys: ['type', 'source'] },
  ),
  fc.record(
    {
      type: fc.constant('file' as const),
      mediaType: fc.constantFrom('application/pdf', 'text/plain', 'application/octet-stream'),
      data: fc.base64String(),
      filename: fc.string({ minLength: 1 }),
    },
    { requiredKeys: ['type', 'mediaType', 'data'] },
  ),
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constant('application/octet-stream'), fileId: fc.string({ minLength: 1 }) }),
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constantFrom('audio/wav', 'audio/mpeg'), data: fc.base64String() }),
);

const toolName = fc.constantFrom('get_weather', 'lookup', 'run_code', 'search');
const callId = fc.constantFrom('call_1', 'call_2', 'toolu_3', 'fc-4');
const argumentsJson = fc.oneof(fc.json(), fc.constant(''), fc.constant('{"unterminated'));

const assistantPart: fc.Arbitrary<AssistantContentPart> = fc.oneof(
  textPart,
  fc.record(
    { type: fc.constant('reasoning' as const), text, signature: fc.string(), redactedData: fc.string() },
    { requiredKeys: ['type', 'text'] },
  ),
  fc.record({ type: fc.constant('tool-call' as const), id: callId, name: toolName, argumentsJson }),
);

const toolResult: fc.Arbitrary<ToolResultPart> = fc.record(
  {
    type: fc.constant('tool-result' as const),
    toolCallId: callId,
    toolName,
    content: fc.array(textPart, { maxLength: 3 }),
    isError: fc.boolean(),
  },
  { requiredKeys: ['type', 'toolCallId', 'content'] },
);

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ role: fc.constant('user' as const), content: fc.array(userPart, { maxLength: 4 }) }),
  fc.record({ role: fc.constant('assistant' as const), content: fc.array(assistantPart, { maxLength: 4 }) }),
  fc.record({ role: fc.constant('tool' as const), content: fc.array(toolResult, { minLength: 1, maxLength: 3 }) }),
);

const schema = fc.record({
  type: fc.constant('object'),
  properties: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.record({ type: fc.constantFrom('string', 'number', 'boolean') }), {
    maxKeys: 3,
  }),
});

const request: fc.Arbitrary<ChatRequest> = fc.record(
  {
    model: fc.string({ minLength: 1, maxLength: 30 }),
    system: fc.array(systemPart, { maxLength: 3 }),
    messages: fc.array(message, { minLength: 1, maxLength: 8 }),
    tools: fc.array(
      fc.record(
        { name: toolName, description: fc.string(), inputSchema: schema, strict: fc.boolean() },
        { requiredKeys: ['name', 'inputSchema'] },
      ),
      { maxLength: 3 },
    ),
    toolChoice: fc.oneof(
      fc.constant({ type: 'auto' as const }),
      fc.constant({ type: 'none' as const }),
      fc.constant({ type: 'required' as const }),
      fc.record({ type: fc.constant('tool' as const), name: toolName }),
    ),
    parallelToolCalls: fc.boolean(),
    maxOutputTokens: fc.integer({ min: 1, max: 200_000 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    topP: fc.double({ min: 0, max: 1, noNaN: true }),
    topK: fc.integer({ min: 1, max: 100 }),
    stopSequences: fc.array(fc.string(), { maxLength: 4 }),
    presencePenalty: fc.double({ min: -2, max: 2, noNaN: true }),
    frequencyPenalty: fc.double({ min: -2, max: 2, noNaN: true }),
    seed: fc.integer(),
    reasoning: fc.record(
      {
        effort: fc.constantFrom('minimal' as const, 'low' as const, 'medium' as const, 'high' as const),
        budgetTokens: fc.integer({ min: 0, max: 32_000 }),
        disabled: fc.boolean(),
        includeThoughts: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    responseFormat: fc.oneof(
      fc.constant({ type: 'text' as const }),
      fc.constant({ type: 'json' as const }),
      fc.record(
        { type: fc.constant('json-schema' as const), name: fc.string({ minLength: 1 }), schema, strict: fc.boolean() },
        { requiredKeys: ['type', 'schema'] },
      ),
    ),
    stream: fc.boolean(),
    includeUsage: fc.boolean(),
    user: fc.string(),
    extensions: fc.record(
      {
        openai: fc.record({ logprobs: fc.boolean(), service_tier: fc.constantFrom('auto', 'default'), metadata: fc.dictionary(fc.string(), fc.string()) }, { requiredKeys: [] }),
        anthropic: fc.constant({ anthropic_beta: ['x'] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['model', 'messages', 'stream'] },
);

function assistantMeaning(parts: AssistantContentPart[]): AssistantContentPart[] {
  const reasoning = parts.map((part) => (part.type === 'reasoning' ? part.text : '')).join('');
  return [
    ...(reasoning ? [{ type: 'reasoning' as const, text: reasoning }] : []),
    ...parts.filter((part) => part.type === 'text' && part.text.length > 0),
    ...parts.filter((part) => part.type === 'tool-call'),
  ];
}

function resultMeaning(result: ToolResultPart, toolNames: Map<string, string>): ToolResultPart {
  let content: TextPart[] = result.content.map((part) => ({ type: 'text', text: (part as TextPart).text }));
  if (result.isError) content = content.length === 0 ? [{ type: 'text', text: 'Error' }] : [{ type: 'text', text: `Error: ${content[0]!.text}` }, ...content.slice(1)];
  if (content.length === 0) content = [{ type: 'text', text: '' }];
  const name = toolNames.get(result.toolCallId);
  return { type: 'tool-result', toolCallId: result.toolCallId, ...(name !== undefined ? { toolName: name } : {}), content };
}

function meaning(input: ChatRequest): unknown {
  const toolNames = new Map<string, string>();
  const messages: Message[] = [];
  for (const item of input.messages) {
    if (item.role === 'user') messages.push({ role: 'user', content: item.content });
    else if (item.role === 'assistant') {
      for (const part of item.content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
      messages.push({ role: 'assistant', content: assistantMeaning(item.content) });
    } else {
      const results = item.content.map((result) => resultMeaning(result, toolNames));
      const last = messages[messages.length - 1];
      if (last?.role === 'tool') last.content.push(...results);
      else messages.push({ role: 'tool', content: results });
    }
  }
  const system = (input.system ?? []).filter((part) => part.text.length > 0).map((part) => ({ type: 'text', text: part.text }));
  const hasTools = (input.tools?.length ?? 0) > 0;
  const stops = (input.stopSequences ?? []).filter((stop) => stop.length > 0);
  const format = input.responseFormat;
  const budget = input.reasoning?.budgetTokens;
  const fromBudget = budget !== undefined && budget > 0 ? (budget <= 2048 ? 'low' : budget <= 16_384 ? 'medium' : 'high') : undefined;
  const effort = input.reasoning && !input.reasoning.disabled ? (input.reasoning.effort ?? fromBudget) : undefined;
  const openaiExtensions = input.extensions?.openai;
  const value = {
    model: input.model,
    system: system.length > 0 ? system : undefined,
    messages,
    tools: hasTools ? input.tools : undefined,
    toolChoice: hasTools ? input.toolChoice : undefined,
    parallelToolCalls: hasTools ? input.parallelToolCalls : undefined,
    maxOutputTokens: input.maxOutputTokens,
    temperature: input.temperature,
    topP: input.topP,
    stopSequences: stops.length > 0 ? stops : undefined,
    presencePenalty: input.presencePenalty,
    frequencyPenalty: input.frequencyPenalty,
    seed: input.seed,
    user: input.user,
    reasoning: effort !== undefined ? { effort } : undefined,
    responseFormat: format?.type === 'json-schema' ? { ...format, name: format.name ?? 'response' } : format,
    stream: input.stream,
    includeUsage: input.stream ? true : undefined,
    extensions: openaiExtensions && Object.keys(openaiExtensions).length > 0 ? { openai: openaiExtensions } : undefined,
  };
  // Through JSON, as on the wire: undefined keys vanish, -0 becomes 0.
  return JSON.parse(JSON.stringify(value));
}

describe('encodeOpenAIUpstreamRequest → decodeOpenAIChatRequest', () => {
  it('preserves the meaning of any canonical request (modulo the documented lossy fields)', () => {
    fc.assert(
      fc.property(request, (original) => {
        const wire = JSON.parse(JSON.stringify(encodeOpenAIUpstreamRequest(original))) as unknown;
        const decoded = decodeOpenAIChatRequest(wire);
        // The decoder's output must already be in normal form: compare it as is.
        expect(JSON.parse(JSON.stringify(decoded))).toEqual(meaning(original));
      }),
      { numRuns: 400 },
    );
  });
});
