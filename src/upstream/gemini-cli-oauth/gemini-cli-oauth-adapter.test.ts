import type { ChatRequest } from '../../canonical/index.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodeAssistMock, type CodeAssistMock } from '../../../test/mocks/code-assist-mock.js';
import { GEMINI_CLI_CLIENT_ID, GEMINI_CLI_CLIENT_SECRET } from './gemini-cli-client.js';
import { startGoogleOAuthMock, type GoogleOAuthMock } from '../../../test/mocks/google-oauth-mock.js';
import { GatewayError } from '../../canonical/index.js';
import { InstanceConfigError } from '../../config/instance-record.js';
import type { AdapterDeps } from '../provider-adapter.js';
import { createGeminiCliOAuthAdapter, GeminiCliOAuthConnection, geminiCliOAuthAdapter, readGeminiCliOAuthSettings } from './gemini-cli-oauth-adapter.js';
import { countingCallOptions } from '../../../test/support/counting-call-options.js';

const dispatcher = new Agent();
const persisted: Array<{ uuid: string; fields: Record<string, unknown> }> = [];

function deps(baseDir: string): AdapterDeps {
  return {
    dispatcher,
    timeouts: { connectMs: 2_000, firstByteMs: 5_000, betweenChunksMs: 5_000 },
    logger: pino({ level: 'silent' }),
    now: Date.now,
    baseDir,
    persistFields: (uuid, fields) => persisted.push({ uuid, fields }),
  };
}

const signal = () => AbortSignal.timeout(5_000);

