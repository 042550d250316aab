import type { ServerResponse } from 'node:http';
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
  encodeStream: (events: AsyncIterable<StreamEvent>) => AsyncIterable<string>;
  /** Content type of streamed frames; SSE unless a protocol says otherwise. */
  streamContentType?: string;
}

/** Events that show the upstream is really answering; before one arrives, nothing is committed. */
const COMMITTING = new Set<StreamEvent['type']>(['text-delta', 'reasoning-delta', 'tool-call-start', 'tool-call-delta', 'finish']);

interface StartedStream {
  buffered: StreamEvent[];
  rest: AsyncIterator<StreamEvent>;
}

async function startStream(events: AsyncIterable<StreamEvent>, signal: Cancellable): Promise<StartedStream> {
  const iterator = events[Symbol.asyncIterator]();
  const buffered: StreamEvent[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const event = next.value;
      // An error before any content (e.g. overloaded inside a 200 stream) can still fail over.
      if (event.type === 'error') throw event.error;
      buffered.push(event);
      if (COMMITTING.has(event.type)) break;
    }
  } catch (error) {
    await iterator.return?.();
    throw mapTransportError(error, signal, 'upstream stream');
  }
  return { buffered, rest: iterator };
}

const DONE: IteratorResult<StreamEvent> = { done: true, value: undefined };

/**
 * The stream after its commit point, for the client's encoder: the buffered events, then the
 * rest; a read that throws becomes one `error` event, and errors count against the instance.
 * Hand-written rather than an async generator: one promise reaction per event instead of a
 * generator resumption on top of the decoder's (the encoder already adds its own).
 */
class CommittedEvents implements AsyncIterableIterator<StreamEvent> {
  #buffered = 0;
  #done = false;

  constructor(
    private readonly started: StartedStream,
    private readonly lease: Lease,
    private readonly signal: Cancellable,
  ) {}

  next(): Promise<IteratorResult<StreamEvent>> {
    const { buffered } = this.started;
    if (this.#buffered < buffered.length) return Promise.resolve({ done: false, value: buffered[this.#buffered++]! });
    if (this.#done) return Promise.resolve(DONE);
    return this.started.rest.next().then(
      (result) => {
        if (result.done) {
          this.#done = true;
          return DONE;
        }
        if (result.value.type === 'error') this.lease.fail(result.value.error);
        return result;
      },
      (error: unknown) => {
        this.#done = true;
        const failure = mapTransportError(error, this.signal, 'upstream stream broke off');
        const interrupted = failure.code === 'client_closed' ? failure : new GatewayError('stream_interrupted', failure.message, { origin: 'upstream', cause: error });
        this.lease.fail(interrupted);
        return { done: false, value: { type: 'error', error: interrupted } };
      },
    );
  }

  /** The encoder stopped early; serveCanonical releases the upstream stream itself. */
  return(): Promise<IteratorResult<StreamEvent>> {
    this.#done = true;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
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
      for await (const frame of options.encodeStream(new CommittedEvents(value, lease, signal))) {
        if (res.destroyed) break;
        const drained = out.write(frame);
        if (drained) await drained;
      }
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
