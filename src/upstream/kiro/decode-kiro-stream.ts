import { BatchedEvents } from '../../canonical/event-batches.js';
import { type FinishReason, type StreamEvent, type Usage } from '../../canonical/index.js';
import type { KiroEventFrame } from '../../wire/kiro/index.js';
import { mapTransportError } from '../map-transport-error.js';
import { decodeKiroStreamError, isKiroErrorEvent } from './decode-kiro-error.js';

/** Context window assumed when turning `contextUsagePercentage` into tokens. */
export const KIRO_CONTEXT_WINDOW_TOKENS = 200_000;

export interface DecodeKiroStreamOptions {
  /** Response id for `start` (Kiro gives none). */
  id: string;
  /** The client's model name, echoed back. */
  model: string;
  /** Kiro tool name → client tool name, for shortened names. */
  toolNames?: ReadonlyMap<string, string>;
  /** Input tokens to report when Kiro reports none. */
  estimatedInputTokens?: number;
  now?: () => number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const STOP_REASONS: Record<string, FinishReason> = {
  END_TURN: 'stop',
  STOP_SEQUENCE: 'stop',
  TOOL_USE: 'tool-calls',
  MAX_TOKENS: 'length',
  CONTENT_FILTERED: 'content-filter',
};

interface OpenBlock {
  kind: 'text' | 'reasoning' | 'tool-call';
  index: number;
  toolUseId?: string;
  hasArguments?: boolean;
}

/**
 * Kiro event frames → canonical stream events (protocols.md §5.4).
 *
 * `assistantResponseEvent` → text blocks; `toolUseEvent`s are grouped by `toolUseId` into one
 * tool-call block each (string `input` fragments are argument deltas, an object `input` is
 * stringified, `stop: true` ends the block; a repeat of a finished call is dropped);
 * `reasoningContentEvent` → reasoning blocks. Blocks never interleave: a new block closes the open
 * one. Exception / error frames (and error-member events) end the stream with one `error`.
 * At the end: `finish` with `tool-calls` when any tool was called (or the metadata stop reason),
 * and usage from `metadataEvent.tokenUsage`, else estimated (output characters / 4; input from
 * `contextUsagePercentage` or the request estimate). Exactly one terminal event.
 * `frames` come in batches, one per network read (see `decodeKiroEventBatches`), and the events of
 * a batch are handed over together (see BatchedEvents).
 */
export function decodeKiroStream(frames: AsyncIterable<readonly KiroEventFrame[]>, options: DecodeKiroStreamOptions): BatchedEvents {
  return new BatchedEvents(decodeBatches(frames, options));
}

/** The decoder proper: the events of one batch of frames (one network read) as one array. */
async function* decodeBatches(frames: AsyncIterable<readonly KiroEventFrame[]>, options: DecodeKiroStreamOptions): AsyncGenerator<StreamEvent[], void> {
  const now = options.now ?? Date.now;
  let nextIndex = 0;
  let open: OpenBlock | undefined;
  const finishedTools = new Set<string>();
  let toolCalls = 0;
  let outputChars = 0;
  let contextPercent: number | undefined;
  let stopReason: string | undefined;
  let tokenUsage: Json | undefined;
  let out: StreamEvent[] = [{ type: 'start', id: options.id, model: options.model, created: Math.floor(now() / 1000) }];

  const close = (): void => {
    if (!open) return;
    const block = open;
    open = undefined;
    if (block.kind === 'text') out.push({ type: 'text-end', index: block.index });
    else if (block.kind === 'reasoning') out.push({ type: 'reasoning-end', index: block.index });
    else {
      if (!block.hasArguments) out.push({ type: 'tool-call-delta', index: block.index, argumentsJson: '{}' });
      out.push({ type: 'tool-call-end', index: block.index });
      if (block.toolUseId) finishedTools.add(block.toolUseId);
    }
  };

  const toolUse = (payload: Json): void => {
    const id = typeof payload['toolUseId'] === 'string' ? payload['toolUseId'] : undefined;
    const name = typeof payload['name'] === 'string' ? payload['name'] : undefined;
    if (id !== undefined && finishedTools.has(id)) return;
    if (id !== undefined && (open?.kind !== 'tool-call' || open.toolUseId !== id)) {
      close();
      open = { kind: 'tool-call', index: nextIndex++, toolUseId: id, hasArguments: false };
      toolCalls++;
      const clientName = name === undefined ? '' : (options.toolNames?.get(name) ?? name);
      out.push({ type: 'tool-call-start', index: open.index, id, name: clientName });
    }
    if (open?.kind !== 'tool-call') return;
    const input = payload['input'];
    const fragment = typeof input === 'string' ? input : isObject(input) ? JSON.stringify(input) : '';
    if (fragment !== '') {
      open.hasArguments = true;
      outputChars += fragment.length;
      out.push({ type: 'tool-call-delta', index: open.index, argumentsJson: fragment });
    }
    if (payload['stop'] === true) close();
  };

  /** Relays one frame; false when it ended the stream (an error frame). */
  const handle = (frame: KiroEventFrame): boolean => {
    if (frame.messageType === 'exception' || frame.messageType === 'error' || isKiroErrorEvent(frame.eventType)) {
      close();
      out.push({ type: 'error', error: decodeKiroStreamError(frame, now()) });
      return false;
    }
    const payload = isObject(frame.payload) ? frame.payload : {};
    switch (frame.eventType) {
      case 'assistantResponseEvent': {
        const text = payload['content'];
        if (typeof text !== 'string' || text === '') break;
        if (open?.kind !== 'text') {
          close();
          open = { kind: 'text', index: nextIndex++ };
          out.push({ type: 'text-start', index: open.index });
        }
        outputChars += text.length;
        out.push({ type: 'text-delta', index: open.index, text });
        break;
      }
      case 'toolUseEvent':
        toolUse(payload);
        break;
      case 'reasoningContentEvent': {
        const text = typeof payload['text'] === 'string' ? payload['text'] : '';
        const signature = typeof payload['signature'] === 'string' ? payload['signature'] : '';
        if (text === '' && signature === '') break;
        if (open?.kind !== 'reasoning') {
          close();
          open = { kind: 'reasoning', index: nextIndex++ };
          out.push({ type: 'reasoning-start', index: open.index });
        }
        if (text !== '') {
          outputChars += text.length;
          out.push({ type: 'reasoning-delta', index: open.index, text });
        }
        if (signature !== '') out.push({ type: 'reasoning-signature', index: open.index, signature });
        break;
      }
      case 'contextUsageEvent':
        contextPercent = num(payload['contextUsagePercentage']) ?? contextPercent;
        break;
      case 'metadataEvent':
      case 'messageMetadataEvent':
        if (typeof payload['stopReason'] === 'string') stopReason = payload['stopReason'];
        if (isObject(payload['tokenUsage'])) tokenUsage = payload['tokenUsage'];
        break;
      default:
        // meteringEvent (credits, not tokens), followupPromptEvent, citations, ...: nothing to relay.
        break;
    }
    return true;
  };

  try {
    for await (const batch of frames) {
      for (const frame of batch) {
        if (!handle(frame)) {
          yield out;
          return;
        }
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (error) {
    close();
    const failure = mapTransportError(error, undefined, 'reading the Kiro event stream');
    out.push({ type: 'error', error: failure });
    yield out;
    return;
  }
  close();

  const outputTokens = num(tokenUsage?.['outputTokens']) ?? Math.ceil(outputChars / 4);
  let usage: Usage;
  if (tokenUsage && (num(tokenUsage['uncachedInputTokens']) !== undefined || num(tokenUsage['cacheReadInputTokens']) !== undefined)) {
    const cacheRead = num(tokenUsage['cacheReadInputTokens']) ?? 0;
    const cacheWrite = num(tokenUsage['cacheWriteInputTokens']) ?? 0;
    usage = {
      inputTokens: (num(tokenUsage['uncachedInputTokens']) ?? 0) + cacheRead + cacheWrite,
      outputTokens,
      ...(cacheRead > 0 ? { cachedInputTokens: cacheRead } : {}),
      ...(cacheWrite > 0 ? { cacheCreationInputTokens: cacheWrite } : {}),
    };
  } else if (contextPercent !== undefined && contextPercent > 0) {
    const total = Math.round((contextPercent / 100) * KIRO_CONTEXT_WINDOW_TOKENS);
    usage = { inputTokens: Math.max(0, total - outputTokens), outputTokens };
  } else {
    usage = { inputTokens: options.estimatedInputTokens ?? 0, outputTokens };
  }

  const finishReason: FinishReason = (stopReason && STOP_REASONS[stopReason]) || (toolCalls > 0 ? 'tool-calls' : 'stop');
  out.push({
    type: 'finish',
    finishReason: toolCalls > 0 && finishReason === 'stop' ? 'tool-calls' : finishReason,
    rawFinishReason: stopReason ?? (toolCalls > 0 ? 'TOOL_USE' : 'END_TURN'),
    usage,
  });
  yield out;
}
