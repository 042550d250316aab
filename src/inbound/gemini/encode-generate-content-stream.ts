import { GatewayError, toGatewayError, type StreamEvent } from '../../canonical/index.js';
import type { GeminiGenerateContentResponse, GeminiPart } from '../../wire/gemini/index.js';
import { encodeGeminiStreamError } from './encode-error.js';
import { encodeGeminiFinishReason } from './encode-finish-reason.js';
import { toolArgumentsObject } from '../../canonical/tool-arguments.js';
import { encodeGeminiUsageMetadata } from './encode-usage-metadata.js';
import { encodeEvents, type StreamEncoder } from '../../canonical/stream-encoder.js';

export interface EncodeGeminiStreamOptions {
  /** The model name the client asked for; echoed as `modelVersion`. */
  clientModel: string;
  /** `responseId` used only if the canonical stream has no `start` event. */
  fallbackResponseId?: string;
}

type BlockState =
  | { kind: 'text' }
  | { kind: 'reasoning'; hadText: boolean; redacted: boolean }
  | { kind: 'tool-call'; name: string; argumentsJson: string; done: boolean };

/**
 * A content frame of one part is `GEMINI_PART_FRAME_HEAD + part + tail`: byte for byte what
 * `JSON.stringify` makes of the whole response object, with only the part's text stringified per
 * delta. Text and thought deltas are nearly all of a stream, and building and stringifying the
 * nested response for each was the encoder's largest cost (profile of a Gemini client streaming
 * from an OpenAI upstream: 12.6% of the busy CPU in the frame builder alone).
 */
export const GEMINI_PART_FRAME_HEAD = 'data: {"candidates":[{"content":{"role":"model","parts":[';

export function geminiPartFrameTail(clientModel: string, responseId: string): string {
  return `]},"index":0}],"modelVersion":${JSON.stringify(clientModel)},"responseId":${JSON.stringify(responseId)}}\r\n\r\n`;
}

/**
 * Canonical stream events → Gemini `:streamGenerateContent?alt=sse` frames, one
 * `data: {GenerateContentResponse}\r\n\r\n` per chunk (no event names, no terminator: the
 * connection close ends it).
 *
 * Text and thought deltas go out as they come. Gemini delivers a function call whole, so a tool
 * call's argument text is buffered until its block ends; finished calls are held until the next
 * visible output or the end, so parallel calls travel in one chunk (usually the last), as Gemini
 * sends them.
 * Thought signatures follow the rule of `encodeGeminiModelParts`. The last chunk carries
 * `finishReason` and `usageMetadata`, and a non-empty part list, because the Gemini SDK's chat
 * drops the whole turn from its history if any chunk has no parts. A canonical error, a thrown
 * source or a source that ends unfinished produces one `{"error": {...}}` chunk, which the Gemini
 * SDK raises as `ApiError`.
 */
