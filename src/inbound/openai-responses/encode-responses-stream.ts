import { GatewayError, type ChatRequest, type StreamEvent, type Usage } from '../../canonical/index.js';
import type {
  OpenAIResponsesOutputFunctionCall,
  OpenAIResponsesOutputItem,
  OpenAIResponsesOutputMessage,
  OpenAIResponsesReasoningItem,
} from '../../wire/openai-responses/index.js';
import { encodeOpenAIErrorBody, openAIStreamFailure } from '../openai/encode-error.js';
import {
  encodeOpenAIResponsesEnvelope,
  responsesItemId,
  responsesOutcome,
  toResponsesId,
  type ResponsesEnvelopeFields,
} from './encode-responses-envelope.js';
import { encodeEvents, type StreamEncoder } from '../../canonical/stream-encoder.js';

export interface OpenAIResponsesStreamOptions {
  clientModel: string;
  /** Its settings are repeated in every `response` object of the stream. */
  request?: ChatRequest;
  /** Clock used only when content arrives before a `start` event; defaults to `Date.now`. */
  now?: () => number;
}

type OpenItem = (
  | { kind: 'message'; outputIndex: number; item: OpenAIResponsesOutputMessage; text: string }
  | { kind: 'reasoning'; outputIndex: number; item: OpenAIResponsesReasoningItem; text: string; summaryOpen: boolean }
  | { kind: 'function_call'; outputIndex: number; item: OpenAIResponsesOutputFunctionCall; text: string }
) & { deltaFields?: string };

/**
 * An event, byte for byte what `JSON.stringify({ type, sequence_number, ...payload })` makes of it,
 * given the payload's JSON (an object without `type` or `sequence_number`): the payload is neither
 * copied nor stringified again, and one payload can serve two events (`response.created` and
 * `response.in_progress` carry the same response).
 */
export function responsesEventFrame(type: string, sequence: number, payloadJson: string): string {
  const head = `event: ${type}\ndata: {"type":${JSON.stringify(type)},"sequence_number":${sequence}`;
  return payloadJson.length > 2 ? `${head},${payloadJson.slice(1)}\n\n` : `${head}}\n\n`;
}

/** The delta event of each kind of item, and what follows its `delta` field. */
const DELTA = {
  message: { type: 'response.output_text.delta', extra: '"content_index":0,', tail: ',"logprobs":[]' },
  reasoning: { type: 'response.reasoning_summary_text.delta', extra: '"summary_index":0,', tail: '' },
  function_call: { type: 'response.function_call_arguments.delta', extra: '', tail: '' },
} as const;

/**
 * A delta event, byte for byte what `JSON.stringify` makes of `{type, sequence_number, item_id,
 * output_index, ...extra, delta, ...tail}`, with only the delta stringified per event (the item's
 * fields are stringified once, into `deltaFields`). Deltas are nearly all of a stream; spreading
 * and stringifying a payload object for each was the encoder's largest cost in profiles.
 */
export function responsesDeltaFrame(kind: keyof typeof DELTA, sequence: number, itemFields: string, delta: string): string {
  const { type, tail } = DELTA[kind];
  return `event: ${type}\ndata: {"type":"${type}","sequence_number":${sequence},${itemFields}"delta":${JSON.stringify(delta)}${tail}}\n\n`;
}

/** The item's part of its delta events: `"item_id":…,"output_index":…,` and the kind's extra field. */
export function responsesDeltaFields(kind: keyof typeof DELTA, itemId: string, outputIndex: number): string {
  return `"item_id":${JSON.stringify(itemId)},"output_index":${outputIndex},${DELTA[kind].extra}`;
}

/**
 * Encodes a canonical stream as Responses API SSE (`event: <type>` + `data:` with a rising
 * `sequence_number`, no `[DONE]`): `response.created`, `response.in_progress`, then per block an
 * output item (message + output_text part, reasoning + summary part, or function_call) with its
 * deltas and `.done` events, and one terminal: `response.completed` / `response.incomplete` /
 * `response.failed` carrying the full response. A failure before `start` is one `error` event.
 */
