import type { ServerResponse } from 'node:http';
import type { MockProtocol } from './mock-protocol.js';

/** A complete JSON response with content-length and the protocol's request-id header. */
export function sendJson(
  res: ServerResponse,
  protocol: MockProtocol,
  status: number,
  body: Buffer | string,
  requestId: string,
  extraHeaders: string[] = [],
): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, [
    'content-type', 'application/json',
    'content-length', String(length),
    protocol.requestIdHeader, requestId,
    ...extraHeaders,
  ]);
  res.end(body);
}

/** An error in the protocol's own shape. */
export function sendError(
  res: ServerResponse,
  protocol: MockProtocol,
  status: number,
  message: string,
  requestId: string,
  code?: string,
): void {
  sendJson(res, protocol, status, protocol.errorBody(status, message, requestId, code), requestId);
}
