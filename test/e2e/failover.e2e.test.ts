import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockFault, type MockUpstream } from '../../src/mock-upstream/index.js';
import type { GatewayConfigInput } from '../../src/config/config-schema.js';
import { postAndStall } from '../support/post-and-stall.js';
import { eventually, openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('failover, cooldowns and errors through poolgate', () => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  async function setup(faults: Record<string, MockFault>, config: GatewayConfigInput = {}, keys = ['sk-1', 'sk-2']): Promise<void> {
    upstream = await startMockUpstream({ apiKeys: keys, faults, streamChunks: 6 });
    gateway = await startTestGateway({ 'openai-custom': keys.map((key) => openAIInstance(upstream.url, key)) }, config);
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  }
  const instance = (key: string) => gateway.registry.instance(`uuid-${key}`)!;

  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('moves a 500 on to another instance at once, and cools the bad one after MAX_ERROR_COUNT failures', async () => {
    await setup({ 'sk-1': { kind: 'status', status: 500 } }, { MAX_ERROR_COUNT: 2 });
    for (let i = 0; i < 4; i++) {
      const completion = await client.chat.completions.create(ask);
      expect(completion.choices[0]?.message.content).toContain('Hello from mock');
    }
    expect(upstream.countFor('sk-2')).toBe(4);
    expect(upstream.countFor('sk-1')).toBe(2);
    expect(instance('sk-1').status(Date.now())).toBe('cooling');
    expect(instance('sk-1').stats.errorCount).toBe(2);
  });

  it('REQUEST_MAX_RETRIES 0 means a single attempt', async () => {
    await setup({ '*': { kind: 'status', status: 500 } }, { REQUEST_MAX_RETRIES: 0 });
    await expect(client.chat.completions.create(ask)).rejects.toMatchObject({ status: 502 });
    expect(upstream.countFor('sk-1') + upstream.countFor('sk-2')).toBe(1);
  });

  it('cools a 429 until Retry-After and answers 429 with the soonest Retry-After when all are limited', async () => {
    await setup({ 'sk-1': { kind: 'status', status: 429, retryAfter: '30' }, 'sk-2': { kind: 'status', status: 429, retryAfter: '10' } });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(ask),
    });
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(8);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await response.json()).toMatchObject({ error: { type: expect.any(String) } });
    const until = instance('sk-1').health.until - Date.now();
    expect(until).toBeGreaterThan(28_000);
    expect(until).toBeLessThanOrEqual(30_000);
    // Both cooling now: nothing is sent upstream, the answer is immediate.
    const before = upstream.countFor('sk-1') + upstream.countFor('sk-2');
    await expect(client.chat.completions.create(ask)).rejects.toMatchObject({ status: 429 });
    expect(upstream.countFor('sk-1') + upstream.countFor('sk-2')).toBe(before);
  });

  it('fails over on a hang (first-byte timeout) and on a connection reset', async () => {
    await setup({ 'sk-1': { kind: 'hang' }, 'sk-3': { kind: 'reset' } }, { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: 300 }, ['sk-1', 'sk-3', 'sk-2']);
    for (let i = 0; i < 3; i++) {
      const completion = await client.chat.completions.create(ask);
      expect(completion.choices[0]?.message.content).toContain('Hello from mock');
    }
    expect(instance('sk-1').stats.lastErrorMessage).toMatch(/first-byte|headers/i);
    expect(instance('sk-3').stats.errorCount).toBeGreaterThan(0);
  });

  it('does not retry or count an error the request caused', async () => {
    await setup({ '*': { kind: 'status', status: 400 } });
    await expect(client.chat.completions.create(ask)).rejects.toMatchObject({ status: 400 });
    expect(upstream.countFor('sk-1') + upstream.countFor('sk-2')).toBe(1);
    expect(instance('sk-1').stats.errorCount + instance('sk-2').stats.errorCount).toBe(0);
  });

  it('ends a stream that breaks off mid-way with an error the SDK raises', async () => {
    await setup({ '*': { kind: 'drop-mid-stream', afterChunks: 3 } });
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
  });

  it('forwards chunks as they arrive (no buffering)', async () => {
    await setup({ '*': { kind: 'slow-chunks', delayMs: 120 } });
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(Date.now());
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    // Six chunks 120 ms apart: buffering would deliver them together at the end.
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThan(300);
  });

  it('delivers a stream far larger than the socket buffers whole to a client that stalls', async () => {
    await setup({});
    const said = 'x'.repeat(4 * 1024 * 1024);
    const body = JSON.stringify({ ...ask, messages: [{ role: 'user', content: said }], stream: true });
    const text = await postAndStall(`${gateway.url}/v1/chat/completions`, { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' }, body);
    const events = text.split('\n\n').filter((frame) => frame.startsWith('data: ')).map((frame) => frame.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const content = events.slice(0, -1).map((data) => (JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('');
    expect(content).toBe(`Hello from mock! You said: ${said}`);
  });

  it('aborts the upstream call when the client goes away', async () => {
    await setup({ '*': { kind: 'hang' } });
    const controller = new AbortController();
    const pending = client.chat.completions.create(ask, { signal: controller.signal });
    await eventually(() => instance('sk-1').inflight + instance('sk-2').inflight === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => instance('sk-1').inflight + instance('sk-2').inflight === 0);
    expect(instance('sk-1').stats.errorCount + instance('sk-2').stats.errorCount).toBe(0);
  });

  it('brings a cooling instance back through an active health check', async () => {
    await setup({ 'sk-1': { kind: 'status', status: 401, times: 1 } });
    await client.chat.completions.create(ask);
    await client.chat.completions.create(ask);
    expect(instance('sk-1').status(Date.now())).toBe('cooling');
    expect(instance('sk-1').health.reason).toMatch(/401/);
    await gateway.healthChecker.runOnce();
    expect(instance('sk-1').status(Date.now())).toBe('healthy');
  });

  it('routes by path prefix, Model-Provider header and pool:model', async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-main', 'sk-eu'] });
    gateway = await startTestGateway({
      'openai-custom': [openAIInstance(upstream.url, 'sk-main')],
      'openai-custom-eu': [openAIInstance(upstream.url, 'sk-eu')],
    });
    const post = (path: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post('/openai-custom-eu/v1/chat/completions', ask)).status).toBe(200);
    expect((await post('/v1/chat/completions', ask, { 'model-provider': 'openai-custom-eu' })).status).toBe(200);
    expect((await post('/v1/chat/completions', { ...ask, model: 'openai-custom-eu:gpt-4o' })).status).toBe(200);
    expect(upstream.countFor('sk-eu')).toBe(3);
    expect((upstream.requests.at(-1)?.body as { model: string }).model).toBe('gpt-4o');
    expect((await post('/v1/chat/completions', ask)).status).toBe(200);
    expect(upstream.countFor('sk-main')).toBe(1);
    const unknown = await post('/nowhere/v1/chat/completions', ask);
    expect(unknown.status).toBe(404);
  });
});
