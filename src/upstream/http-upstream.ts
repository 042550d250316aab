import type { Dispatcher } from 'undici';
import type { GatewayError } from '../canonical/index.js';
import type { UpstreamTimeouts } from './upstream-timeouts.js';
import { mapTransportError } from './map-transport-error.js';

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

/**
 * One upstream base URL reached through the shared keep-alive agent. Resolves with the response
 * only when it is 2xx; anything else is read and decoded into a classified GatewayError.
 */
export class HttpUpstream {
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
      throw mapTransportError(error, request.signal, `${request.method} ${this.origin}${this.basePath}${request.path}`);
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
}
