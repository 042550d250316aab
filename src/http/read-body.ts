import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../canonical/index.js';

/** Reads the whole request body, refusing more than `limitBytes` (413) before buffering it all. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limitBytes) {
      reject(new GatewayError('request_too_large', `request body of ${declared} bytes exceeds the limit of ${limitBytes}`, { origin: 'client' }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        // Stop keeping the body but let it drain, so the client still receives its 413 (a
        // destroyed socket would only show as a reset); Node closes the connection afterwards.
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        reject(new GatewayError('request_too_large', `request body exceeds the limit of ${limitBytes} bytes`, { origin: 'client' }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', (error) => reject(new GatewayError('client_closed', `reading the request failed: ${error.message}`, { origin: 'client' })));
  });
}
