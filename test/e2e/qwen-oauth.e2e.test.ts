import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startQwenMock, type QwenMock, type QwenMockTokens } from '../mocks/qwen-mock.js';
import { startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const UUID = 'qwen-instance-1';
const ask = { model: 'coder-model', messages: [{ role: 'user' as const, content: 'hi qwen' }] };

describe('openai-qwen-oauth through poolgate', () => {
  let mock: QwenMock;
  let gateway: TestGateway | undefined;
  let credsFile: string;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeEach(async () => {
    mock = await startQwenMock();
    credsFile = path.join(await mkdtemp(path.join(tmpdir(), 'poolgate-qwen-')), 'oauth_creds.json');
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await mock.close();
  });

  async function start(tokens: QwenMockTokens, expiryDate: number): Promise<void> {
    await writeFile(
      credsFile,
      JSON.stringify({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', resource_url: mock.chatUrl, expiry_date: expiryDate }),
      { mode: 0o600 },
    );
    gateway = await startTestGateway(
      { 'openai-qwen-oauth': [{ uuid: UUID, QWEN_OAUTH_CREDS_FILE_PATH: credsFile, QWEN_OAUTH_BASE_URL: mock.oauthUrl, checkModelName: null, isHealthy: true }] },
      { MODEL_PROVIDER: 'openai-qwen-oauth' },
    );
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
  }
  const instance = () => gateway!.registry.instance(UUID)!;
  const chatRequests = () => mock.upstream.requests.filter((request) => request.path === '/v1/chat/completions');

  it('serves OpenAI and Anthropic clients, streaming and not, with the Qwen Code headers and the bearer', async () => {
    const tokens = mock.issue();
    await start(tokens, Date.now() + 3_600_000);

    const completion = await openai.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: hi qwen');
    const stream = await openai.chat.completions.create({ ...ask, stream: true, messages: [{ role: 'user', content: '[multibyte]' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('你好');

    const message = await anthropic.messages.create({ model: 'coder-model', max_tokens: 50, messages: [{ role: 'user', content: 'hi there' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock! You said: hi there' });
    const events: string[] = [];
    const anthropicStream = anthropic.messages.stream({ model: 'coder-model', max_tokens: 50, messages: [{ role: 'user', content: '[multibyte]' }] });
    anthropicStream.on('streamEvent', (event) => events.push(event.type));
    const final = await anthropicStream.finalMessage();
    expect(final.content[0]?.type === 'text' && final.content[0].text).toContain('你好');
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');

    const requests = chatRequests();
    expect(requests).toHaveLength(4);
    for (const request of requests) {
      expect(request.apiKey).toBe(tokens.accessToken);
      expect(request.headers['x-dashscope-authtype']).toBe('qwen-oauth');
      expect(request.headers['x-dashscope-cachecontrol']).toBe('enable');
      expect(request.headers['user-agent']).toMatch(/^QwenCode\/\S+ \(\w+; \w+\)$/);
      expect(request.headers['x-dashscope-useragent']).toBe(request.headers['user-agent']);
    }
    expect(mock.counts.refresh).toBe(0);
  });

  it('refreshes an expired token once for 10 concurrent requests and writes it back (0600)', async () => {
    const old = mock.issue();
    await start(old, Date.now() - 1000);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? openai.chat.completions.create(ask).then((c) => c.choices[0]?.message.content)
          : anthropic.messages.create({ model: 'coder-model', max_tokens: 20, messages: [{ role: 'user', content: 'hi qwen' }] }).then((m) => (m.content[0]?.type === 'text' ? m.content[0].text : '')),
      ),
    );
    expect(answers.every((text) => text === 'Hello from mock! You said: hi qwen')).toBe(true);
    expect(mock.counts.refresh).toBe(1);
    const refreshForm = mock.oauthRequests.find((request) => request.form.grant_type === 'refresh_token')?.form;
    expect(refreshForm).toMatchObject({ refresh_token: old.refreshToken, client_id: expect.any(String) });
    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(creds.access_token).not.toBe(old.accessToken);
    expect(creds.expiry_date).toBeGreaterThan(Date.now() + 3_600_000);
    expect(creds.resource_url).toBe(mock.chatUrl);
    expect((await stat(credsFile)).mode & 0o777).toBe(0o600);
    expect(new Set(chatRequests().map((request) => request.apiKey))).toEqual(new Set([creds.access_token]));
  });

  it('on a 401 refreshes once and retries the same call, stream and fast path alike', async () => {
    const tokens = mock.issue();
    await start(tokens, Date.now() + 3_600_000);
    mock.revoke(tokens.accessToken);
    const completion = await openai.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: hi qwen');
    expect(mock.counts.refresh).toBe(1);
    const keys = chatRequests().map((request) => request.apiKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(tokens.accessToken);
    expect(keys[1]).not.toBe(tokens.accessToken);

    // The refreshed token is revoked too: the canonical stream path refreshes and retries as well.
    mock.revoke(keys[1]!);
    const events: string[] = [];
    const stream = anthropic.messages.stream({ model: 'coder-model', max_tokens: 20, messages: [{ role: 'user', content: 'again' }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    await stream.finalMessage();
    expect(events.at(-1)).toBe('message_stop');
    expect(mock.counts.refresh).toBe(2);
    expect(instance().stats.errorCount).toBe(0);
  });

  it('cools the instance when refresh fails and brings it back through a health check once refresh works', async () => {
    const tokens = mock.issue();
    await start(tokens, Date.now() - 1000);
    mock.failRefresh = { status: 400, error: 'invalid_grant' };
    await expect(openai.chat.completions.create(ask)).rejects.toThrow();
    expect(instance().status(Date.now())).toBe('cooling');
    expect(instance().health.code).toBe('authentication');
    expect(instance().health.reason).not.toContain(tokens.refreshToken);
    expect(chatRequests()).toHaveLength(0);

    mock.failRefresh = undefined;
    await gateway!.healthChecker.runOnce();
    expect(instance().status(Date.now())).toBe('healthy');
    const completion = await openai.chat.completions.create(ask);
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: hi qwen');
  });
});
