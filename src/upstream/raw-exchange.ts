import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { GatewayError } from '../canonical/index.js';
import { mapTransportError } from './map-transport-error.js';

type Headers = Record<string, string | string[] | undefined>;

export interface ExchangeResult {
  status: number;
  headers: Headers;
  /** The whole body (buffered mode) or the first chunk (streaming mode; null when empty). */
  head: Buffer | null;
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

/**
 * One upstream request on undici's handler API. The same-protocol fast path runs through here
 * rather than `request()`: no Readable, no async iterator and no promise per chunk, so the
 * gateway's per-request cost stays close to a bare proxy's. Until `ready` resolves nothing has
 * reached the client, so any failure before it (a non-2xx answer, a reset, a timeout, an empty
 * stream cut before its first chunk) can still fail over.
 */
export class RawExchange implements Dispatcher.DispatchHandler {
  readonly ready: Promise<ExchangeResult>;
  private resolveReady!: (result: ExchangeResult) => void;
  private rejectReady!: (error: GatewayError) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private status = 0;
  private headers: Headers = {};
  private chunks: Buffer[] | undefined = [];
  private settled = false;
  private ended = false;
  private failure: Error | undefined;
  private sink: ServerResponse | undefined;
  private last: Buffer | undefined;
  private finishPipe: ((result: PipeResult) => void) | undefined;
  private pendingAbort: Error | undefined;

  constructor(
    private readonly streaming: boolean,
    private readonly decodeError: (status: number, headers: Headers, bodyText: string) => GatewayError,
    private readonly what: string,
    private readonly signal: { readonly aborted: boolean } | undefined,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
  }

  /** Stops the upstream call (the client left, or the gateway gave up). */
  abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.pendingAbort = reason;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.pendingAbort) controller.abort(this.pendingAbort);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Headers): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sink) {
      this.last = chunk;
      if (!this.sink.write(chunk)) {
        controller.pause();
        this.sink.once('drain', () => controller.resume());
      }
      return;
    }
    this.chunks!.push(chunk);
    if (this.streaming && !this.settled && this.isSuccess()) {
      this.settled = true;
      this.chunks = [];
      this.resolveReady({ status: this.status, headers: this.headers, head: chunk });
    }
  }

  onResponseEnd(): void {
    this.ended = true;
    if (!this.settled) {
      this.settled = true;
      const body = this.chunks!.length === 1 ? this.chunks![0]! : Buffer.concat(this.chunks!);
      this.chunks = undefined;
      if (this.isSuccess()) this.resolveReady({ status: this.status, headers: this.headers, head: this.streaming && body.length === 0 ? null : body });
      else this.rejectReady(this.decodeError(this.status, this.headers, body.toString('utf8')));
      return;
    }
    this.finishPipe?.({ atEventBoundary: endsEvent(this.last) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.failure = error;
    if (!this.settled) {
      this.settled = true;
      this.chunks = undefined;
      this.rejectReady(mapTransportError(error, this.signal, this.what));
      return;
    }
    this.finishPipe?.({ error, atEventBoundary: endsEvent(this.last) });
  }

  /** Streaming mode, after `ready`: writes the first chunk and everything after it into `res`. */
  pipeRest(res: ServerResponse, head: Buffer | null): Promise<PipeResult> {
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

  private isSuccess(): boolean {
    return this.status >= 200 && this.status < 300;
  }
}
