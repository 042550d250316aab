import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExchangeBody, type BodySource } from './exchange-body.js';

const chunk = (text: string): Buffer => Buffer.from(text);

function source(): BodySource & { resumes: number; aborts: Error[]; body?: ExchangeBody } {
  const s: BodySource & { resumes: number; aborts: Error[]; body?: ExchangeBody } = {
    resumes: 0,
    aborts: [],
    resume() {
      s.resumes++;
    },
    abort(reason) {
      s.aborts.push(reason);
      // As undici does: an aborted call reports the reason through onError.
      s.body?.fail(reason);
    },
  };
  return s;
}

async function texts(body: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of body) out.push(piece.toString());
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ExchangeBody', () => {
  it('yields chunks in order, whether they came before or while the consumer waited', async () => {
    const body = new ExchangeBody(source());
    body.push(chunk('a'));
    body.push(chunk('b'));
    const all = texts(body);
    await Promise.resolve();
    body.push(chunk('c'));
    setImmediate(() => {
      body.push(chunk('d'));
      body.end();
    });
    expect(await all).toEqual(['a', 'b', 'c', 'd']);
  });

  it('pauses the upstream at 16 unread chunks and resumes it once they are read', async () => {
    const from = source();
    const body = new ExchangeBody(from);
    const accepted = Array.from({ length: 16 }, (_, i) => body.push(chunk(String(i))));
    expect(accepted.slice(0, 15).every(Boolean)).toBe(true);
    expect(accepted[15]).toBe(false);
    for (let i = 0; i < 15; i++) await body.next();
    expect(from.resumes).toBe(0);
    await body.next();
    expect(from.resumes).toBe(1);
    body.end();
    expect(await body.next()).toEqual({ done: true, value: undefined });
  });

  it('delivers what arrived before a failure, then throws it', async () => {
    const body = new ExchangeBody(source());
    body.push(chunk('a'));
    body.fail(new Error('socket hang up'));
    expect((await body.next()).value?.toString()).toBe('a');
    await expect(body.next()).rejects.toThrow('socket hang up');
  });

  it('fails a consumer that is waiting', async () => {
    const body = new ExchangeBody(source());
    const pending = body.next();
    body.fail(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
  });

  it('stopping early reads a short tail to its end, keeping the connection, without aborting', async () => {
    const from = source();
    const body = new ExchangeBody(from);
    from.body = body;
    body.push(chunk('data: [DONE]\n\n'));
    await body.next();
    const stopped = body.return();
    body.push(chunk('\n'));
    body.end();
    expect(await stopped).toEqual({ done: true, value: undefined });
    expect(from.aborts).toEqual([]);
    expect(await body.next()).toEqual({ done: true, value: undefined });
  });

  it('stopping early cuts a tail longer than 64 KiB', async () => {
    const from = source();
    const body = new ExchangeBody(from);
    from.body = body;
    const stopped = body.return();
    for (let i = 0; i < 5 && from.aborts.length === 0; i++) body.push(Buffer.alloc(16 * 1024));
    expect(await stopped).toEqual({ done: true, value: undefined });
    expect(from.aborts).toHaveLength(1);
  });

  it('stopping early cuts a tail that takes longer than a second', async () => {
    vi.useFakeTimers();
    const from = source();
    const body = new ExchangeBody(from);
    from.body = body;
    const stopped = body.return();
    await vi.advanceTimersByTimeAsync(999);
    expect(from.aborts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(from.aborts).toHaveLength(1);
    expect(await stopped).toEqual({ done: true, value: undefined });
  });

  it('stopping early resumes a paused upstream so that the tail can arrive', async () => {
    const from = source();
    const body = new ExchangeBody(from);
    for (let i = 0; i < 16; i++) body.push(chunk('x'));
    const stopped = body.return();
    expect(from.resumes).toBe(1);
    body.end();
    await stopped;
  });

  it('stopping after the end, or twice, is immediate', async () => {
    const body = new ExchangeBody(source());
    body.end();
    expect(await body.return()).toEqual({ done: true, value: undefined });
    expect(await body.return()).toEqual({ done: true, value: undefined });
  });
});
