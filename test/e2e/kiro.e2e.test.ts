import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../../src/config/config-schema.js';
import { nextMonthlyResetMs } from '../../src/upstream/kiro/decode-kiro-error.js';
import { MOCK_CLIENT_ID, MOCK_CLIENT_SECRET, MOCK_PROFILE_ARN, startKiroMock, type KiroMock } from '../mocks/kiro-mock.js';
import { startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const UUID = 'kiro-e2e-1';

interface Setup {
  login?: 'social' | 'idc';
  expired?: boolean;
  config?: GatewayConfigInput;
}

describe('Claude and OpenAI clients through poolgate to Kiro (claude-kiro-oauth)', () => {
  let mock: KiroMock;
  let gateway: TestGateway;
  let credsFile: string;
  let anthropic: Anthropic;
  let openai: OpenAI;

  async function setup(options: Setup = {}): Promise<void> {
    mock = await startKiroMock();
    const dir = await mkdtemp(path.join(tmpdir(), 'poolgate-kiro-'));
    credsFile = path.join(dir, 'kiro-auth-token.json');
    const accessToken = options.expired ? 'aoaSTALE-token' : mock.issueAccessToken();
    const expiresAt = new Date(Date.now() + (options.expired ? -60_000 : 3_600_000)).toISOString();
    const creds =
      options.login === 'idc'
        ? { accessToken, refreshToken: mock.refreshToken, expiresAt, authMethod: 'IdC', provider: 'BuilderId', region: 'us-east-1', clientId: MOCK_CLIENT_ID, clientSecret: MOCK_CLIENT_SECRET, note: 'kept' }
        : { accessToken, refreshToken: mock.refreshToken, expiresAt, authMethod: 'social', provider: 'Google', profileArn: MOCK_PROFILE_ARN, note: 'kept' };
    await writeFile(credsFile, JSON.stringify(creds, null, 2));
    gateway = await startTestGateway(
      {
        'claude-kiro-oauth': [
          {
            uuid: UUID,
            KIRO_OAUTH_CREDS_FILE_PATH: credsFile,
            KIRO_BASE_URL: mock.url,
            KIRO_REFRESH_URL: `${mock.url}/refreshToken`,
            KIRO_REFRESH_IDC_URL: `${mock.url}/token`,
            checkModelName: null,
            isHealthy: true,
          },
        ],
      },
      { MODEL_PROVIDER: 'claude-kiro-oauth', ...options.config },
    );
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  }

  const instance = () => gateway.registry.instance(UUID)!;
  const generateBodies = () => mock.requests.filter((r) => r.path === '/generateAssistantResponse').map((r) => r.body as Record<string, any>);

  afterEach(async () => {
    await gateway?.close();
    await mock?.close();
  });

  it('Anthropic client: text, non-stream and stream, with the model mapped and the system prompt folded in', async () => {
    await setup();
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hi there' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock! You said: hi there' });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const sent = generateBodies()[0]!;
    expect(sent.profileArn).toBe(MOCK_PROFILE_ARN);
    expect(sent.conversationState.currentMessage.userInputMessage).toMatchObject({ content: 'Be brief.\n\nhi there', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' });

    const events: string[] = [];
    const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'héllo 世界 🌍' }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content.map((b) => (b.type === 'text' ? b.text : '')).join('')).toBe('Hello from mock! You said: héllo 世界 🌍');
    expect(events[0]).toBe('message_start');
    expect(events.filter((e) => e === 'content_block_delta').length).toBeGreaterThan(1);
    expect(events.at(-1)).toBe('message_stop');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(generateBodies()[1]!.conversationState.currentMessage.userInputMessage.modelId).toBe('claude-haiku-4.5');
  });

  it('Anthropic client: a full tool round trip, streamed (the Claude Code loop)', async () => {
    await setup();
    const tools = [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema as Anthropic.Tool.InputSchema }];
    const first = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const uses = first.content.filter((block) => block.type === 'tool_use');
    expect(uses).toHaveLength(1); // the repeated toolUseEvent is de-duplicated
    expect(uses[0]).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    const use = uses[0] as Anthropic.ToolUseBlock;
    const final = await anthropic.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'rainy, 12C' }] },
      ],
    });
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Tool said: rainy, 12C' });
    const state = generateBodies()[1]!.conversationState;
    expect(state.history).toHaveLength(2);
    expect(state.history[1].assistantResponseMessage.toolUses[0]).toEqual({ toolUseId: use.id, name: 'get_weather', input: { city: 'Paris' } });
    expect(state.currentMessage.userInputMessage.userInputMessageContext.toolResults).toEqual([{ toolUseId: use.id, status: 'success', content: [{ text: 'rainy, 12C' }] }]);
  });

  it('OpenAI client: text non-stream and stream, and a tool round trip', async () => {
    await setup();
    const completion = await openai.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'good morning' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: good morning');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const stream = await openai.chat.completions.create({ model: 'claude-sonnet-4-6', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'streamed' }] });
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage += chunk.usage?.completion_tokens ?? 0;
    }
    expect(text).toBe('Hello from mock! You said: streamed');
    expect(usage).toBeGreaterThan(0);

    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema } }];
    const first = await openai.chat.completions.create({ model: 'claude-sonnet-4-6', tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('no function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const final = await openai.chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: call.function.arguments } }] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
      ],
    });
    expect(final.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
  });

  it('an expired token is refreshed exactly once for 10 concurrent requests, and written back', async () => {
    await setup({ expired: true });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: `hello ${i}` }] })),
    );
    answers.forEach((answer, i) => expect(answer.content[0]).toMatchObject({ text: `Hello from mock! You said: hello ${i}` }));
    expect(mock.refreshCalls.social).toBe(1);
    expect(mock.refreshCalls.idc).toBe(0);
    const written = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(written.accessToken).not.toBe('aoaSTALE-token');
    expect(written.refreshToken).toBe(mock.refreshToken);
    expect(Date.parse(String(written.expiresAt))).toBeGreaterThan(Date.now());
    expect(written.note).toBe('kept');
    expect((await stat(credsFile)).mode & 0o777).toBe(0o600);
  });

  it('a 403 about the bearer token forces one refresh and one retry', async () => {
    await setup();
    mock.revokeAccessTokens();
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'after revoke' }] });
    expect(message.content[0]).toMatchObject({ text: 'Hello from mock! You said: after revoke' });
    expect(mock.refreshCalls.social).toBe(1);
    expect(mock.generateCalls).toBe(2);
    expect(instance().status(Date.now())).toBe('healthy');
  });

  it('a 401 for a Builder ID / IdC login refreshes through the OIDC token endpoint, streaming', async () => {
    await setup({ login: 'idc' });
    mock.expireAccessTokens();
    const final = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'idc' }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ text: 'Hello from mock! You said: idc' });
    expect(mock.refreshCalls).toEqual({ social: 0, idc: 1 });
    // Builder ID / IdC requests carry no profileArn.
    expect(generateBodies().every((body) => body.profileArn === undefined)).toBe(true);
  });

  it('a failed refresh cools the instance with the reason; a successful health check brings it back', async () => {
    await setup({ expired: true });
    mock.faults.refreshFails = true;
    const error = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(instance().status(Date.now())).toBe('cooling');
    expect(instance().health.reason).toMatch(/refresh/i);
    expect(instance().health.reason).toMatch(/Invalid refresh token/);
    expect(instance().health.reason).not.toContain(mock.refreshToken);
    expect(mock.generateCalls).toBe(0);

    mock.faults.refreshFails = false;
    await gateway.healthChecker.runOnce();
    expect(instance().status(Date.now())).toBe('healthy');
    expect(mock.requests.some((r) => r.path.startsWith('/getUsageLimits'))).toBe(true);
    const message = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'back' }] });
    expect(message.content[0]).toMatchObject({ text: 'Hello from mock! You said: back' });
  });

  it('a 402 cools the instance until the monthly reset (first of next month UTC)', async () => {
    await setup({ config: { COOLDOWN_MAX_MS: 40 * 24 * 3_600_000 } });
    mock.faults.quota = true;
    const before = Date.now();
    const error = await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(instance().status(Date.now())).toBe('cooling');
    expect(instance().health.code).toBe('quota_exhausted');
    expect(Math.abs(instance().health.until - nextMonthlyResetMs(before))).toBeLessThan(5_000);
    // Cooling: nothing more reaches Kiro, and the health checker leaves it alone until the reset.
    const calls = mock.generateCalls;
    await expect(openai.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'y' }] })).rejects.toMatchObject({ status: 429 });
    await gateway.healthChecker.runOnce();
    expect(mock.generateCalls).toBe(calls);
    expect(instance().status(Date.now())).toBe('cooling');
  });

  it('a 402 whose body names the reset cools until then', async () => {
    await setup({ config: { COOLDOWN_MAX_MS: 40 * 24 * 3_600_000 } });
    const resetAt = Date.now() + 3 * 24 * 3_600_000;
    mock.faults.quota = true;
    mock.faults.quotaBody = { message: 'Monthly limit reached', reason: 'MONTHLY_REQUEST_COUNT', nextDateReset: Math.floor(resetAt / 1000) };
    await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    expect(Math.abs(instance().health.until - resetAt)).toBeLessThan(5_000);
  });

  it('an exception frame after HTTP 200 but before any content fails like an HTTP error', async () => {
    await setup();
    mock.faults.exceptionAfter200 = { count: 1, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' };
    const error = await anthropic.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(instance().health.code).toBe('rate_limited');
  });
});
