import type { ServerResponse } from 'node:http';

export interface EncodedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEncodedError(res: ServerResponse, error: EncodedError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(error.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(error.body), ...error.headers });
  res.end(error.body);
}
