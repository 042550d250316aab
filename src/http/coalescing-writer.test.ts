import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CoalescingWriter } from './coalescing-writer.js';

let server: http.Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A real server whose one response is handed to `handle`; resolves with the response and a client request. */
async function serve(handle: (res: ServerResponse, writes: string[]) => Promise<void> | void): Promise<http.IncomingMessage> {
  server = http.createServer((_req, res) => {
    const writes: string[] = [];
    const write = res.write.bind(res);
    res.write = ((chunk: string, ...rest: never[]) => {
      writes.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    void handle(res, writes);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject));
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

describe('CoalescingWriter', () => {
  it('sends the frames of one turn as one write, and each later turn as its own', async () => {
    let seen: string[] = [];
    const client = await serve(async (res, writes) => {
      const out = new CoalescingWriter(res);
      out.write('a\n\n');
      out.write('b\n\n');
      out.write('c\n\n');
      await nextTurn();
      out.write('d\n\n');
      await nextTurn();
      out.write('e\n\n');
      out.end();
      seen = writes;
    });
    expect(await readAll(client)).toBe('a\n\nb\n\nc\n\nd\n\ne\n\n');
    // The last frame leaves with the response's end, not as a write of its own.
    expect(seen).toEqual(['a\n\nb\n\nc\n\n', 'd\n\n']);
  });

  it('delivers a frame before the next one exists (nothing is held past the turn)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = await serve(async (res) => {
      const out = new CoalescingWriter(res);
      out.write('first\n\n');
      await gate; // the second frame is produced only after the client saw the first
      out.write('second\n\n');
      out.end();
    });
    const chunks: string[] = [];
    for await (const chunk of client) {
      chunks.push(String(chunk));
      if (chunks.length === 1) release();
    }
    expect(chunks[0]).toBe('first\n\n');
    expect(chunks.join('')).toBe('first\n\nsecond\n\n');
  });

  it('writes at once when a turn piles up more than 64 KiB', async () => {
    let seen: string[] = [];
    const big = 'x'.repeat(40 * 1024);
    const client = await serve((res, writes) => {
      const out = new CoalescingWriter(res);
      out.write(big);
      expect(writes).toHaveLength(0);
      out.write(big);
      seen = [...writes];
      out.end();
    });
    expect((await readAll(client)).length).toBe(80 * 1024);
    expect(seen).toHaveLength(1);
  });

  it('makes the producer wait while the client does not read, and lets it go on once it does', async () => {
    const frames = 400;
    const frame = 'y'.repeat(64 * 1024);
    let written = 0;
    let finished = false;
    const client = await serve(async (res) => {
      const out = new CoalescingWriter(res);
      for (let i = 0; i < frames; i++) {
        const drained = out.write(frame);
        written++;
        if (drained) await drained;
      }
      out.end();
      finished = true;
    });
    client.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 25 MB cannot all sit in socket buffers: the producer is parked on a drain.
    expect(finished).toBe(false);
    expect(written).toBeLessThan(frames);
    client.resume();
    const text = await readAll(client);
    expect(text.length).toBe(frames * frame.length);
    expect(finished).toBe(true);
  });

  it('drops what is pending once the client is gone, without throwing', async () => {
    let threw: unknown = 'not run';
    const client = serve(async (res) => {
      const out = new CoalescingWriter(res);
      out.write('a\n\n');
      res.destroy();
      try {
        out.flush();
        out.end();
        threw = undefined;
      } catch (error) {
        threw = error;
      }
    });
    await client.then((res) => readAll(res)).catch(() => undefined);
    expect(threw).toBeUndefined();
  });
});
