import { writeFile } from 'node:fs/promises';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../../src/config/config-schema.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const KEYS = ['sk-1', 'sk-2', 'sk-3'];

describe('config.json edits reach a running gateway', () => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let next: GatewayConfigInput;

  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  async function setup(config: GatewayConfigInput): Promise<OpenAI> {
    upstream = await startMockUpstream({ apiKeys: KEYS });
    next = config;
    gateway = await startTestGateway({ 'openai-custom': KEYS.map((key) => openAIInstance(upstream.url, key, { customName: key })) }, config, () => next);
    return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  }

  const servedBy = async (client: OpenAI, sessionId: string) => {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-session-id': sessionId } })
      .withResponse();
    return response.headers.get('x-poolgate-instance');
  };

  it('turning SESSION_AFFINITY on binds sessions from the next request', async () => {
    const client = await setup({ SESSION_AFFINITY: false, SELECTION_STRATEGY: 'round-robin' });
    const before = new Set<string | null>();
    for (let i = 0; i < 3; i++) before.add(await servedBy(client, 'sess-1'));
    expect(before.size).toBe(3);
    next = { SESSION_AFFINITY: true, SELECTION_STRATEGY: 'round-robin' };
    await gateway.reloadConfig();
    const after = new Set<string | null>();
    for (let i = 0; i < 4; i++) after.add(await servedBy(client, 'sess-1'));
    expect(after.size).toBe(1);
  });

  it('a shorter first-byte timeout applies to the next upstream call', async () => {
    const client = await setup({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: 60_000, REQUEST_MAX_RETRIES: 0 });
    for (const key of KEYS) upstream.setFault(key, { kind: 'hang' });
    next = { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: 200, REQUEST_MAX_RETRIES: 0 };
    await gateway.reloadConfig();
    const started = Date.now();
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('an edit that cannot be applied with the pools file as it now is keeps the whole previous configuration, the key included', async () => {
    const client = await setup({});
    // A broken pools edit, rejected by the watcher, is still on disk when config.json changes.
    await writeFile(gateway.poolsFile, '{ "openai-custom": [ { "uuid": ');
    next = { REQUIRED_API_KEY: 'other-key' };
    await gateway.reloadConfig();
    expect(gateway.config().REQUIRED_API_KEY).toBe(TEST_KEY);
    expect(await servedBy(client, 's')).toBeTruthy();
    const other = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'other-key', maxRetries: 0 });
    await expect(other.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
  });
});
