import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AssistantContentPart,
  ChatRequest,
  FilePart,
  ImagePart,
  Message,
  ReasoningPart,
  TextPart,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { EFFORT_THINKING_BUDGET, encodeGeminiUpstreamRequest } from '../../upstream/gemini/encode-generate-content-request.js';
import { decodeGeminiRequest } from './decode-generate-content-request.js';

/**
 * Property: a canonical request encoded for a Gemini upstream (`encodeGeminiUpstreamRequest`) and
 * decoded by the client-facing Gemini decoder means the same thing, up to `normalise`. Lossy on
 * purpose, and why:
 *
 * - tool-call ids: Gemini has none; the decoder synthesises them from positions, so ids are
 *   compared by linkage (which result answers which call), not by value; `toolName` is derived;
 * - tool results: Gemini wants one object; texts are joined, a plain text travels as `{output}`
 *   (an error as `{error}`), an image moves next to the function responses as an inline part;
 * - turn structure: same-role turns merge, function responses open their user turn, a leading
 *   model turn gets a placeholder user turn, empty text and empty turns disappear;
 * - reasoning: redacted (Anthropic-only) is dropped; consecutive thought texts are one Gemini
 *   thought block; a bare signature stays just before the part it signs;
 * - Anthropic cache markers, image `detail`, file names, tool `strict`, parallel-call settings,
 *   `user`, `includeUsage` and other formats' extensions have no Gemini field;
 * - reasoning effort becomes a thinking budget; at most five stop sequences survive.
 *
 * The generator builds well-formed histories (every call answered, in call order), since Gemini
 * pairs calls and responses by name and position, not by id.
 */

const nonEmptyText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 });
const text = fc.string({ unit: 'grapheme', maxLength: 10 });
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const base64 = fc.uint8Array({ minLength: 1, maxLength: 9 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const signature = base64;

const textPart: fc.Arbitrary<TextPart> = fc.record({ type: fc.constant('text' as const), text, cacheControl: fc.constant({ type: 'ephemeral' }) }, { requiredKeys: ['type', 'text'] });

const imagePart: fc.Arbitrary<ImagePart> = fc.record(
  {
    type: fc.constant('image' as const),
    source: fc.oneof(
      fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('image/png', 'image/jpeg'), data: base64 }),
      name.map((n) => ({ kind: 'url' as const, url: `https://example.com/${n}.png` })),
      base64.map((data) => ({ kind: 'url' as const, url: `data:image/gif;base64,${data}` })),
    ),
    detail: fc.constant('high'),
  },
  { requiredKeys: ['type', 'source'] },
);

const filePart: fc.Arbitrary<FilePart> = fc.oneof(
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constantFrom('application/pdf', 'audio/mp3'), data: base64, filename: name }, { requiredKeys: ['type', 'mediaType', 'data'] }),
  fc.record({ type: fc.constant('file' as const), mediaType: fc.constant('video/mp4'), url: name.map((n) => `gs://bucket/${n}.mp4`) }),
);

type AssistantUnit = AssistantContentPart[];
const call = fc.record({ type: fc.constant('tool-call' as const), id: name.map((n) => `id_${n}`), name: fc.constantFrom('get_weather', 'get_time'), argumentsJson: fc.oneof(
  fc.dictionary(name, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 2 }).map((a) => JSON.stringify(a)),
  fc.constantFrom('', '{"x":', '[1]'),
) });
/** Visible units, each optionally signed by a bare signature before it. */
const visibleUnit: fc.Arbitrary<AssistantUnit> = fc.tuple(
  fc.option(signature, { nil: undefined }),
  fc.oneof(nonEmptyText.map((t): AssistantContentPart => ({ type: 'text', text: t })), call),
).map(([sig, part]) => (sig === undefined ? [part] : [{ type: 'reasoning', text: '', signature: sig }, part]));
const thoughtUnit: fc.Arbitrary<AssistantUnit> = fc
  .record({ type: fc.constant('reasoning' as const), text: nonEmptyText, signature }, { requiredKeys: ['type', 'text'] })
  .map((part) => [part]);
const redactedUnit: fc.Arbitrary<AssistantUnit> = fc.constant([{ type: 'reasoning', text: '', redactedData: 'xx' }]);

