import Anthropic from '@anthropic-ai/sdk';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCodeAssistMock, type CodeAssistMock } from '../mocks/code-assist-mock.js';
import { startGoogleOAuthMock, type GoogleOAuthMock } from '../mocks/google-oauth-mock.js';
import { eventually, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const CLIENT_ID = 'mock-client.apps.googleusercontent.com';
const CLIENT_SECRET = 'mock-client-secret';
const REFRESH_TOKEN = '1//0g-mock-refresh';
const INITIAL_TOKEN = 'ya29.initial';
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

interface Setup {
  gateway: TestGateway;
  google: GoogleOAuthMock;
  codeAssist: CodeAssistMock;
  openai: OpenAI;
  anthropic: Anthropic;
  credsPath: string;
  uuid: string;
  close(): Promise<void>;
}

interface SetupOptions {
  /** Configured PROJECT_ID; omitted = discovered. */
  projectId?: string;
  /** Access token in the creds file already expired. */
  expired?: boolean;
  onboarded?: boolean;
  googleDelayMs?: number;
}

/** A gateway with one gemini-cli-oauth instance whose creds file sits beside provider_pools.json. */
async function setup(options: SetupOptions = {}): Promise<Setup> {
  const codeAssist = await startCodeAssistMock({ tokens: [INITIAL_TOKEN], onboarded: options.onboarded ?? true, projectId: 'mock-project-123' });
  const google = await startGoogleOAuthMock({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshTokens: [REFRESH_TOKEN],
    ...(options.googleDelayMs !== undefined ? { delayMs: options.googleDelayMs } : {}),
    onIssue: (token) => codeAssist.acceptToken(token),
  });
  const uuid = 'gemini-oauth-1';
  const instance: Record<string, unknown> = {
    GEMINI_OAUTH_CREDS_FILE_PATH: './oauth_creds.json',
    GEMINI_BASE_URL: codeAssist.url,
    GEMINI_OAUTH_TOKEN_URL: google.tokenUrl,
    GEMINI_OAUTH_CLIENT_ID: CLIENT_ID,
    GEMINI_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    checkModelName: null,
    uuid,
    isHealthy: true,
    lastUsed: null,
    usageCount: 0,
    errorCount: 0,
    lastErrorTime: null,
    ...(options.projectId !== undefined ? { PROJECT_ID: options.projectId } : {}),
  };
  const gateway = await startTestGateway({ 'gemini-cli-oauth': [instance] }, { MODEL_PROVIDER: 'gemini-cli-oauth' });
  // connect() read nothing: the creds file may appear after start, relative to the pools file.
  const credsPath = path.join(gateway.dir, 'oauth_creds.json');
  const expiry = options.expired ? Date.now() - 60_000 : Date.now() + 3_600_000;
  await writeFile(
    credsPath,
    JSON.stringify({ access_token: INITIAL_TOKEN, refresh_token: REFRESH_TOKEN, scope: 'https://www.googleapis.com/auth/cloud-platform', token_type: 'Bearer', id_token: 'eyJ.old', expiry_date: expiry }),
    { mode: 0o600 },
  );
  return {
    gateway,
    google,
    codeAssist,
    credsPath,
    uuid,
    openai: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 }),
    async close() {
      await gateway.close();
      await google.close();
      await codeAssist.close();
    },
  };
}

