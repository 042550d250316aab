import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startQwenMock, type QwenMock } from '../../../test/mocks/qwen-mock.js';
import { GatewayError, type ChatRequest } from '../../canonical/index.js';
import { InstanceConfigError } from '../../config/instance-record.js';
import type { AdapterDeps, UpstreamConnection } from '../provider-adapter.js';
import { decodeQwenUpstreamError, msUntilBeijingMidnight } from './decode-qwen-error.js';
import { qwenBaseUrl } from './qwen-base-url.js';
import { qwenRequestHeaders } from './qwen-headers.js';
import { qwenOAuthAdapter } from './qwen-oauth-adapter.js';
import { countingCallOptions } from '../../../test/support/counting-call-options.js';

const request: ChatRequest = { model: 'coder-model', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] };
const call = () => ({ signal: AbortSignal.timeout(5000) });

describe('qwenBaseUrl', () => {
  it.each([
    ['portal.qwen.ai', 'https://portal.qwen.ai/v1'],
    ['portal.qwen.ai/', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai/v1', 'https://portal.qwen.ai/v1'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/v1'],
    ['https://example.com/compatible-mode/v1/', 'https://example.com/compatible-mode/v1'],
    [undefined, 'https://dashscope.aliyuncs.com/compatible-mode/v1'],
    ['  ', 'https://dashscope.aliyuncs.com/compatible-mode/v1'],
  ])('%j → %s', (input, expected) => {
    expect(qwenBaseUrl(input).href.replace(/\/$/, '')).toBe(expected);
  });

  it('rejects a non-http scheme', () => {
    expect(() => qwenBaseUrl('ftp://x')).toThrow(/http/);
  });

  it('reports an unusable resource_url as an authentication error naming the creds file field', () => {
    for (const bad of ['ftp://x', 'http://example.com:99999', 'https://exa mple.com']) {
      let thrown: unknown;
      try {
        qwenBaseUrl(bad);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GatewayError);
      expect(thrown).toMatchObject({ code: 'authentication', origin: 'gateway' });
      expect((thrown as Error).message).toMatch(/credentials file field resource_url/);
    }
  });
});

describe('Qwen headers and errors', () => {
  it('identifies as Qwen Code with the DashScope headers', () => {
    expect(qwenRequestHeaders('linux', 'x64', '1.2.3')).toEqual({
      'user-agent': 'QwenCode/1.2.3 (linux; x64)',
      'x-dashscope-useragent': 'QwenCode/1.2.3 (linux; x64)',
      'x-dashscope-authtype': 'qwen-oauth',
      'x-dashscope-cachecontrol': 'enable',
    });
  });

  it('maps the quota envelope (403 or 429) to quota_exhausted until 00:00 Beijing time', () => {
    const now = Date.UTC(2026, 0, 1, 10, 0, 0); // 18:00 in Beijing
    const body = JSON.stringify({ error: { code: 'insufficient_quota', message: 'Free allocated quota exceeded.' } });
    for (const status of [403, 429]) {
      const error = decodeQwenUpstreamError(status, {}, body, now);
      expect(error.code).toBe('quota_exhausted');
      expect(error.retryAfterMs).toBe(6 * 3_600_000);
    }
    expect(msUntilBeijingMidnight(Date.UTC(2026, 0, 1, 16, 0, 0))).toBe(86_400_000);
    expect(decodeQwenUpstreamError(403, {}, '{"error":{"message":"nope"}}', now).code).toBe('permission');
    expect(decodeQwenUpstreamError(401, {}, '{"error":{"message":"bad token"}}', now).code).toBe('authentication');
  });
});

describe('qwenOAuthAdapter', () => {
  let mock: QwenMock;
  let dir: string;
  const dispatcher = new Agent();
  let connection: UpstreamConnection | undefined;
  const deps = (): AdapterDeps => ({
    dispatcher,
    timeouts: { connectMs: 2000, firstByteMs: 5000, betweenChunksMs: 5000 },
    logger: pino({ level: 'silent' }),
    now: Date.now,
    baseDir: dir,
    persistFields: () => undefined,
  });

  beforeAll(async () => {
    mock = await startQwenMock();
  });
  afterAll(async () => {
    await mock.close();
    await dispatcher.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'qwen-adapter-'));
    mock.failRefresh = undefined;
  });
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });

  async function writeCreds(fields: Record<string, unknown>, name = 'creds.json'): Promise<void> {
    await writeFile(path.join(dir, name), JSON.stringify({ token_type: 'Bearer', ...fields }));
  }

  it('validates its fields without touching the network or the creds file', () => {
    expect(() => qwenOAuthAdapter.connect({ uuid: 'a' }, deps())).toThrow(InstanceConfigError);
    expect(() => qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'x.json', QWEN_BASE_URL: 'not a url' }, deps())).toThrow(/QWEN_BASE_URL|http/);
    expect(() => qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'x.json', QWEN_OAUTH_BASE_URL: 'ftp://x' }, deps())).toThrow(InstanceConfigError);
    // The file does not exist: connect still succeeds, the first call reports it.
    expect(() => qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'missing.json' }, deps())).not.toThrow();
  });

  it('reports a missing creds file as an authentication error on the first call', async () => {
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'missing.json' }, deps());
    await expect(connection.generate(request, call())).rejects.toMatchObject({ code: 'authentication' });
  });

  it('resolves the creds path against baseDir and calls resource_url + /v1', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: mock.chatUrl, expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: './creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    const response = await connection.generate(request, call());
    expect(response.content).toContainEqual(expect.objectContaining({ type: 'text', text: 'Hello from mock! You said: hello' }));
    await connection.probe('coder-model', call());
    const last = mock.upstream.requests.at(-1)!;
    expect(last.path).toBe('/v1/chat/completions');
    expect(last.body).toMatchObject({ model: 'coder-model', max_tokens: 1 });
  });

  it('QWEN_BASE_URL overrides the creds file host', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: 'unreachable.invalid', expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_BASE_URL: `${mock.chatUrl}/v1` }, deps());
    const events = [];
    for await (const event of await connection.stream({ ...request, stream: true }, call())) events.push(event.type);
    expect(events.at(-1)).toBe('finish');
  });

  it('uses the resource_url of a refresh answer when the file has none', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expiry_date: 0 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    await connection.probe('coder-model', call());
    // Written back with the tokens, so a restart keeps calling the same host.
    const saved = JSON.parse(await readFile(path.join(dir, 'creds.json'), 'utf8')) as Record<string, unknown>;
    expect(saved.resource_url).toBe(mock.chatUrl);
  });

  it('fails a request with a bad resource_url in the creds file as authentication, not internal', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: 'http://bad host', expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    await expect(connection.generate(request, call())).rejects.toMatchObject({ code: 'authentication', message: expect.stringMatching(/resource_url/) });
  });

  it('refreshes on a 403 that blames the token, but not on any other 403', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: mock.chatUrl, expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    const before = mock.counts.refresh;
    mock.upstream.setFault(tokens.accessToken, { kind: 'status', status: 403, times: 1, body: JSON.stringify({ error: { code: 'access_denied', message: 'model coder-model not allowed for this account' } }) });
    await expect(connection.generate(request, call())).rejects.toMatchObject({ code: 'permission' });
    expect(mock.counts.refresh).toBe(before);

    mock.upstream.setFault(tokens.accessToken, { kind: 'status', status: 403, times: 1, body: JSON.stringify({ error: { message: 'Invalid access token or token expired' } }) });
    const response = await connection.generate(request, call());
    expect(response.content.length).toBeGreaterThan(0);
    expect(mock.counts.refresh).toBe(before + 1);
  });

  it('makes no AbortSignal while the token is fresh (forward, generate, stream); waiting on a refresh reads it', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: mock.chatUrl, expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    // The first call loads the creds file, which is a wait: it may read the signal.
    await connection.generate(request, call());
    const { options: counted, reads } = countingCallOptions();
    const body = JSON.stringify({ model: 'coder-model', messages: [{ role: 'user', content: 'hi' }] });
    const forwarded = await connection.forward!({ path: '/chat/completions', body, stream: false, headers: {} }, counted);
    expect(forwarded.status).toBe(200);
    expect((await connection.generate(request, counted)).content.length).toBeGreaterThan(0);
    for await (const event of await connection.stream({ ...request, stream: true }, counted)) void event;
    expect(reads()).toBe(0);

    mock.upstream.setFault(tokens.accessToken, { kind: 'status', status: 401, times: 1, body: JSON.stringify({ error: { message: 'Invalid access token' } }) });
    expect((await connection.generate(request, counted)).content.length).toBeGreaterThan(0);
    expect(reads()).toBeGreaterThan(0);
  });

  it('does not refresh on a quota answer, and a failed refresh is an authentication error', async () => {
    const tokens = mock.issue();
    await writeCreds({ access_token: tokens.accessToken, refresh_token: tokens.refreshToken, resource_url: mock.chatUrl, expiry_date: Date.now() + 3_600_000 });
    connection = qwenOAuthAdapter.connect({ uuid: 'a', QWEN_OAUTH_CREDS_FILE_PATH: 'creds.json', QWEN_OAUTH_BASE_URL: mock.oauthUrl }, deps());
    const before = mock.counts.refresh;
    mock.upstream.setFault(tokens.accessToken, { kind: 'status', status: 403, times: 1, body: JSON.stringify({ error: { code: 'quota_exceeded', message: 'Free allocated quota exceeded.' } }) });
    await expect(connection.generate(request, call())).rejects.toMatchObject({ code: 'quota_exhausted' });
    expect(mock.counts.refresh).toBe(before);

    mock.revoke(tokens.accessToken);
    mock.failRefresh = { status: 400, error: 'invalid_grant' };
    const error = await connection.generate(request, call()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'authentication' });
    expect((error as Error).message).toMatch(/invalid_grant/);
    expect((error as Error).message).not.toContain(tokens.refreshToken);
    expect(mock.counts.refresh).toBe(before + 1);
  });
});