describe('readGeminiCliOAuthSettings (connect does no I/O)', () => {
  it('resolves a relative creds path against baseDir and applies the defaults', () => {
    const settings = readGeminiCliOAuthSettings({ uuid: 'u', GEMINI_OAUTH_CREDS_FILE_PATH: './creds/does-not-exist.json' }, '/srv/pg');
    expect(settings.credsPath).toBe(path.resolve('/srv/pg/creds/does-not-exist.json'));
    expect(settings.baseUrl.href).toBe('https://cloudcode-pa.googleapis.com/');
    expect(settings.tokenUrl.href).toBe('https://oauth2.googleapis.com/token');
    expect(settings.projectId).toBeUndefined();
    expect(settings.clientId).toBe(GEMINI_CLI_CLIENT_ID);
    expect(settings.clientSecret).toBe(GEMINI_CLI_CLIENT_SECRET);
  });

  it('strips a /v1internal written into GEMINI_BASE_URL', () => {
    const settings = readGeminiCliOAuthSettings({ uuid: 'u', GEMINI_OAUTH_CREDS_FILE_PATH: '/abs.json', GEMINI_BASE_URL: 'http://127.0.0.1:9/proxy/v1internal/' }, '/x');
    expect(settings.baseUrl.pathname).toBe('/proxy');
    expect(settings.credsPath).toBe(path.resolve('/abs.json'));
  });

  it.each([
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: '' }, 'GEMINI_OAUTH_CREDS_FILE_PATH'],
    [{}, 'GEMINI_OAUTH_CREDS_FILE_PATH'],
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', GEMINI_BASE_URL: 'ftp://x' }, 'GEMINI_BASE_URL'],
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', GEMINI_OAUTH_TOKEN_URL: 'not a url' }, 'GEMINI_OAUTH_TOKEN_URL'],
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', PROJECT_ID: '123456789012' }, 'PROJECT_ID'],
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', PROJECT_ID: 42 }, 'PROJECT_ID'],
    [{ GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', GEMINI_OAUTH_CLIENT_ID: 7 }, 'GEMINI_OAUTH_CLIENT_ID'],
  ])('rejects %j naming %s', (fields, field) => {
    let thrown: unknown;
    try {
      geminiCliOAuthAdapter.connect({ uuid: 'u', ...fields }, deps('/x'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InstanceConfigError);
    expect((thrown as InstanceConfigError).field).toBe(field);
  });

  it('accepts the seed form (creds path + PROJECT_ID only) without touching the file', () => {
    expect(geminiCliOAuthAdapter.connect({ uuid: 'u', GEMINI_OAUTH_CREDS_FILE_PATH: './credentials1.json', PROJECT_ID: 'your-project-id-1' }, deps('/nonexistent'))).toBeInstanceOf(GeminiCliOAuthConnection);
  });
});

describe('GeminiCliOAuthConnection against the mocks', () => {
  let codeAssist: CodeAssistMock;
  let google: GoogleOAuthMock;
  let dir: string;

  beforeAll(async () => {
    codeAssist = await startCodeAssistMock({ tokens: ['ya29.ok'], onboarded: false, pendingPolls: 3 });
    google = await startGoogleOAuthMock({ clientId: 'cid', clientSecret: 'sec', refreshTokens: ['rt'], onIssue: (token) => codeAssist.acceptToken(token) });
    dir = await mkdtemp(path.join(tmpdir(), 'gemini-oauth-unit-'));
  });
  afterAll(async () => {
    await codeAssist.close();
    await google.close();
  });

  async function connection(name: string, creds: Record<string, unknown>, fields: Record<string, unknown> = {}, pollDelaysMs: number[] = [1, 1, 1, 1]) {
    await writeFile(path.join(dir, name), JSON.stringify(creds));
    const adapter = createGeminiCliOAuthAdapter({ onboardPollDelaysMs: pollDelaysMs, sleep: async () => undefined });
    return adapter.connect(
      { uuid: `uuid-${name}`, GEMINI_OAUTH_CREDS_FILE_PATH: name, GEMINI_BASE_URL: codeAssist.url, GEMINI_OAUTH_TOKEN_URL: google.tokenUrl, GEMINI_OAUTH_CLIENT_ID: 'cid', GEMINI_OAUTH_CLIENT_SECRET: 'sec', ...fields },
      deps(dir),
    ) as GeminiCliOAuthConnection;
  }

  it('onboards (polling the operation until done), shares one discovery and persists PROJECT_ID', async () => {
    const conn = await connection('a.json', { access_token: 'ya29.ok', refresh_token: 'rt', expiry_date: Date.now() + 3_600_000 });
    const projects = await Promise.all([conn.project(signal()), conn.project(signal()), conn.project(signal())]);
    expect(projects).toEqual(['mock-project-123', 'mock-project-123', 'mock-project-123']);
    expect(codeAssist.count('loadCodeAssist')).toBe(1);
    expect(codeAssist.count('onboardUser')).toBe(1);
    expect(codeAssist.count('operations')).toBe(3); // onboardUser and two polls say done: false
    expect(persisted).toContainEqual({ uuid: 'uuid-a.json', fields: { PROJECT_ID: 'mock-project-123' } });
    await conn.probe('gemini-2.5-flash', { signal: signal() });
    expect(codeAssist.count('loadCodeAssist')).toBe(1);
  });

  it('gives up onboarding after the bounded number of polls', async () => {
    const slow = await startCodeAssistMock({ tokens: ['ya29.ok'], onboarded: false, pendingPolls: 10 });
    try {
      await writeFile(path.join(dir, 'b.json'), JSON.stringify({ access_token: 'ya29.ok', refresh_token: 'rt', expiry_date: Date.now() + 3_600_000 }));
      const conn = createGeminiCliOAuthAdapter({ onboardPollDelaysMs: [1, 1], sleep: async () => undefined }).connect(
        { uuid: 'b', GEMINI_OAUTH_CREDS_FILE_PATH: 'b.json', GEMINI_BASE_URL: slow.url },
        deps(dir),
      ) as GeminiCliOAuthConnection;
      await expect(conn.project(signal())).rejects.toMatchObject({ code: 'upstream_timeout' });
      expect(slow.count('operations')).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it('refresh without client id/secret uses the Gemini CLI client (the only one its tokens refresh with)', async () => {
    await writeFile(path.join(dir, 'c.json'), JSON.stringify({ access_token: 'old', refresh_token: 'rt', expiry_date: 0 }));
    const record = { uuid: 'c', GEMINI_OAUTH_CREDS_FILE_PATH: 'c.json', GEMINI_BASE_URL: codeAssist.url, GEMINI_OAUTH_TOKEN_URL: google.tokenUrl, PROJECT_ID: 'mock-project-123' };
    const conn = geminiCliOAuthAdapter.connect(record, deps(dir));
    const error = await conn.probe('gemini-2.5-flash', { signal: signal() }).catch((thrown: unknown) => thrown);
    // The mock only knows client `cid`, so the refresh is refused, which shows what was sent.
    expect(error).toMatchObject({ code: 'authentication' });
    expect(google.requests.at(-1)?.['client_id']).toBe(GEMINI_CLI_CLIENT_ID);
  });

  it('a revoked refresh token is an authentication error carrying Google’s reason but no secret', async () => {
    const conn = await connection('d.json', { access_token: 'old', refresh_token: 'revoked-rt', expiry_date: 0 }, { PROJECT_ID: 'mock-project-123' });
    const error = (await conn.probe('gemini-2.5-flash', { signal: signal() }).catch((thrown: unknown) => thrown)) as GatewayError;
    expect(error.code).toBe('authentication');
    expect(error.message).toContain('invalid_grant');
    expect(error.message).not.toContain('revoked-rt');
    expect(error.message).not.toContain('sec');
  });

  it('probe refreshes an expired token, then calls countTokens (not generate)', async () => {
    const before = { refresh: google.refreshCount, generate: codeAssist.count('generateContent'), count: codeAssist.count('countTokens') };
    const conn = await connection('e.json', { access_token: 'old', refresh_token: 'rt', expiry_date: 0 }, { PROJECT_ID: 'mock-project-123' });
    await conn.probe('gemini-2.5-flash', { signal: signal() });
    expect(google.refreshCount - before.refresh).toBe(1);
    expect(codeAssist.count('countTokens') - before.count).toBe(1);
    expect(codeAssist.count('generateContent')).toBe(before.generate);
    expect(await conn.countTokens('gemini-2.5-flash', { signal: signal() })).toBeGreaterThan(0);
  });

  it('generates and streams without making an AbortSignal once the token and project are known; a 401 retry still works', async () => {
    const conn = await connection('g.json', { access_token: 'ya29.ok', refresh_token: 'rt', expiry_date: Date.now() + 3_600_000 }, { PROJECT_ID: 'mock-project-123' });
    const request: ChatRequest = { model: 'gemini-2.5-flash', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }] };
    await conn.generate(request, { signal: signal() }); // loads the creds file: a wait
    const { options: counted, reads } = countingCallOptions();
    expect((await conn.generate(request, counted)).content).toContainEqual(expect.objectContaining({ type: 'text' }));
    const events: string[] = [];
    for await (const event of await conn.stream({ ...request, stream: true }, counted)) events.push(event.type);
    expect(events.at(-1)).toBe('finish');
    expect(reads()).toBe(0);

    const before = google.refreshCount;
    codeAssist.expireToken('ya29.ok');
    expect((await conn.generate(request, counted)).content).toContainEqual(expect.objectContaining({ type: 'text' }));
    expect(google.refreshCount - before).toBe(1);
    expect(reads()).toBeGreaterThan(0);
  });

  it('an already onboarded account takes its project from loadCodeAssist alone', async () => {
    const mock = await startCodeAssistMock({ tokens: ['ya29.ok'], onboarded: true });
    try {
      await writeFile(path.join(dir, 'f.json'), JSON.stringify({ access_token: 'ya29.ok', refresh_token: 'rt', expiry_date: Date.now() + 3_600_000 }));
      const conn = geminiCliOAuthAdapter.connect({ uuid: 'f', GEMINI_OAUTH_CREDS_FILE_PATH: 'f.json', GEMINI_BASE_URL: mock.url }, deps(dir)) as GeminiCliOAuthConnection;
      await expect(conn.project(signal())).resolves.toBe('mock-project-123');
      expect(mock.count('onboardUser')).toBe(0);
    } finally {
      await mock.close();
    }
  });
});
