import type { HttpUpstream } from './http-upstream.js';
import type { CallOptions, ForwardRequest, ForwardResponse } from './provider-adapter.js';

/** The fast-path `forward` of an upstream that speaks a client protocol itself. */
export async function forwardVia(http: HttpUpstream, request: ForwardRequest, headers: Record<string, string>, options: CallOptions): Promise<ForwardResponse> {
  const { result, exchange } = await http.exchange(
    { method: 'POST', path: request.path, headers, body: request.body },
    request.stream,
    options,
  );
  const contentType = result.headers['content-type'];
  return {
    status: result.status,
    headers: typeof contentType === 'string' ? { 'content-type': contentType } : {},
    head: result.head,
    pipeRest: (res) => exchange.pipeRest(res, result.head),
  };
}
