import { BatchedEvents } from '../../canonical/event-batches.js';
import { GatewayError, type FinishReason, type StreamEvent, type Usage } from '../../canonical/index.js';
import { JsonStringSlot } from '../json-string-slot.js';
import { readSseBatches } from '../read-sse-events.js';
import { upstreamStreamFailure } from '../stream-failure.js';
import { decodeGeminiStreamError } from './decode-gemini-error.js';
import { decodeGeminiFinishReason, decodeGeminiUsage, syntheticGeminiCallId } from './decode-generate-content-response.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface DecodeGeminiStreamOptions {
  /** Clock for `start.created`, synthetic call ids without a responseId, and error reset times. */
  now?: () => number;
  /**
   * Maps each parsed chunk before it is decoded: Code Assist wraps every chunk in `{response}`.
   * Done here, on the chunk already parsed, so a wrapped stream is parsed once and keeps its
   * batches per network read.
   */
  unwrapChunk?: (chunk: unknown) => unknown;
}

/** `candidates[0].content.parts[0].text` of a chunk already unwrapped. */
function firstPartText(chunk: unknown): unknown {
  if (!isObject(chunk) || !Array.isArray(chunk['candidates'])) return undefined;
  const candidate: unknown = chunk['candidates'][0];
  if (!isObject(candidate) || !isObject(candidate['content']) || !Array.isArray(candidate['content']['parts'])) return undefined;
  const part: unknown = candidate['content']['parts'][0];
  return isObject(part) ? part['text'] : undefined;
}

/**
 * A chunk whose decoding depends on nothing but its text: one candidate (index 0) with one part
 * that is a non-empty plain text, no finishReason, no prompt feedback. A later chunk equal to it
 * but for that text (see JsonStringSlot) decodes to one text delta: its usage snapshot, model and
 * response id are the same bytes, so they say what this chunk's said. Gemini repeats such chunks
 * while `usageMetadata` stays the same (often all but the last); when it changes on every chunk the
 * slot stops trying after three misses.
 */
function isTextOnlyChunk(chunk: Json): boolean {
  if (isObject(chunk['promptFeedback'])) return false;
  const candidates = chunk['candidates'];
  if (!Array.isArray(candidates) || candidates.length !== 1 || !isObject(candidates[0])) return false;
  const candidate = candidates[0];
  if ((candidate['index'] !== undefined && candidate['index'] !== 0) || candidate['finishReason'] !== undefined) return false;
  const content = candidate['content'];
  if (!isObject(content) || !Array.isArray(content['parts']) || content['parts'].length !== 1) return false;
  const part: unknown = content['parts'][0];
  if (!isObject(part) || typeof part['text'] !== 'string' || part['text'] === '') return false;
  return Object.keys(part).length === 1;
}

interface OpenBlock {
  kind: 'text' | 'reasoning';
  index: number;
  /** A reasoning block is closed by its signature: the next thought part starts a new one. */
  signed: boolean;
}

/**
 * Gemini `:streamGenerateContent?alt=sse` body → canonical events.
 *
 * Text and thought parts extend the open text/reasoning block (a new kind closes it); a function
 * call arrives whole and becomes a complete tool-call block with a synthetic id; a signature on a
 * visible part becomes a text-less reasoning block just before it (see `decodeGeminiModelParts`).
 * `usageMetadata` is a cumulative snapshot, so the last one is the total. Gemini ends a stream by
 * closing the connection: a stream that saw a `finishReason` (or a prompt block) finishes there;
 * one that did not is `stream_interrupted`. An `{"error": ...}` chunk becomes one `error` event.
 */
export function decodeGeminiUpstreamStream(body: AsyncIterable<Uint8Array>, options: DecodeGeminiStreamOptions = {}): BatchedEvents {
  return new BatchedEvents(decodeBatches(body, options));
}

