import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { toGatewayError } from '../canonical/index.js';
import { readBody } from './read-body.js';

/** A server that reads bodies with a 1 KiB limit and answers the byte count or the error status. */
async function withServer(run: (port: number) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    readBody(req, 1024).then(
      (body) => res.end(String(body.length)),
      (error: unknown) => {
        const failure = toGatewayError(error);
        res.writeHead(failure.status).end(failure.code);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function post(port: number, chunks: Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readBody', () => {
  it('returns the whole body under the limit', async () => {
    await withServer(async (port) => {
      expect(await post(port, [Buffer.alloc(300), Buffer.alloc(300)])).toEqual({ status: 200, body: '600' });
    });
  });

  it('answers 413 for a declared length over the limit', async () => {
    await withServer(async (port) => {
      expect(await post(port, [Buffer.alloc(2000)], { 'content-length': '2000' })).toEqual({ status: 413, body: 'request_too_large' });
    });
  });

  it('answers 413 (not a reset) for a chunked body that grows past the limit', async () => {
    await withServer(async (port) => {
      const result = await post(port, [Buffer.alloc(800), Buffer.alloc(800), Buffer.alloc(800)]);
      expect(result).toEqual({ status: 413, body: 'request_too_large' });
    });
  });
});