export function createOpenAIResponsesStreamEncoder(options: OpenAIResponsesStreamOptions): StreamEncoder {
  let sequence = 0;
  let started = false;
  let envelope: Omit<ResponsesEnvelopeFields, 'outcome' | 'usage'> = { id: '', createdAt: 0, model: options.clientModel, output: [], request: options.request };
  const open = new Map<number, OpenItem>();
  let usage: Partial<Usage> = {};

  const frame = (type: string, payload: Record<string, unknown>): string => responsesEventFrame(type, sequence++, JSON.stringify(payload));
  const begin = (id: string, createdAt: number): string[] => {
    started = true;
    envelope = { ...envelope, id: toResponsesId(id), createdAt };
    const response = encodeOpenAIResponsesEnvelope({
      ...envelope,
      output: [],
      usage: null,
      outcome: { status: 'in_progress', incompleteDetails: null, error: null },
    });
    const payload = JSON.stringify({ response });
    return [responsesEventFrame('response.created', sequence++, payload), responsesEventFrame('response.in_progress', sequence++, payload)];
  };
  const addItem = (blockIndex: number, entry: OpenItem): string => {
    envelope.output.push(entry.item);
    open.set(blockIndex, entry);
    return frame('response.output_item.added', { output_index: entry.outputIndex, item: entry.item });
  };
  const closeItem = (blockIndex: number): string[] => {
    const entry = open.get(blockIndex);
    if (entry === undefined) return [];
    open.delete(blockIndex);
    const frames: string[] = [];
    const base = { item_id: entry.item.id, output_index: entry.outputIndex };
    if (entry.kind === 'message') {
      const part = { type: 'output_text', text: entry.text, annotations: [], logprobs: [] } as const;
      frames.push(frame('response.output_text.done', { ...base, content_index: 0, text: entry.text, logprobs: [] }));
      frames.push(frame('response.content_part.done', { ...base, content_index: 0, part }));
      entry.item.content = [{ ...part, annotations: [], logprobs: [] }];
    } else if (entry.kind === 'reasoning') {
      if (entry.summaryOpen) {
        const part = { type: 'summary_text', text: entry.text } as const;
        frames.push(frame('response.reasoning_summary_text.done', { ...base, summary_index: 0, text: entry.text }));
        frames.push(frame('response.reasoning_summary_part.done', { ...base, summary_index: 0, part }));
        entry.item.summary = [part];
      }
    } else {
      frames.push(frame('response.function_call_arguments.done', { ...base, name: entry.item.name, arguments: entry.text }));
      entry.item.arguments = entry.text;
    }
    if (entry.item.type !== 'reasoning') entry.item.status = 'completed';
    frames.push(frame('response.output_item.done', { output_index: entry.outputIndex, item: entry.item }));
    return frames;
  };
  const failedFrame = (error: GatewayError): string => {
    const body = encodeOpenAIErrorBody(error).error;
    if (!started) {
      // Nothing was created yet: the bare `error` event. The nested `error` object also makes
      // openai-node raise it as an APIError; the flat fields are the documented event shape.
      return frame('error', { code: body.code, message: body.message, param: body.param, error: body });
    }
    // Items cut off by the failure show what was streamed of them, marked incomplete.
    for (const entry of open.values()) {
      if (entry.kind === 'message') entry.item.content = [{ type: 'output_text', text: entry.text, annotations: [], logprobs: [] }];
      else if (entry.kind === 'function_call') entry.item.arguments = entry.text;
      else if (entry.summaryOpen) entry.item.summary = [{ type: 'summary_text', text: entry.text }];
      entry.item.status = 'incomplete';
    }
    const response = encodeOpenAIResponsesEnvelope({
      ...envelope,
      usage: null,
      outcome: { status: 'failed', incompleteDetails: null, error: { code: body.code ?? body.type, message: body.message } },
    });
    return frame('response.failed', { response });
  };

  return {
    push(event, out) {
      if (event.type === 'error') {
        out.push(failedFrame(event.error));
        return true;
      }
      if (event.type === 'start') {
        if (!started) out.push(...begin(event.id, event.created));
        return false;
      }
      if (!started) {
        const nowMs = (options.now ?? Date.now)();
        out.push(...begin(`gw${nowMs.toString(36)}`, Math.floor(nowMs / 1000)));
      }
      const outputIndex = envelope.output.length;
      switch (event.type) {
        case 'text-start': {
          const item: OpenAIResponsesOutputMessage = {
            type: 'message',
            id: responsesItemId('msg', envelope.id, outputIndex),
            role: 'assistant',
            status: 'in_progress',
            content: [],
          };
          out.push(addItem(event.index, { kind: 'message', outputIndex, item, text: '' }));
          out.push(frame('response.content_part.added', {
            item_id: item.id,
            output_index: outputIndex,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
          }));
          break;
        }
        case 'reasoning-start': {
          const item: OpenAIResponsesReasoningItem = { type: 'reasoning', id: responsesItemId('rs', envelope.id, outputIndex), summary: [] };
          if (event.redactedData !== undefined) item.encrypted_content = event.redactedData;
          out.push(addItem(event.index, { kind: 'reasoning', outputIndex, item, text: '', summaryOpen: false }));
          break;
        }
        case 'tool-call-start': {
          const item: OpenAIResponsesOutputFunctionCall = {
            type: 'function_call',
            id: responsesItemId('fc', envelope.id, outputIndex),
            call_id: event.id,
            name: event.name,
            arguments: '',
            status: 'in_progress',
          };
          out.push(addItem(event.index, { kind: 'function_call', outputIndex, item, text: '' }));
          break;
        }
        case 'text-delta':
        case 'reasoning-delta':
        case 'tool-call-delta': {
          const entry = open.get(event.index);
          const delta = event.type === 'tool-call-delta' ? event.argumentsJson : event.text;
          if (entry === undefined || delta.length === 0) break;
          entry.text += delta;
          if (entry.kind === 'reasoning' && !entry.summaryOpen) {
            entry.summaryOpen = true;
            out.push(frame('response.reasoning_summary_part.added', {
              item_id: entry.item.id,
              output_index: entry.outputIndex,
              summary_index: 0,
              part: { type: 'summary_text', text: '' },
            }));
          }
          entry.deltaFields ??= responsesDeltaFields(entry.kind, entry.item.id, entry.outputIndex);
          out.push(responsesDeltaFrame(entry.kind, sequence++, entry.deltaFields, delta));
          break;
        }
        case 'text-end':
        case 'reasoning-end':
        case 'tool-call-end':
          out.push(...closeItem(event.index));
          break;
        case 'usage':
          usage = { ...usage, ...event.usage };
          break;
        case 'finish': {
          for (const blockIndex of [...open.keys()]) out.push(...closeItem(blockIndex));
          const outcome = responsesOutcome(event.finishReason);
          const response = encodeOpenAIResponsesEnvelope({ ...envelope, usage: { ...usage, ...event.usage }, outcome });
          const type =
            outcome.status === 'incomplete' ? 'response.incomplete' : outcome.status === 'failed' ? 'response.failed' : 'response.completed';
          out.push(frame(type, { response }));
          return true;
        }
        default:
          // reasoning-signature: Responses has no slot for a signature.
          break;
      }
      return false;
    },
    fail(error, out) {
      out.push(failedFrame(openAIStreamFailure(error)));
    },
    end(out) {
      out.push(failedFrame(new GatewayError('stream_interrupted', 'The upstream stream ended before the response was complete.')));
    },
  };
}

/** `createOpenAIResponsesStreamEncoder` over an event source. */
export function encodeOpenAIResponsesStream(events: AsyncIterable<StreamEvent>, options: OpenAIResponsesStreamOptions): AsyncGenerator<string> {
  return encodeEvents(events, createOpenAIResponsesStreamEncoder(options));
}
