import { GatewayError, type StreamEvent } from '../../canonical/index.js';
import type { OpenAIChatChunk, OpenAIChatChunkChoice, OpenAIChatChunkDelta } from '../../wire/openai/index.js';
import { encodeOpenAIStreamError, openAIStreamFailure } from './encode-error.js';
import { encodeOpenAIFinishReason } from './encode-openai-finish-reason.js';
import { encodeOpenAIUsage } from './encode-openai-usage.js';
import { encodeEvents, type StreamEncoder } from '../../canonical/stream-encoder.js';

export interface OpenAIChatStreamOptions {
  clientModel: string;
  /** The client asked `stream_options.include_usage`: send the trailing `choices: []` usage chunk. */
  includeUsage: boolean;
  /** Clock used only when content arrives before a `start` event; defaults to `Date.now`. */
  now?: () => number;
}

/**
 * Encodes a canonical stream as Chat Completions SSE frames (`data: …\n\n`). Writes exactly one
 * terminal: after `finish` the final chunk, the usage chunk (when asked) and `data: [DONE]`;
 * after `error`, a thrown source or a source that ends without `finish`, one
 * `data: {"error":…}` frame and nothing more (openai-node raises it as an APIError).
 */
export function createOpenAIChatStreamEncoder(options: OpenAIChatStreamOptions): StreamEncoder {
  const { clientModel, includeUsage } = options;
  let id: string | undefined;
  let created = 0;
  /** Canonical block index → OpenAI tool-call index (which counts tool calls only). */
  const toolIndexes = new Map<number, number>();

  const frame = (choices: OpenAIChatChunkChoice[], usage?: OpenAIChatChunk['usage']): string => {
    const chunk: OpenAIChatChunk = { id: id!, object: 'chat.completion.chunk', created, model: clientModel, choices };
    if (includeUsage) chunk.usage = usage ?? null;
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };
  const deltaFrame = (delta: OpenAIChatChunkDelta): string =>
    frame([{ index: 0, delta, logprobs: null, finish_reason: null }]);
  /**
   * Text and reasoning deltas are nearly every frame of a stream: they are spliced into a prefix
   * and suffix made once per stream (byte for byte what `frame()` writes), so only the text goes
   * through JSON.stringify rather than the whole chunk each time.
   */
  let textPrefix: string | undefined;
  let textSuffix = '';
  const textFrame = (field: 'content' | 'reasoning_content', text: string): string => {
    if (textPrefix === undefined) {
      textPrefix = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(clientModel)},"choices":[{"index":0,"delta":{"`;
      textSuffix = `},"logprobs":null,"finish_reason":null}]${includeUsage ? ',"usage":null' : ''}}\n\n`;
    }
    return `${textPrefix}${field}":${JSON.stringify(text)}${textSuffix}`;
  };
  const roleFrame = (): string => deltaFrame({ role: 'assistant', content: '' });
  /** Content before `start` would be a contract breach upstream; still produce a valid stream. */
  const ensureStarted = (): string | undefined => {
    if (id !== undefined) return undefined;
    const nowMs = (options.now ?? Date.now)();
    id = `chatcmpl-${nowMs.toString(36)}`;
    created = Math.floor(nowMs / 1000);
    return roleFrame();
  };

  return {
    push(event, out) {
      if (event.type === 'error') {
        out.push(encodeOpenAIStreamError(event.error));
        return true;
      }
      if (event.type === 'start') {
        if (id === undefined) {
          id = event.id;
          created = event.created;
          out.push(roleFrame());
        }
        return false;
      }
      const opening = ensureStarted();
      if (opening !== undefined) out.push(opening);
      switch (event.type) {
        case 'text-delta':
          if (event.text.length > 0) out.push(textFrame('content', event.text));
          break;
        case 'reasoning-delta':
          if (event.text.length > 0) out.push(textFrame('reasoning_content', event.text));
          break;
        case 'tool-call-start': {
          const toolIndex = toolIndexes.size;
          toolIndexes.set(event.index, toolIndex);
          out.push(
            deltaFrame({
              tool_calls: [{ index: toolIndex, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }],
            }),
          );
          break;
        }
        case 'tool-call-delta': {
          const toolIndex = toolIndexes.get(event.index);
          if (toolIndex !== undefined && event.argumentsJson.length > 0) {
            out.push(deltaFrame({ tool_calls: [{ index: toolIndex, function: { arguments: event.argumentsJson } }] }));
          }
          break;
        }
        case 'finish': {
          const finishReason = encodeOpenAIFinishReason(event.finishReason, event.rawFinishReason, toolIndexes.size > 0);
          out.push(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }]));
          if (includeUsage) out.push(frame([], encodeOpenAIUsage(event.usage)));
          out.push('data: [DONE]\n\n');
          return true;
        }
        default:
          // Block boundaries, signatures and early usage have no Chat Completions frame.
          break;
      }
      return false;
    },
    fail(error, out) {
      out.push(encodeOpenAIStreamError(openAIStreamFailure(error)));
    },
    end(out) {
      out.push(encodeOpenAIStreamError(new GatewayError('stream_interrupted', 'The upstream stream ended before the response was complete.')));
    },
  };
}

/** `createOpenAIChatStreamEncoder` over an event source. */
export function encodeOpenAIChatStream(events: AsyncIterable<StreamEvent>, options: OpenAIChatStreamOptions): AsyncGenerator<string> {
  return encodeEvents(events, createOpenAIChatStreamEncoder(options));
}