export function createGeminiStreamEncoder(options: EncodeGeminiStreamOptions): StreamEncoder {
  let responseId = options.fallbackResponseId ?? '';
  const blocks = new Map<number, BlockState>();
  let signature: string | undefined;

  const chunk = (parts: GeminiPart[], last?: Pick<Extract<StreamEvent, { type: 'finish' }>, 'finishReason' | 'rawFinishReason' | 'usage'>): string => {
    const body: GeminiGenerateContentResponse = {
      candidates: [
        {
          content: { role: 'model', parts },
          ...(last !== undefined ? { finishReason: encodeGeminiFinishReason(last.finishReason, last.rawFinishReason) } : {}),
          index: 0,
        },
      ],
      ...(last !== undefined ? { usageMetadata: encodeGeminiUsageMetadata(last.usage) } : {}),
      modelVersion: options.clientModel,
      responseId,
    };
    return `data: ${JSON.stringify(body)}\r\n\r\n`;
  };
  /** The end of a one-part content frame; it depends on the response id, which `start` sets. */
  let partFrameTail = '';
  let partFrameTailId: string | undefined;
  /** `chunk([part])`, byte for byte, for a part given as JSON text (see geminiPartFrame). */
  const partFrame = (partJson: string): string => {
    if (partFrameTailId !== responseId) {
      partFrameTailId = responseId;
      partFrameTail = geminiPartFrameTail(options.clientModel, responseId);
    }
    return GEMINI_PART_FRAME_HEAD + partJson + partFrameTail;
  };
  const signed = (part: GeminiPart): GeminiPart => {
    if (signature === undefined) return part;
    const out = { ...part, thoughtSignature: signature };
    signature = undefined;
    return out;
  };
  /** A bare signature that cannot go on the next part (a thought, another signature) goes alone. */
  const pendingSignatureChunk = (): string => flushCalls() + (signature === undefined ? '' : chunk([signed({ text: '' })]));
  /** Finished calls wait so that parallel calls go out together in one chunk, as Gemini sends them. */
  let calls: GeminiPart[] = [];
  const finishCall = (state: Extract<BlockState, { kind: 'tool-call' }>): void => {
    state.done = true;
    calls.push(signed({ functionCall: { name: state.name, args: toolArgumentsObject(state.argumentsJson) } }));
  };
  /** Frames for everything waiting (calls, a bare signature) before a new part is written. */
  const flushCalls = (): string => {
    if (calls.length === 0) return '';
    const out = chunk(calls);
    calls = [];
    return out;
  };

  return {
    push(event, out) {
      switch (event.type) {
        case 'start':
          responseId = event.id;
          break;
        case 'text-start':
          blocks.set(event.index, { kind: 'text' });
          break;
        case 'text-delta':
          if (event.text === '') break;
          out.push(flushCalls() + (signature === undefined ? partFrame(`{"text":${JSON.stringify(event.text)}}`) : chunk([signed({ text: event.text })])));
          break;
        case 'reasoning-start':
          blocks.set(event.index, { kind: 'reasoning', hadText: false, redacted: event.redactedData !== undefined });
          break;
        case 'reasoning-delta': {
          const state = blocks.get(event.index);
          if (event.text === '' || (state?.kind === 'reasoning' && state.redacted)) break;
          if (state?.kind === 'reasoning') state.hadText = true;
          out.push(pendingSignatureChunk() + partFrame(`{"text":${JSON.stringify(event.text)},"thought":true}`));
          break;
        }
        case 'reasoning-signature': {
          const state = blocks.get(event.index);
          if (state?.kind === 'reasoning' && state.redacted) break;
          // Signed thought text keeps its signature on a thought part; a bare signature (Gemini's
          // signature of the next visible part) waits for that part.
          if (state?.kind === 'reasoning' && state.hadText) {
            out.push(pendingSignatureChunk() + chunk([{ text: '', thought: true, thoughtSignature: event.signature }]));
          } else {
            const earlier = pendingSignatureChunk();
            if (earlier !== '') out.push(earlier);
            signature = event.signature;
          }
          break;
        }
        case 'tool-call-start':
          blocks.set(event.index, { kind: 'tool-call', name: event.name, argumentsJson: '', done: false });
          break;
        case 'tool-call-delta': {
          const state = blocks.get(event.index);
          if (state?.kind === 'tool-call') state.argumentsJson += event.argumentsJson;
          break;
        }
        case 'tool-call-end': {
          const state = blocks.get(event.index);
          if (state?.kind === 'tool-call' && !state.done) finishCall(state);
          break;
        }
        case 'finish': {
          for (const state of blocks.values()) {
            if (state.kind === 'tool-call' && !state.done) finishCall(state);
          }
          const parts: GeminiPart[] = calls;
          calls = [];
          if (signature !== undefined) parts.push(signed({ text: '' }));
          if (parts.length === 0) parts.push({ text: '' });
          out.push(chunk(parts, event));
          return true;
        }
        case 'error':
          out.push(encodeGeminiStreamError(event.error));
          return true;
        default:
          break;
      }
      return false;
    },
    fail(error, out) {
      out.push(encodeGeminiStreamError(toGatewayError(error)));
    },
    end(out) {
      out.push(encodeGeminiStreamError(new GatewayError('stream_interrupted', 'upstream stream ended before the response finished')));
    },
  };
}

/** `createGeminiStreamEncoder` over an event source. */
export function encodeGeminiStream(events: AsyncIterable<StreamEvent>, options: EncodeGeminiStreamOptions): AsyncGenerator<string> {
  return encodeEvents(events, createGeminiStreamEncoder(options));
}