/** An assistant turn: never two thought units in a row (Gemini would make them one block). */
const assistantContent: fc.Arbitrary<AssistantContentPart[]> = fc
  .tuple(fc.option(thoughtUnit, { nil: undefined }), fc.array(visibleUnit, { minLength: 1, maxLength: 3 }), fc.option(redactedUnit, { nil: undefined }), fc.option(signature, { nil: undefined }))
  .map(([thought, units, redacted, trailing]) => [
    ...(thought ?? []),
    ...units.flat(),
    ...(redacted ?? []),
    ...(trailing !== undefined ? [{ type: 'reasoning' as const, text: '', signature: trailing }] : []),
  ]);

const userContent = fc.array(fc.oneof(textPart, imagePart, filePart) as fc.Arbitrary<UserContentPart>, { maxLength: 3 });

const toolOutput = fc.oneof(
  fc.array(textPart, { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('temp', 'unit', 'rows'), fc.integer(), { minKeys: 1, maxKeys: 2 }).map((o): TextPart[] => [{ type: 'text', text: JSON.stringify(o) }]),
  fc.tuple(nonEmptyText, imagePart).map(([t, image]): Array<TextPart | ImagePart> => [{ type: 'text', text: t }, image]),
);

/** A turn sequence: user turns, assistant turns, and after an assistant turn with calls, their answers. */
const conversation: fc.Arbitrary<Message[]> = fc
  .array(fc.tuple(fc.constantFrom('user', 'assistant', 'user+assistant'), userContent, assistantContent, fc.array(toolOutput, { minLength: 3, maxLength: 3 }), fc.boolean()), { maxLength: 4 })
  .map((steps) => {
    const messages: Message[] = [];
    let n = 0;
    for (const [kind, user, assistant, outputs, isError] of steps) {
      if (kind !== 'assistant') messages.push({ role: 'user', content: user });
      if (kind === 'user') continue;
      // Unique call ids per conversation.
      const content = assistant.map((part) => (part.type === 'tool-call' ? { ...part, id: `${part.id}_${n++}` } : part));
      messages.push({ role: 'assistant', content });
      const calls = content.filter((part) => part.type === 'tool-call');
      if (calls.length === 0) continue;
      const results: ToolResultPart[] = calls.map((c, i) => ({
        type: 'tool-result',
        toolCallId: c.id,
        ...(i % 2 === 0 ? { toolName: c.name } : {}),
        content: outputs[i % outputs.length]!,
        ...(isError && i === 0 ? { isError: true } : {}),
      }));
      // Sometimes one tool message per result (OpenAI style), sometimes one for all.
      if (isError) for (const r of results) messages.push({ role: 'tool', content: [r] });
      else messages.push({ role: 'tool', content: results });
    }
    return messages;
  });

const tool: fc.Arbitrary<ToolDefinition> = fc.record(
  {
    name: fc.constantFrom('get_weather', 'get_time', 'other'),
    description: text,
    inputSchema: fc.constantFrom<Record<string, unknown>>({ type: 'object', properties: {} }, { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    strict: fc.boolean(),
  },
  { requiredKeys: ['name', 'inputSchema'] },
);

const request: fc.Arbitrary<ChatRequest> = fc
  .record(
    {
      model: name,
      system: fc.array(textPart, { maxLength: 2 }),
      // A conversation must say something: the decoder rejects one with no content.
      messages: conversation.filter((list) => normaliseMessages(list).length > 0),
      tools: fc.uniqueArray(tool, { maxLength: 3, selector: (t) => t.name }),
      toolChoice: fc.oneof(fc.constant({ type: 'auto' as const }), fc.constant({ type: 'none' as const }), fc.constant({ type: 'required' as const }), name.map((n) => ({ type: 'tool' as const, name: n }))),
      parallelToolCalls: fc.boolean(),
      maxOutputTokens: fc.integer({ min: 1, max: 65_536 }),
      temperature: fc.integer({ min: 0, max: 200 }).map((t) => t / 100),
      topP: fc.integer({ min: 0, max: 100 }).map((p) => p / 100),
      topK: fc.integer({ min: 1, max: 64 }),
      stopSequences: fc.array(nonEmptyText, { maxLength: 7 }),
      presencePenalty: fc.integer({ min: -20, max: 20 }).map((p) => p / 10),
      frequencyPenalty: fc.integer({ min: -20, max: 20 }).map((p) => p / 10),
      seed: fc.integer(),
      reasoning: fc.oneof(
        fc.record({ disabled: fc.constant(true), includeThoughts: fc.boolean() }, { requiredKeys: ['disabled'] }),
        fc.record({ budgetTokens: fc.integer({ min: 1, max: 32_000 }), includeThoughts: fc.boolean() }, { requiredKeys: ['budgetTokens'] }),
        fc.record({ effort: fc.constantFrom('minimal' as const, 'low' as const, 'medium' as const, 'high' as const), includeThoughts: fc.boolean() }, { requiredKeys: ['effort'] }),
        fc.record({ includeThoughts: fc.boolean() }),
      ),
      responseFormat: fc.oneof(fc.constant({ type: 'text' as const }), fc.constant({ type: 'json' as const }), fc.constant({ type: 'json-schema' as const, schema: { type: 'object', properties: { a: { type: 'string' } } } })),
      stream: fc.boolean(),
      user: name,
      includeUsage: fc.boolean(),
      extensions: fc.constant({ gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] }, anthropic: { service_tier: 'auto' } }),
    },
    { requiredKeys: ['model', 'messages', 'stream'] },
  )
  .map((r) => r as ChatRequest);

// ---------------------------------------------------------------------------------------------
// The normalisation.

function normaliseImage(image: ImagePart): ImagePart {
  const match = image.source.kind === 'url' ? /^data:([^;,]+);base64,(.*)$/s.exec(image.source.url) : null;
  return { type: 'image', source: match ? { kind: 'base64', mediaType: match[1]!, data: match[2]! } : image.source };
}

function normaliseUserPart(part: UserContentPart): UserContentPart[] {
  if (part.type === 'text') return part.text === '' ? [] : [{ type: 'text', text: part.text }];
  if (part.type === 'image') return [normaliseImage(part)];
  return [part.data !== undefined ? { type: 'file', mediaType: part.mediaType, data: part.data } : { type: 'file', mediaType: part.mediaType, url: part.url! }];
}

function normaliseArguments(json: string): string {
  try {
    const value: unknown = JSON.parse(json);
    return JSON.stringify(typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {});
  } catch {
    return '{}';
  }
}

function normaliseAssistant(parts: AssistantContentPart[]): AssistantContentPart[] {
  return parts.flatMap((part): AssistantContentPart[] => {
    if (part.type === 'reasoning') return part.redactedData !== undefined ? [] : [part];
    if (part.type === 'tool-call') return [{ ...part, argumentsJson: normaliseArguments(part.argumentsJson) }];
    return [part];
  });
}

function resultText(result: ToolResultPart): string {
  return result.content.flatMap((item) => (item.type === 'text' ? [item.text] : [])).join('');
}

type Turn = { role: 'user'; results: ToolResultPart[]; parts: UserContentPart[] } | { role: 'assistant'; parts: AssistantContentPart[] };

function normaliseMessages(messages: Message[]): Message[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    const last = turns[turns.length - 1];
    if (m.role === 'assistant') {
      const parts = normaliseAssistant(m.content);
      if (parts.length === 0) continue;
      if (last?.role === 'assistant') last.parts.push(...parts);
      else turns.push({ role: 'assistant', parts });
      continue;
    }
    const results: ToolResultPart[] = [];
    const parts: UserContentPart[] = [];
    if (m.role === 'tool') {
      for (const r of m.content) {
        results.push({ type: 'tool-result', toolCallId: r.toolCallId, content: [{ type: 'text', text: resultText(r) }], ...(r.isError ? { isError: true } : {}) });
        for (const item of r.content) if (item.type === 'image') parts.push(normaliseImage(item));
      }
    } else {
      parts.push(...m.content.flatMap(normaliseUserPart));
    }
    if (results.length === 0 && parts.length === 0) continue;
    if (last?.role === 'user') {
      last.results.push(...results);
      last.parts.push(...parts);
    } else {
      turns.push({ role: 'user', results, parts });
    }
  }
  if (turns[0]?.role === 'assistant') turns.unshift({ role: 'user', results: [], parts: [{ type: 'text', text: '(continued)' }] });
  return turns.flatMap((turn): Message[] => {
    if (turn.role === 'assistant') return [{ role: 'assistant', content: turn.parts }];
    const out: Message[] = [];
    if (turn.results.length > 0) out.push({ role: 'tool', content: turn.results });
    if (turn.parts.length > 0) out.push({ role: 'user', content: turn.parts });
    return out;
  });
}