/** The decoder proper: one array of events per network read (see BatchedEvents). */
async function* decodeBatches(body: AsyncIterable<Uint8Array>, options: DecodeGeminiStreamOptions): AsyncGenerator<StreamEvent[], void> {
  const now = options.now ?? Date.now;
  const unwrap = options.unwrapChunk ?? ((chunk: unknown) => chunk);
  let started = false;
  let scope = '';
  let open: OpenBlock | undefined;
  let nextIndex = 0;
  let calls = 0;
  let rawFinishReason: string | undefined;
  let blocked = false;
  let usage: Usage | undefined;
  let out: StreamEvent[] = [];
  const textChunk = new JsonStringSlot('text', (document) => firstPartText(unwrap(document)));
  /** The usage snapshot of the chunk `textChunk` learnt: a repeat carries the same bytes. */
  let textChunkUsage: Usage | undefined;

  const close = (): void => {
    if (open === undefined) return;
    out.push(open.kind === 'text' ? { type: 'text-end', index: open.index } : { type: 'reasoning-end', index: open.index });
    open = undefined;
  };
  const extend = (kind: 'text' | 'reasoning', text: string): OpenBlock => {
    if (open === undefined || open.kind !== kind || open.signed) {
      close();
      open = { kind, index: nextIndex++, signed: false };
      out.push(kind === 'text' ? { type: 'text-start', index: open.index } : { type: 'reasoning-start', index: open.index });
    }
    if (text !== '') out.push(kind === 'text' ? { type: 'text-delta', index: open.index, text } : { type: 'reasoning-delta', index: open.index, text });
    return open;
  };
  const handlePart = (part: Json): void => {
    const signature = typeof part['thoughtSignature'] === 'string' && part['thoughtSignature'] !== '' ? part['thoughtSignature'] : undefined;
    if (part['thought'] === true) {
      const block = extend('reasoning', typeof part['text'] === 'string' ? part['text'] : '');
      if (signature !== undefined) {
        out.push({ type: 'reasoning-signature', index: block.index, signature });
        block.signed = true;
      }
      return;
    }
    if (signature !== undefined) {
      close();
      const index = nextIndex++;
      out.push({ type: 'reasoning-start', index }, { type: 'reasoning-signature', index, signature }, { type: 'reasoning-end', index });
    }
    const call = part['functionCall'];
    if (isObject(call)) {
      close();
      const index = nextIndex++;
      const id = typeof call['id'] === 'string' && call['id'] !== '' ? call['id'] : syntheticGeminiCallId(scope, calls);
      calls++;
      out.push(
        { type: 'tool-call-start', index, id, name: String(call['name'] ?? '') },
        { type: 'tool-call-delta', index, argumentsJson: JSON.stringify(isObject(call['args']) ? call['args'] : {}) },
        { type: 'tool-call-end', index },
      );
    } else if (typeof part['text'] === 'string' && part['text'] !== '') {
      extend('text', part['text']);
    }
  };

  try {
    for await (const batch of readSseBatches(body)) {
      for (const sse of batch) {
        const data = sse.data.trim();
        if (data === '') continue;
        if (started) {
          const text = textChunk.match(data);
          if (text !== undefined) {
            usage = textChunkUsage ?? usage;
            if (text !== '') extend('text', text);
            continue;
          }
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(data);
        } catch {
          out.push({ type: 'error', error: new GatewayError('bad_upstream_response', 'Gemini upstream sent a stream chunk that is not JSON.') });
          yield out;
          return;
        }
        chunk = unwrap(chunk);
        if (Array.isArray(chunk)) chunk = chunk[0];
        if (!isObject(chunk)) continue;
        if (isObject(chunk['error'])) {
          out.push({ type: 'error', error: decodeGeminiStreamError(chunk, now()) });
          yield out;
          return;
        }
        if (isTextOnlyChunk(chunk)) {
          textChunk.learn(data);
          textChunkUsage = decodeGeminiUsage(chunk['usageMetadata']);
        }
        if (!started) {
          started = true;
          const responseId = typeof chunk['responseId'] === 'string' ? chunk['responseId'] : '';
          const nowMs = now();
          scope = responseId || String(nowMs);
          out.push({
            type: 'start',
            id: responseId,
            model: typeof chunk['modelVersion'] === 'string' ? chunk['modelVersion'] : '',
            created: Math.floor(nowMs / 1000),
          });
        }
        usage = decodeGeminiUsage(chunk['usageMetadata']) ?? usage;
        const candidate = Array.isArray(chunk['candidates']) && isObject(chunk['candidates'][0]) ? chunk['candidates'][0] : undefined;
        if (candidate !== undefined) {
          const content = candidate['content'];
          if (isObject(content) && Array.isArray(content['parts'])) {
            for (const part of content['parts']) if (isObject(part)) handlePart(part);
          }
          if (typeof candidate['finishReason'] === 'string') rawFinishReason = candidate['finishReason'];
        } else if (isObject(chunk['promptFeedback']) && typeof chunk['promptFeedback']['blockReason'] === 'string') {
          rawFinishReason = chunk['promptFeedback']['blockReason'];
          blocked = true;
        }
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (error) {
    out.push({ type: 'error', error: upstreamStreamFailure(error, 'Gemini') });
    yield out;
    return;
  }

  if (!started) {
    yield [{ type: 'error', error: new GatewayError('bad_upstream_response', 'Gemini upstream sent an empty stream.') }];
    return;
  }
  if (rawFinishReason === undefined) {
    yield [{ type: 'error', error: new GatewayError('stream_interrupted', 'Gemini upstream closed the stream before a finishReason.') }];
    return;
  }
  close();
  const finishReason: FinishReason = blocked ? 'content-filter' : decodeGeminiFinishReason(rawFinishReason, calls > 0);
  out.push({ type: 'finish', finishReason, rawFinishReason, usage: usage ?? { inputTokens: 0, outputTokens: 0 } });
  yield out;
}
