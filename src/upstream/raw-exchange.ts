import type { ServerResponse } from 'node:http';
import { util, type Dispatcher } from 'undici';
import type { GatewayError } from '../canonical/index.js';
import type { CallOptions, CancelListener, ForwardResponse } from './provider-adapter.js';
import { mapTransportError } from './map-transport-error.js';
import { ExchangeBody } from './exchange-body.js';

const { parseHeaders } = util;

type Headers = Record<string, string | string[] | undefined>;

/** Who the exchange talks to: described and decoded only when something goes wrong. */
export interface ExchangeTarget {
  describe(method: string, path: string): string;
  decodeFailure(status: number, headers: Headers, bodyText: string): GatewayError;
}

export interface PipeResult {
  /** The upstream body failed before its end. */
  error?: Error;
  /** The last bytes written ended an SSE event (a blank line), so an error frame can follow. */
  atEventBoundary: boolean;
}

function endsEvent(chunk: Buffer | undefined): boolean {
  if (!chunk || chunk.length === 0) return true;
  const n = chunk.length;
  return (chunk[n - 1] === 10 && (chunk[n - 2] === 10 || (chunk[n - 2] === 13 && chunk[n - 3] === 10))) || (chunk[n - 1] === 13 && chunk[n - 2] === 13);
}

/** The content-type of raw `[name, value, ...]` headers, without building a headers object. */
function contentTypeOf(rawHeaders: Buffer[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') return rawHeaders[i + 1]!.toString('latin1');
  }
  return undefined;
}

/**
 * One upstream request on undici's dispatch handler API, and (once `ready` resolves) the 2xx
 * answer itself. The same-protocol fast path runs through here rather than `request()`: no
 * Readable, no async iterator, no promise per chunk, no closure per request, so the gateway's
 * per-request cost stays close to a bare proxy's. Until `ready` resolves nothing has reached the
 * client, so any failure before it (a non-2xx answer, a reset, a timeout, an empty stream cut
 * before its first chunk) can still fail over.
 *
 * It implements undici's original handler methods (onConnect, onHeaders, onData, ...), which
 * undici 7 still drives internally: a handler with the newer onResponse* methods gets wrapped in
 * an adapter per request that also turns the raw headers into an object, where a 2xx answer
 * needs only its content-type (the two cost ~2 µs a request in profiles). Error answers, rare,
 * have their headers parsed whole.
 */
export class RawExchange implements Dispatcher.DispatchHandler, ForwardResponse, CancelListener {
  readonly ready: Promise<RawExchange>;
  status = 0;
  contentType: string | undefined;
  /** The whole body (buffered mode) or the first chunk (streaming mode; null when empty). */
  head: Buffer | null = null;
  /** The client went away (its cancellation reached us): failures are then the client's doing. */
  aborted = false;
  private resolveReady!: (exchange: RawExchange) => void;
  private rejectReady!: (error: GatewayError) => void;
  private abortUpstream: ((reason: Error) => void) | undefined;
  private resume: (() => void) | undefined;
  private rawHeaders: Buffer[] = [];
  private chunks: Buffer[] | undefined = [];
  private settled = false;
  private ended = false;
  private listening = false;
  private failure: Error | undefined;
  private sink: ServerResponse | undefined;
  private bodySink: ExchangeBody | undefined;
  private last: Buffer | undefined;
  private finishPipe: ((result: PipeResult) => void) | undefined;
  private pendingAbort: Error | undefined;
  private onAbortSignal: (() => void) | undefined;
  private readonly onDrain = (): void => this.resume?.();

  constructor(
    private readonly streaming: boolean,
    private readonly target: ExchangeTarget,
    private readonly method: string,
    private readonly path: string,
    private readonly call: CallOptions,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.listen();
  }