/** Ids by linkage: the k-th call is `C<k>` and its result points at `C<k>`; toolName dropped. */
function relabel(messages: Message[]): Message[] {
  const labels = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    for (const part of m.content) if (part.type === 'tool-call') labels.set(part.id, `C${labels.size}`);
  }
  return messages.map((m): Message => {
    if (m.role === 'assistant') return { role: 'assistant', content: m.content.map((p) => (p.type === 'tool-call' ? { ...p, id: labels.get(p.id)! } : p)) };
    if (m.role === 'tool') return { role: 'tool', content: m.content.map(({ toolName: _n, ...r }) => ({ ...r, toolCallId: labels.get(r.toolCallId) ?? 'orphan' })) };
    return m;
  });
}

function normalise(input: ChatRequest): ChatRequest {
  const out: ChatRequest = { model: input.model, messages: relabel(normaliseMessages(input.messages)), stream: input.stream };
  const system = (input.system ?? []).filter((p) => p.text !== '').map((p) => ({ type: 'text' as const, text: p.text }));
  if (system.length > 0) out.system = system;
  if (input.tools && input.tools.length > 0) {
    out.tools = input.tools.map((t) => ({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), inputSchema: t.inputSchema }));
    if (input.toolChoice !== undefined) out.toolChoice = input.toolChoice;
  }
  if (input.maxOutputTokens !== undefined) out.maxOutputTokens = input.maxOutputTokens;
  if (input.temperature !== undefined) out.temperature = input.temperature;
  if (input.topP !== undefined) out.topP = input.topP;
  if (input.topK !== undefined) out.topK = input.topK;
  if (input.stopSequences && input.stopSequences.length > 0) out.stopSequences = input.stopSequences.slice(0, 5);
  if (input.presencePenalty !== undefined) out.presencePenalty = input.presencePenalty;
  if (input.frequencyPenalty !== undefined) out.frequencyPenalty = input.frequencyPenalty;
  if (input.seed !== undefined) out.seed = input.seed;
  const r = input.reasoning;
  if (r !== undefined) {
    const reasoning: ChatRequest['reasoning'] = {};
    if (r.disabled) reasoning.disabled = true;
    else if (r.budgetTokens !== undefined && r.budgetTokens > 0) reasoning.budgetTokens = r.budgetTokens;
    else if (r.effort !== undefined) reasoning.budgetTokens = EFFORT_THINKING_BUDGET[r.effort];
    if (r.includeThoughts !== undefined && !r.disabled) reasoning.includeThoughts = r.includeThoughts;
    if (Object.keys(reasoning).length > 0) out.reasoning = reasoning;
  }
  if (input.responseFormat?.type === 'json' || input.responseFormat?.type === 'json-schema') out.responseFormat = input.responseFormat;
  if (input.extensions?.gemini) out.extensions = { gemini: input.extensions.gemini };
  return out;
}

