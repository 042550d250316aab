import type { HttpUpstream } from './http-upstream.js';
import type { CallOptions, ForwardRequest, ForwardResponse } from './provider-adapter.js';

/** The fast-path `forward` of an upstream that speaks a client protocol itself. */
export function forwardVia(http: HttpUpstream, request: ForwardRequest, headers: Record<string, string>, options: CallOptions): Promise<ForwardResponse> {
  return http.exchange({ method: 'POST', path: request.path, headers, body: request.body }, request.stream, options).ready;
}
