import type { ServerResponse } from 'node:http';
import { eventBatches } from '../canonical/event-batches.js';
import type { StreamEncoder } from '../canonical/stream-encoder.js';
import { GatewayError, type ChatRequest, type ChatResponse, type StreamEvent } from '../canonical/index.js';
import { dispatchWithFailover } from '../pool/dispatch-with-failover.js';
import type { Lease } from '../pool/provider-pool.js';
import { mapTransportError } from '../upstream/map-transport-error.js';
import type { Cancellable, ClientCancellation } from '../http/client-cancellation.js';
import { CoalescingWriter } from '../http/coalescing-writer.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { GatewayContext } from './gateway-context.js';
import type { Target } from './resolve-target.js';

export interface ServeCanonicalOptions {
  ctx: GatewayContext;
  res: ServerResponse;
  /** The client's cancellation; its AbortSignal is made only if an adapter asks for it. */
  cancellation: ClientCancellation;
  record?: RequestRecord | undefined;
  target: Target;
  request: ChatRequest;
  sessionKey: string | undefined;
  encodeResponse: (response: ChatResponse) => string;
  /** A fresh encoder of the client's protocol for one streamed answer. */
  streamEncoder: () => StreamEncoder;
  /** Content type of streamed frames; SSE unless a protocol says otherwise. */
  streamContentType?: string;
}

/** Events that show the upstream is really answering; before one arrives, nothing is committed. */
const COMMITTING = new Set<StreamEvent['type']>(['text-delta', 'reasoning-delta', 'tool-call-start', 'tool-call-delta', 'finish']);

interface StartedStream {
  /** Everything read up to the commit point, and what came in the same batch after it. */
  buffered: readonly StreamEvent[];
  rest: AsyncIterator<readonly StreamEvent[]>;
}

async function startStream(events: AsyncIterable<StreamEvent>, signal: Cancellable): Promise<StartedStream> {
  const batches = eventBatches(events);
  const buffered: StreamEvent[] = [];
  try {
    let committed = false;
    while (!committed) {
      const next = await batches.next();
      if (next.done) break;
      for (const event of next.value) {
        // An error before any content (e.g. overloaded inside a 200 stream) can still fail over.
        if (!committed && event.type === 'error') throw event.error;
        buffered.push(event);
        if (COMMITTING.has(event.type)) committed = true;
      }
    }
  } catch (error) {
    await batches.return?.();
    throw mapTransportError(error, signal, 'upstream stream');
  }
  return { buffered, rest: batches };
}

/**
 * The stream after its commit point, through the client's encoder: the buffered events, then the
 * rest a batch (one network read) at a time, each event encoded and queued at once: no generator
 * or promise step per event. A read that throws becomes one `error` event, and errors count against
 * the instance. Stops at the encoder's terminal or when the client is gone.
 */
async function writeCommitted(
  started: StartedStream,
  encoder: StreamEncoder,
  out: CoalescingWriter,
  res: ServerResponse,
  lease: Lease,
  signal: Cancellable,
): Promise<void> {
  const frames: string[] = [];
  const flush = (): Promise<void> | undefined => {
    let drained: Promise<void> | undefined;
    for (const frame of frames) drained = out.write(frame) ?? drained;
    frames.length = 0;
    return drained;
  };
  // An error after the commit point counts against the instance, and the encoder ends the stream with it.
  const push = (event: StreamEvent): boolean => {
    if (event.type === 'error') lease.fail(event.error);
    return encoder.push(event, frames);
  };
  for (const event of started.buffered) {
    if (push(event)) {
      flush();
      return;
    }
  }
  const drained = flush();
  if (drained) await drained;
  const { rest } = started;
  for (;;) {
    if (res.destroyed) return;
    let next: IteratorResult<readonly StreamEvent[]>;
    try {
      next = await rest.next();
    } catch (error) {
      const failure = mapTransportError(error, signal, 'upstream stream broke off');
      const interrupted = failure.code === 'client_closed' ? failure : new GatewayError('stream_interrupted', failure.message, { origin: 'upstream', cause: error });
      push({ type: 'error', error: interrupted });
      flush();
      return;
    }
    if (next.done) {
      encoder.end(frames);
      flush();
      return;
    }
    let terminated = false;
    for (const event of next.value) {
      terminated = push(event);
      if (terminated) break;
    }
    const waiting = flush();
    if (terminated) return;
    if (waiting) await waiting;
  }
}

/**
 * The canonical path: the request goes to the chosen instance's adapter, and the answer comes back
 * through the client protocol's encoder. Failover covers everything until the first content event.
 */
export async function serveCanonical(options: ServeCanonicalOptions): Promise<void> {
  const { ctx, res, cancellation, target, request } = options;
  const signal = cancellation;
  const common = { pool: target.pool, model: target.model, sessionKey: options.sessionKey, maxRetries: ctx.config().REQUEST_MAX_RETRIES, signal, record: options.record };
  const committed = () => {
    if (!options.record) return;
    options.record.stream = request.stream;
    options.record.firstByteMs = Date.now() - options.record.startedAt;
  };
  if (!request.stream) {
    const { value, lease } = await dispatchWithFailover<ChatResponse>({
      ...common,
      attempt: (lease) => lease.instance.connection!.generate(request, cancellation),
    });
    committed();
    try {
      const text = options.encodeResponse(value);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-poolgate-instance': lease.instance.name });
      res.end(text);
    } finally {
      lease.release();
    }
    return;
  }
  const { value, lease } = await dispatchWithFailover<StartedStream>({
    ...common,
    attempt: async (lease) => startStream(await lease.instance.connection!.stream(request, cancellation), signal),
  });
  committed();
  try {
    res.writeHead(200, {
      'content-type': options.streamContentType ?? 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-poolgate-instance': lease.instance.name,
    });
    const out = new CoalescingWriter(res);
    try {
      await writeCommitted(value, options.streamEncoder(), out, res, lease, signal);
    } catch (error) {
      // Frames already produced still reach the client; the caller decides how the stream ends.
      out.flush();
      throw error;
    }
    out.end();
  } finally {
    await value.rest.return?.();
    lease.release();
  }
}