  /** The client left: stop the upstream call now, or as soon as undici hands over its abort. */
  onClientCancel(): void {
    this.aborted = true;
    const reason = new Error('the client closed the request');
    if (this.abortUpstream) this.abortUpstream(reason);
    else this.pendingAbort = reason;
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.pendingAbort) abort(this.pendingAbort);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    this.resume = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.bodySink) return this.bodySink.push(chunk);
    if (this.sink) {
      this.last = chunk;
      if (!this.sink.write(chunk)) {
        this.sink.once('drain', this.onDrain);
        return false;
      }
      return true;
    }
    this.chunks!.push(chunk);
    if (this.streaming && !this.settled && this.isSuccess()) {
      this.chunks = [];
      this.succeed(chunk);
    }
    return true;
  }

  onComplete(): void {
    this.ended = true;
    if (this.streaming) this.unlisten();
    if (!this.settled) {
      const body = this.chunks!.length === 1 ? this.chunks![0]! : Buffer.concat(this.chunks!);
      this.chunks = undefined;
      if (this.isSuccess()) this.succeed(this.streaming && body.length === 0 ? null : body);
      else {
        this.settle();
        this.rejectReady(this.target.decodeFailure(this.status, parseHeaders(this.rawHeaders) as Headers, body.toString('utf8')));
      }
      return;
    }
    this.bodySink?.end();
    this.finishPipe?.({ atEventBoundary: endsEvent(this.last) });
  }

  onError(error: Error): void {
    this.failure = error;
    if (this.streaming) this.unlisten();
    if (!this.settled) {
      this.settle();
      this.chunks = undefined;
      this.rejectReady(mapTransportError(error, this, this.target.describe(this.method, this.path)));
      return;
    }
    this.bodySink?.fail(this.bodyError(error));
    this.finishPipe?.({ error, atEventBoundary: endsEvent(this.last) });
  }

  /** Streaming mode, after `ready`: writes the first chunk and everything after it into `res`. */
  pipeRest(res: ServerResponse): Promise<PipeResult> {
    const head = this.head;
    this.last = head ?? undefined;
    if (head) res.write(head);
    const buffered = this.chunks ?? [];
    this.chunks = undefined;
    for (const chunk of buffered) {
      this.last = chunk;
      res.write(chunk);
    }
    if (this.failure) return Promise.resolve({ error: this.failure, atEventBoundary: endsEvent(this.last) });
    if (this.ended) return Promise.resolve({ atEventBoundary: endsEvent(this.last) });
    this.sink = res;
    return new Promise((resolve) => {
      this.finishPipe = resolve;
    });
  }

  /**
   * Streaming mode, after `ready`: the first chunk and everything after it as an async iterator,
   * for a stream decoder (the canonical path). Use either this or `pipeRest`, once.
   */
  body(): ExchangeBody {
    const body = new ExchangeBody({
      resume: () => this.resume?.(),
      abort: (reason) => this.abortUpstream?.(reason),
    });
    if (this.head) body.push(this.head);
    for (const chunk of this.chunks ?? []) body.push(chunk);
    this.chunks = undefined;
    if (this.failure) body.fail(this.bodyError(this.failure));
    else if (this.ended) body.end();
    else this.bodySink = body;
    return body;
  }

  /** Decoders tell a client that left (`AbortError`) from an upstream that broke off. */
  private bodyError(error: Error): Error {
    return this.aborted ? new DOMException('The client closed the request.', 'AbortError') : error;
  }

  private succeed(head: Buffer | null): void {
    this.settle();
    this.contentType = contentTypeOf(this.rawHeaders);
    this.head = head;
    this.resolveReady(this);
  }

  /** A buffered exchange stops listening for cancellation once answered; a stream at its end. */
  private settle(): void {
    this.settled = true;
    if (!this.streaming) this.unlisten();
  }

  private listen(): void {
    const call = this.call;
    this.listening = true;
    if (call.addCancelListener) {
      call.addCancelListener(this);
      return;
    }
    const signal = call.signal;
    if (signal.aborted) {
      this.onClientCancel();
      return;
    }
    this.onAbortSignal = () => this.onClientCancel();
    signal.addEventListener('abort', this.onAbortSignal, { once: true });
  }

  private unlisten(): void {
    if (!this.listening) return;
    this.listening = false;
    if (this.onAbortSignal) this.call.signal.removeEventListener('abort', this.onAbortSignal);
    else this.call.removeCancelListener?.(this);
  }

  private isSuccess(): boolean {
    return this.status >= 200 && this.status < 300;
  }
}
