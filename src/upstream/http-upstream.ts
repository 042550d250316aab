import type { Dispatcher } from 'undici';
import { GatewayError } from '../canonical/index.js';
import type { UpstreamTimeouts } from './upstream-timeouts.js';
import { mapTransportError } from './map-transport-error.js';
import type { CallOptions } from './provider-adapter.js';
import { RawExchange, type ExchangeTarget } from './raw-exchange.js';

export type UpstreamErrorDecoder = (status: number, headers: Record<string, string | string[] | undefined>, bodyText: string, now: number) => GatewayError;

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path and query appended to the base path. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
  /** Overrides for probes, which must be quick. */
  timeouts?: Partial<UpstreamTimeouts>;
}

export type ExchangeRequest = Omit<UpstreamRequest, 'signal'>;

/**
 * One upstream base URL reached through the shared keep-alive agent. Resolves with the response
 * only when it is 2xx; anything else is read and decoded into a classified GatewayError.
 */
export class HttpUpstream implements ExchangeTarget {
  readonly origin: string;
  readonly basePath: string;

  constructor(
    baseUrl: URL,
    private readonly dispatcher: Dispatcher,
    private readonly timeouts: UpstreamTimeouts,
    private readonly decodeError: UpstreamErrorDecoder,
    private readonly now: () => number,
  ) {
    this.origin = baseUrl.origin;
    this.basePath = baseUrl.pathname.replace(/\/+$/, '');
  }

  async request(request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: this.basePath + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
        headersTimeout: request.timeouts?.firstByteMs ?? this.timeouts.firstByteMs,
        bodyTimeout: request.timeouts?.betweenChunksMs ?? this.timeouts.betweenChunksMs,
      });
    } catch (error) {
      throw mapTransportError(error, request.signal, this.describe(request.method, request.path));
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    let text = '';
    try {
      text = await response.body.text();
    } catch (error) {
      throw mapTransportError(error, request.signal, `reading the error body of HTTP ${response.statusCode}`);
    }
    throw this.decodeError(response.statusCode, response.headers, text, this.now());
  }

  /**
   * The fast path's call: the 2xx answer's whole body (or, streaming, its first chunk) without a
   * Readable in between; see RawExchange. Its `ready` rejects with a classified GatewayError
   * otherwise.
   */
  exchange(request: ExchangeRequest, streaming: boolean, call: CallOptions): RawExchange {
    const exchange = new RawExchange(streaming, this, request.method, request.path, call);
    this.dispatcher.dispatch(
      {
        origin: this.origin,
        path: this.basePath + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: request.timeouts?.firstByteMs ?? this.timeouts.firstByteMs,
        bodyTimeout: request.timeouts?.betweenChunksMs ?? this.timeouts.betweenChunksMs,
      },
      exchange,
    );
    return exchange;
  }

  /**
   * A streaming call for the canonical path: the 2xx answer's body as chunks through the handler
   * API (see ExchangeBody); rejects with a classified GatewayError otherwise, as `request` does.
   */
  async openStream(request: ExchangeRequest, call: CallOptions): Promise<AsyncIterable<Buffer>> {
    return (await this.exchange(request, true, call).ready).body();
  }

  describe(method: string, path: string): string {
    return `${method} ${this.origin}${this.basePath}${path}`;
  }

  decodeFailure(status: number, headers: Record<string, string | string[] | undefined>, bodyText: string): GatewayError {
    return this.decodeError(status, headers, bodyText, this.now());
  }

  /**
   * A non-streaming JSON call through the handler API (see `exchange`): no Readable, and no
   * AbortSignal unless the caller's own options make one.
   */
  async postJson(path: string, headers: Record<string, string>, body: string | Buffer, call: CallOptions): Promise<unknown> {
    const answer = await this.exchange({ method: 'POST', path, headers, body }, false, call).ready;
    const text = answer.head?.toString('utf8') ?? '';
    try {
      return JSON.parse(text);
    } catch {
      throw new GatewayError('bad_upstream_response', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }
}
