import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

describe('session affinity through poolgate', () => {
  let upstream: MockUpstream;
  let gateway: TestGateway;

  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  async function setup(): Promise<OpenAI> {
    upstream = await startMockUpstream({ apiKeys: ['sk-1', 'sk-2', 'sk-3'] });
    gateway = await startTestGateway(
      { 'openai-custom': ['sk-1', 'sk-2', 'sk-3'].map((key) => openAIInstance(upstream.url, key, { customName: key })) },
      { SESSION_AFFINITY: true, MAX_ERROR_COUNT: 1 },
    );
    return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  }

  const servedBy = async (client: OpenAI, messages: OpenAI.ChatCompletionMessageParam[], sessionId?: string) => {
    const { response } = await client.chat.completions
      .create({ model: 'm', messages }, sessionId ? { headers: { 'x-session-id': sessionId } } : {})
      .withResponse();
    return response.headers.get('x-poolgate-instance');
  };

  it('keeps a growing conversation on one instance, while different conversations spread', async () => {
    const client = await setup();
    const opening: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Plan a trip' }];
    const first = await servedBy(client, opening);
    for (let turn = 0; turn < 4; turn++) {
      opening.push({ role: 'assistant', content: 'ok' }, { role: 'user', content: `more ${turn}` });
      expect(await servedBy(client, opening)).toBe(first);
    }
    const others = new Set<string | null>();
    for (let i = 0; i < 6; i++) others.add(await servedBy(client, [{ role: 'user', content: `other conversation ${i}` }]));
    expect(others.size).toBeGreaterThan(1);
  });

  it('an explicit x-session-id wins, and a bound instance that fails is left for good, not pinned', async () => {
    const client = await setup();
    const bound = (await servedBy(client, [{ role: 'user', content: 'a' }], 'sess-42'))!;
    expect(await servedBy(client, [{ role: 'user', content: 'something else entirely' }], 'sess-42')).toBe(bound);
    upstream.setFault(bound, { kind: 'status', status: 500 });
    const moved = await servedBy(client, [{ role: 'user', content: 'b' }], 'sess-42');
    expect(moved).not.toBe(bound);
    upstream.clearFaults();
    // The old instance is cooling; even after it recovers, the session stays where it moved.
    gateway.registry.instance(`uuid-${bound}`)!.health.cooling = false;
    expect(await servedBy(client, [{ role: 'user', content: 'c' }], 'sess-42')).toBe(moved);
  });

  it('answers a body without messages with a 400 in the client\'s protocol, not a crash while hashing it', async () => {
    await setup();
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    for (const messages of [undefined, null, 'hi']) {
      const openai = await post('/v1/chat/completions', { model: 'm', messages }, { authorization: `Bearer ${TEST_KEY}` });
      expect(openai.status).toBe(400);
      expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringContaining('messages') } });
      const anthropic = await post('/v1/messages', { model: 'm', max_tokens: 8, messages }, { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' });
      expect(anthropic.status).toBe(400);
      expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages') } });
    }
  });
});
