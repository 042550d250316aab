import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from './mock-upstream-types.js';
import { startMockUpstream } from './start-mock-upstream.js';

const OPENAI_BODY = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] };
const ANTHROPIC_BODY = { model: 'claude-mock', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };

describe('faults, observed from a raw undici client', () => {
  let mock: MockUpstream;
  let agent: Agent;

  const post = (path: string, body: unknown, apiKey = 'k1', signal?: AbortSignal) =>
    request(`${mock.url}${path}`, {
      method: 'POST',
      dispatcher: agent,
      headers: path === '/v1/messages'
        ? { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }
        : { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
      signal,
    });
  const chat = (apiKey = 'k1', extra: object = {}) => post('/v1/chat/completions', { ...OPENAI_BODY, ...extra }, apiKey);
  const statusOf = async (apiKey = 'k1'): Promise<number | 'error'> => {
    try {
      const response = await chat(apiKey);
      await response.body.text();
      return response.statusCode;
    } catch {
      return 'error';
    }
  };
  /** Reads a body to its end or its failure; reports the text received and whether it failed. */
  const drain = async (body: AsyncIterable<Buffer>): Promise<{ text: string; reads: number; failed: boolean }> => {
    const parts: Buffer[] = [];
    try {
      for await (const part of body) parts.push(part);
      return { text: Buffer.concat(parts).toString(), reads: parts.length, failed: false };
    } catch {
      return { text: Buffer.concat(parts).toString(), reads: parts.length, failed: true };
    }
  };

  beforeAll(async () => {
    mock = await startMockUpstream({ streamChunks: 6 });
    agent = new Agent({ keepAliveTimeout: 1000 });
  });
  afterEach(() => mock.clearFaults());
  afterAll(async () => {
    await agent.close();
    await mock.close();
  });

  it('status: answers 500 in the OpenAI shape on every request', async () => {
    mock.setFault('k1', { kind: 'status', status: 500 });
    for (let i = 0; i < 3; i++) {
      const response = await chat();
      expect(response.statusCode).toBe(500);
      expect(await response.body.json()).toEqual({ error: expect.objectContaining({ type: 'server_error', param: null, code: null }) });
    }
  });

  it('status: 429 carries Retry-After and rate_limit_exceeded', async () => {
    mock.setFault('k1', { kind: 'status', status: 429, retryAfter: '7' });
    const response = await chat();
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.headers['x-request-id']).toMatch(/^req_mock/);
    expect(await response.body.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  it('status: uses the Anthropic error shape on /v1/messages (529 overloaded_error)', async () => {
    mock.setFault('k1', { kind: 'status', status: 529 });
    const response = await post('/v1/messages', ANTHROPIC_BODY);
    expect(response.statusCode).toBe(529);
    expect(response.headers['request-id']).toMatch(/^req_mock/);
    expect(await response.body.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('status: sends a given body verbatim', async () => {
    mock.setFault('k1', { kind: 'status', status: 400, body: '{"error":"plain string"}' });
    const response = await chat();
    expect(response.statusCode).toBe(400);
    expect(await response.body.text()).toBe('{"error":"plain string"}');
  });

  it('status with times: fails only the next N requests', async () => {
    mock.setFault('k1', { kind: 'status', status: 503, times: 2 });
    expect([await statusOf(), await statusOf(), await statusOf(), await statusOf()]).toEqual([503, 503, 200, 200]);
  });

  it('faults only the key they are set for, or every key with *', async () => {
    mock.setFault('k1', { kind: 'status', status: 500 });
    expect(await statusOf('k2')).toBe(200);
    mock.setFault('*', { kind: 'status', status: 502 });
    expect([await statusOf('k1'), await statusOf('k2')]).toEqual([500, 502]);
  });

  it('never faults the metadata endpoints', async () => {
    mock.setFault('*', { kind: 'reset' });
    const response = await request(`${mock.url}/v1/models`, { dispatcher: agent, headers: { authorization: 'Bearer k1' } });
    expect(response.statusCode).toBe(200);
    await response.body.text();
  });

  it('reset: destroys the socket before any response bytes', async () => {
    mock.setFault('k1', { kind: 'reset' });
    await expect(chat()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) });
    mock.clearFaults();
    expect(await statusOf()).toBe(200);
  });

  it('hang: never answers until the client-side timeout aborts', async () => {
    mock.setFault('k1', { kind: 'hang' });
    const outcome = await post('/v1/chat/completions', OPENAI_BODY, 'k1', AbortSignal.timeout(150)).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toMatch(/Abort|Timeout/);
    expect(mock.countFor('k1')).toBeGreaterThan(0);
  });

  it('drop-mid-stream: sends N events then cuts the connection, no [DONE]', async () => {
    mock.setFault('k1', { kind: 'drop-mid-stream', afterChunks: 3 });
    const response = await chat('k1', { stream: true });
    expect(response.statusCode).toBe(200);
    const { text, failed } = await drain(response.body);
    expect(failed).toBe(true);
    expect(text.match(/^data: /gm)).toHaveLength(3);
    expect(text).not.toContain('[DONE]');
  });

  it('drop-mid-stream: cuts Anthropic streams before message_stop', async () => {
    mock.setFault('k1', { kind: 'drop-mid-stream', afterChunks: 2 });
    const response = await post('/v1/messages', { ...ANTHROPIC_BODY, stream: true });
    const { text, failed } = await drain(response.body);
    expect(failed).toBe(true);
    expect([...text.matchAll(/^event: (\w+)/gm)].map((m) => m[1])).toEqual(['message_start', 'content_block_start']);
  });

  it('drop-mid-stream: truncates a non-stream body', async () => {
    mock.setFault('k1', { kind: 'drop-mid-stream', afterChunks: 0 });
    const response = await chat();
    expect(response.statusCode).toBe(200);
    const { text, failed } = await drain(response.body);
    expect(failed).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('slow-chunks: delivers every event, in separate reads', async () => {
    mock.setFault('k1', { kind: 'slow-chunks', delayMs: 5 });
    const response = await chat('k1', { stream: true });
    const { text, reads, failed } = await drain(response.body);
    expect(failed).toBe(false);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.match(/^data: /gm)).toHaveLength(1 + 6 + 1 + 1);
    expect(reads).toBeGreaterThan(1);
  });

  it('slow-headers: answers normally after the delay', async () => {
    mock.setFault('k1', { kind: 'slow-headers', delayMs: 20 });
    const response = await chat();
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toMatchObject({ object: 'chat.completion' });
  });

  it('flaky: fails a seeded, reproducible subset of requests', async () => {
    const pattern = async (target: MockUpstream): Promise<string> => {
      target.setFault('k1', { kind: 'flaky', failureRate: 0.5, status: 503 });
      const statuses: (number | 'error')[] = [];
      for (let i = 0; i < 24; i++) {
        const response = await request(`${target.url}/v1/chat/completions`, {
          method: 'POST', dispatcher: agent, headers: { authorization: 'Bearer k1' }, body: JSON.stringify(OPENAI_BODY),
        });
        await response.body.text();
        statuses.push(response.statusCode);
      }
      return statuses.map((s) => (s === 503 ? 'x' : '.')).join('');
    };
    const twin = await startMockUpstream({ streamChunks: 6 });
    try {
      const first = await pattern(mock);
      expect(await pattern(twin)).toBe(first);
      expect(first).toContain('x');
      expect(first).toContain('.');
    } finally {
      await twin.close();
    }
  });

  it('sequence: one step per request, then normal', async () => {
    mock.setFault('k1', { kind: 'sequence', steps: [{ kind: 'status', status: 429 }, { kind: 'reset' }, { kind: 'none' }, { kind: 'status', status: 500 }] });
    expect([await statusOf(), await statusOf(), await statusOf(), await statusOf(), await statusOf()]).toEqual([429, 'error', 200, 500, 200]);
  });

  it('applies faults given at start', async () => {
    const faulted = await startMockUpstream({ faults: { '*': { kind: 'status', status: 418 } } });
    try {
      const response = await request(`${faulted.url}/v1/chat/completions`, { method: 'POST', dispatcher: agent, body: JSON.stringify(OPENAI_BODY) });
      await response.body.text();
      expect(response.statusCode).toBe(418);
    } finally {
      await faulted.close();
    }
  });
});