function decodedView(request: ChatRequest): ChatRequest {
  return { ...request, messages: relabel(request.messages) };
}

describe('Gemini round trip: encodeGeminiUpstreamRequest → decodeGeminiRequest', () => {
  it('keeps the meaning of any canonical request (up to the documented normalisation)', () => {
    fc.assert(
      fc.property(request, (input) => {
        const wire = JSON.parse(JSON.stringify(encodeGeminiUpstreamRequest(input))) as unknown;
        const decoded = decodeGeminiRequest(wire, `models/${input.model}`, input.stream);
        expect(decodedView(decoded)).toEqual(normalise(input));
      }),
      { numRuns: 500 },
    );
  });

  it('is stable after one trip (ids included)', () => {
    fc.assert(
      fc.property(request, (input) => {
        const once = decodeGeminiRequest(JSON.parse(JSON.stringify(encodeGeminiUpstreamRequest(input))), input.model, input.stream);
        const twice = decodeGeminiRequest(JSON.parse(JSON.stringify(encodeGeminiUpstreamRequest(once))), input.model, input.stream);
        expect(twice).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('thought signatures come back exactly where Gemini put them', () => {
    const signed: ReasoningPart = { type: 'reasoning', text: '', signature: 'CiQB' };
    const messages: Message[] = [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [signed, { type: 'tool-call', id: 'a', name: 'f', argumentsJson: '{}' }, { type: 'tool-call', id: 'b', name: 'f', argumentsJson: '{}' }] },
    ];
    const wire = encodeGeminiUpstreamRequest({ model: 'm', stream: false, messages });
    expect(wire.contents[1]!.parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: 'CiQB' },
      { functionCall: { name: 'f', args: {} } },
    ]);
  });
});
