import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/index.js';
import { ClientCancellation } from '../http/client-cancellation.js';
import { decodeOpenAIUpstreamStream } from './openai-custom/decode-chat-stream.js';
import { HttpUpstream } from './http-upstream.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const chunk = (text: string) => `data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;

/** A real server on loopback; `handler` writes the answer. Counts connections. */
async function serve(handler: (res: http.ServerResponse) => void): Promise<{ upstream: HttpUpstream; connections: () => number; closed: Promise<void> }> {
  let connections = 0;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res));
    res.on('close', () => {
      if (!res.writableFinished) resolveClosed();
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  closers.push(() => agent.close(), () => new Promise((resolve) => server.close(resolve)), async () => server.closeAllConnections());
  const { port } = server.address() as AddressInfo;
  const timeouts = { connectMs: 2_000, firstByteMs: 2_000, betweenChunksMs: 2_000 };
  const upstream = new HttpUpstream(
    new URL(`http://127.0.0.1:${port}/v1`),
    agent,
    timeouts,
    (status, _headers, body) => new GatewayError('upstream_error', `HTTP ${status}: ${body}`),
    Date.now,
  );
  return { upstream, connections: () => connections, closed };
}

const request = { method: 'POST' as const, path: '/chat/completions', headers: { 'content-type': 'application/json' }, body: '{}' };

describe('HttpUpstream.openStream (canonical streams on the handler API)', () => {
  it('decodes a stream and keeps the connection when the decoder stops at [DONE] before the body ends', async () => {
    const { upstream, connections } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Hel') + chunk('lo') + 'data: [DONE]\n\n');
      // A trailing newline after [DONE], a little later: the decoder has already stopped.
      setTimeout(() => res.end('\n'), 20);
    });
    let afterFirst = 0;
    for (let i = 0; i < 4; i++) {
      if (i === 1) afterFirst = connections();
      const events = [];
      for await (const event of decodeOpenAIUpstreamStream(await upstream.openStream(request, new ClientCancellation()))) events.push(event);
      expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual(['Hel', 'lo']);
      expect(events.at(-1)?.type).toBe('finish');
    }
    // The second call may still find the first connection busy (request() did the same); after
    // that every stream goes back to the pool.
    expect(connections()).toBeLessThanOrEqual(afterFirst + 1);
    expect(afterFirst).toBe(1);
  });

  it('rejects a non-2xx answer with the decoded error, before any event', async () => {
    const { upstream } = await serve((res) => {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end('{"error":"slow down"}');
    });
    await expect(upstream.openStream(request, new ClientCancellation())).rejects.toThrow('HTTP 429: {"error":"slow down"}');
  });

  it('a client that leaves mid-stream stops the upstream call, and the decoder reports client_closed', async () => {
    const { upstream, closed } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('first'));
      // ...and then nothing more until the gateway gives up.
    });
    const cancellation = new ClientCancellation();
    const events = decodeOpenAIUpstreamStream(await upstream.openStream(request, cancellation))[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ type: 'start' });
    expect((await events.next()).value).toMatchObject({ type: 'text-start' });
    expect((await events.next()).value).toMatchObject({ type: 'text-delta', text: 'first' });
    const next = events.next();
    cancellation.cancel();
    expect((await next).value).toMatchObject({ type: 'error', error: { code: 'client_closed' } });
    await closed; // the upstream saw its connection go
  });

  it('an upstream that breaks off mid-stream ends the decoded stream with stream_interrupted', async () => {
    const { upstream } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('partial'));
      setTimeout(() => res.destroy(), 20);
    });
    const events = [];
    for await (const event of decodeOpenAIUpstreamStream(await upstream.openStream(request, new ClientCancellation()))) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'stream_interrupted' } });
  });

  it('holds back a fast upstream while the consumer is slow, losing nothing', async () => {
    const pieces = 400;
    const { upstream } = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const pump = (): void => {
        while (i < pieces) {
          if (!res.write(chunk(`${i++} ${'x'.repeat(1000)}`))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end('data: [DONE]\n\n');
      };
      pump();
    });
    let texts = 0;
    for await (const event of decodeOpenAIUpstreamStream(await upstream.openStream(request, new ClientCancellation()))) {
      if (event.type !== 'text-delta') continue;
      expect(event.text.startsWith(`${texts} `)).toBe(true);
      texts++;
      if (texts % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(texts).toBe(pieces);
  });
});