describe('gemini-cli-oauth: official SDK clients through poolgate to Code Assist', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup({ projectId: 'mock-project-123' });
  });
  afterAll(async () => {
    await s.close();
  });

  it('OpenAI chat: text, non-stream and stream, in the Code Assist wrapper', async () => {
    const completion = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'héllo 世界' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: héllo 世界');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const sent = s.codeAssist.requests.findLast((request) => request.path === '/v1internal:generateContent');
    expect(sent?.token).toBe(INITIAL_TOKEN);
    expect(sent?.body).toMatchObject({ model: 'gemini-2.5-flash', project: 'mock-project-123', request: { systemInstruction: { parts: [{ text: 'Be brief.' }] } } });

    const stream = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    let usage = 0;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      usage += chunk.usage?.completion_tokens ?? 0;
    }
    expect(text).toBe('Hello from mock! You said: stream please');
    expect(chunks).toBeGreaterThan(3);
    expect(usage).toBeGreaterThan(0);
    expect(s.codeAssist.requests.findLast((request) => request.path === '/v1internal:streamGenerateContent')?.query).toBe('?alt=sse');
  });

  it('OpenAI chat: a full tool round trip', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema } }];
    const first = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    if (call?.type !== 'function') throw new Error('no function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    const final = await s.openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      tools,
      stream: true,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: call.function.arguments } }] },
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 21C' },
      ],
    });
    let text = '';
    for await (const chunk of final) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Tool said: sunny, 21C');
  });

  it('Anthropic messages: text, non-stream and stream', async () => {
    const message = await s.anthropic.messages.create({ model: 'gemini-2.5-pro', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hi there' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock! You said: hi there' });
    expect(message.stop_reason).toBe('end_turn');
    const events: string[] = [];
    const stream = s.anthropic.messages.stream({ model: 'gemini-2.5-pro', max_tokens: 100, messages: [{ role: 'user', content: 'streamed hi' }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content.map((block) => (block.type === 'text' ? block.text : '')).join('')).toBe('Hello from mock! You said: streamed hi');
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('Anthropic messages: a tool round trip, streamed then not', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema as Anthropic.Tool.InputSchema }];
    const first = await s.anthropic.messages.stream({ model: 'gemini-2.5-pro', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    const final = await s.anthropic.messages.create({
      model: 'gemini-2.5-pro',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'rainy' }] },
      ],
    });
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Tool said: rainy' });
  });

  it('OpenAI Responses: text (non-stream and stream) and a function call round trip', async () => {
    const response = await s.openai.responses.create({ model: 'gemini-2.5-flash', instructions: 'Be brief.', input: 'good morning' });
    expect(response.output_text).toBe('Hello from mock! You said: good morning');
    expect(response.status).toBe('completed');
    const stream = await s.openai.responses.create({ model: 'gemini-2.5-flash', input: 'good evening', stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toBe('Hello from mock! You said: good evening');

    const tools = [{ type: 'function' as const, name: 'get_weather', description: 'Weather by city', parameters: weatherSchema, strict: false }];
    const first = await s.openai.responses.create({ model: 'gemini-2.5-flash', tools, input: 'Weather?' });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    const final = await s.openai.responses.create({
      model: 'gemini-2.5-flash',
      tools,
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'foggy' },
      ],
    });
    expect(final.output_text).toBe('Tool said: foggy');
  });
});

