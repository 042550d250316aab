import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startMockUpstream } from './start-mock-upstream.js';

describe('startMockUpstream lifecycle', () => {
  it('listens on 127.0.0.1 on an ephemeral port by default and exposes url/port', async () => {
    const mock = await startMockUpstream();
    try {
      expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
      expect(mock.port).toBeGreaterThan(0);
    } finally {
      await mock.close();
    }
  });

  it('close() ends hanging requests instead of waiting for them', async () => {
    const mock = await startMockUpstream({ faults: { '*': { kind: 'hang' } } });
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${mock.url}/v1/chat/completions`, { method: 'POST' }, () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }));
    });
    while (mock.countFor('') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await mock.close();
    expect(await outcome).toMatch(/ECONNRESET|socket hang up/);
    await mock.close();
  });

  it('close() also aborts a slow-headers delay and a slow stream', async () => {
    const mock = await startMockUpstream({ faults: { a: { kind: 'slow-headers', delayMs: 60_000 }, b: { kind: 'slow-chunks', delayMs: 60_000 } } });
    const send = (key: string, stream: boolean) => fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'm', stream, messages: [{ role: 'user', content: 'x' }] }),
    }).then((r) => r.text()).catch(() => 'failed');
    const slowHeaders = send('a', false);
    const slowStream = send('b', true);
    while (mock.countFor('a') + mock.countFor('b') < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await mock.close();
    expect(await slowHeaders).toBe('failed');
    expect(await slowStream).toBe('failed');
  });

  it('rejects a non-positive streamChunks', async () => {
    await expect(startMockUpstream({ streamChunks: 0 })).rejects.toThrow(RangeError);
  });

  it('keeps the last 1000 requests, newest last, and counts per key beyond that', async () => {
    const mock = await startMockUpstream();
    try {
      for (let i = 0; i < 1005; i++) {
        const response = await fetch(`${mock.url}/v1/models`, { headers: { authorization: `Bearer k${i % 2}` } });
        await response.arrayBuffer();
      }
      expect(mock.requests).toHaveLength(1000);
      expect(mock.requests.at(-1)?.apiKey).toBe('k0');
      expect(mock.countFor('k0') + mock.countFor('k1')).toBe(1005);
      mock.resetRecords();
      expect(mock.requests).toHaveLength(0);
      expect(mock.countFor('k0')).toBe(0);
    } finally {
      await mock.close();
    }
  });
});