describe('gemini-cli-oauth: tokens, quota and project discovery', () => {
  let s: Setup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('an expired token is refreshed once for ten concurrent requests and written back (0600, unknown fields kept)', async () => {
    s = await setup({ projectId: 'mock-project-123', expired: true, googleDelayMs: 100 });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, index) => s!.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `n${index}` }] })),
    );
    expect(replies.map((reply) => reply.choices[0]?.message.content)).toEqual(Array.from({ length: 10 }, (_, index) => `Hello from mock! You said: n${index}`));
    expect(s.google.refreshCount).toBe(1);
    expect(s.google.requests[0]).toMatchObject({ grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const fresh = s.google.issued[0]!;
    expect(s.codeAssist.requests.filter((request) => request.path === '/v1internal:generateContent').every((request) => request.token === fresh)).toBe(true);
    const creds = JSON.parse(await readFile(s.credsPath, 'utf8')) as Record<string, unknown>;
    expect(creds).toMatchObject({ access_token: fresh, refresh_token: REFRESH_TOKEN, id_token: 'eyJ.old', token_type: 'Bearer' });
    expect(creds['expiry_date']).toBeGreaterThan(Date.now() + 3_000_000);
    if (process.platform !== 'win32') expect((await stat(s.credsPath)).mode & 0o777).toBe(0o600);
  });

  it('a 401 forces one refresh and the request is retried once with the new token', async () => {
    s = await setup({ projectId: 'mock-project-123' });
    s.codeAssist.expireToken(INITIAL_TOKEN);
    const reply = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'after 401' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from mock! You said: after 401');
    expect(s.google.refreshCount).toBe(1);
    const calls = s.codeAssist.requests.filter((request) => request.path === '/v1internal:generateContent');
    expect(calls.map((request) => request.token)).toEqual([INITIAL_TOKEN, s.google.issued[0]]);
    expect(s.gateway.registry.instance(s.uuid)?.health.cooling).toBe(false);
    // A streamed request after a server-side 401 also recovers.
    s.codeAssist.setFault({ kind: 'unauthenticated', times: 1 });
    const stream = await s.anthropic.messages.stream({ model: 'gemini-2.5-flash', max_tokens: 50, messages: [{ role: 'user', content: 'again' }] }).finalMessage();
    expect(stream.content[0]).toMatchObject({ text: 'Hello from mock! You said: again' });
    expect(s.google.refreshCount).toBe(2);
  });

  it('a failed refresh cools the instance with the reason; a health probe that refreshes brings it back', async () => {
    s = await setup({ projectId: 'mock-project-123', expired: true });
    s.google.setFailure('invalid_grant');
    await expect(s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    const instance = s.gateway.registry.instance(s.uuid)!;
    expect(instance.health.cooling).toBe(true);
    expect(instance.health.code).toBe('authentication');
    expect(instance.health.reason).toContain('invalid_grant');
    expect(instance.health.reason).not.toContain(REFRESH_TOKEN);
    expect(s.codeAssist.count('generateContent')).toBe(0);

    await s.gateway.healthChecker.runOnce();
    expect(instance.health.cooling).toBe(true);

    s.google.setFailure(undefined);
    await s.gateway.healthChecker.runOnce();
    expect(instance.health.cooling).toBe(false);
    expect(s.codeAssist.count('countTokens')).toBeGreaterThan(0);
    const reply = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'back' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from mock! You said: back');
  });

  it('429 RESOURCE_EXHAUSTED with RetryInfo cools the instance until the reset', async () => {
    s = await setup({ projectId: 'mock-project-123' });
    s.codeAssist.setFault({ kind: 'rate-limit', retryDelay: '120s', times: 1 });
    const before = Date.now();
    const error = await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    const instance = s.gateway.registry.instance(s.uuid)!;
    expect(instance.health.cooling).toBe(true);
    expect(instance.health.code).toBe('rate_limited');
    expect(instance.health.until).toBeGreaterThanOrEqual(before + 119_000);
    expect(instance.health.until).toBeLessThanOrEqual(Date.now() + 121_000);
    // The health checker leaves it alone until the reset instead of burning quota.
    await s.gateway.healthChecker.runOnce();
    expect(s.codeAssist.count('countTokens')).toBe(0);
    expect(instance.health.cooling).toBe(true);
  });

  it('without PROJECT_ID, onboarding discovers the project once and it is written to provider_pools.json', async () => {
    s = await setup({ onboarded: false });
    const replies = await Promise.all(
      Array.from({ length: 3 }, (_, index) => s!.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: `p${index}` }] })),
    );
    expect(replies.map((reply) => reply.choices[0]?.message.content)).toEqual(['p0', 'p1', 'p2'].map((text) => `Hello from mock! You said: ${text}`));
    expect(s.codeAssist.count('loadCodeAssist')).toBe(1);
    expect(s.codeAssist.count('onboardUser')).toBe(1);
    expect(s.codeAssist.count('operations')).toBe(1);
    const onboard = s.codeAssist.requests.find((request) => request.path === '/v1internal:onboardUser');
    expect(onboard?.body).toEqual({ tierId: 'free-tier', metadata: { ideType: 'IDE_UNSPECIFIED', platform: 'PLATFORM_UNSPECIFIED', pluginType: 'GEMINI' } });
    await s.gateway.writer.flush();
    const document = JSON.parse(await readFile(s.gateway.poolsFile, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    expect(document['gemini-cli-oauth']?.[0]).toMatchObject({ uuid: s.uuid, PROJECT_ID: 'mock-project-123' });
    // Remembered: later requests do not discover again.
    await s.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'later' }] });
    expect(s.codeAssist.count('loadCodeAssist')).toBe(1);
  });

  it('an already onboarded account takes its project from loadCodeAssist alone', async () => {
    s = await setup({ onboarded: true });
    const reply = await s.anthropic.messages.create({ model: 'gemini-2.5-flash', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.content[0]).toMatchObject({ text: 'Hello from mock! You said: hi' });
    expect(s.codeAssist.count('onboardUser')).toBe(0);
    await eventually(async () => (await readFile(s!.gateway.poolsFile, 'utf8')).includes('"PROJECT_ID": "mock-project-123"'));
  });
});
