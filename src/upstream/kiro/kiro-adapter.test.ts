import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { InstanceConfigError } from '../../config/instance-record.js';
import type { AdapterDeps } from '../provider-adapter.js';
import { MOCK_CLIENT_ID, MOCK_CLIENT_SECRET, MOCK_PROFILE_ARN, startKiroMock, type KiroMock } from '../../../test/mocks/kiro-mock.js';
import { kiroAdapter } from './kiro-adapter.js';
import { withRegion } from './refresh-kiro-token.js';
import { countingCallOptions } from '../../../test/support/counting-call-options.js';

const dispatcher = new Agent();
let dir: string;
let mock: KiroMock;

function deps(): AdapterDeps {
  return {
    dispatcher,
    timeouts: { connectMs: 2_000, firstByteMs: 5_000, betweenChunksMs: 5_000 },
    logger: pino({ level: 'silent' }),
    now: Date.now,
    baseDir: dir,
    persistFields: () => {},
  };
}

function record(extra: Record<string, unknown> = {}) {
  return {
    uuid: 'k1',
    KIRO_OAUTH_CREDS_FILE_PATH: 'creds.json',
    KIRO_BASE_URL: mock.url,
    KIRO_REFRESH_URL: `${mock.url}/refreshToken`,
    KIRO_REFRESH_IDC_URL: `${mock.url}/token`,
    ...extra,
  };
}

const signal = () => ({ signal: AbortSignal.timeout(5_000) });
const ask = (partial: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'claude-sonnet-4-5', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }], ...partial });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'poolgate-kiro-unit-'));
});
afterAll(async () => {
  await dispatcher.close();
});

describe('kiroAdapter.connect', () => {
  beforeAll(async () => {
    mock = await startKiroMock();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('validates fields without touching the network or the creds file', async () => {
    expect(() => kiroAdapter.connect({ uuid: 'x' }, deps())).toThrow(expect.objectContaining({ field: 'KIRO_OAUTH_CREDS_FILE_PATH' }));
    expect(() => kiroAdapter.connect(record({ KIRO_BASE_URL: 'ftp://x' }), deps())).toThrow(InstanceConfigError);
    expect(() => kiroAdapter.connect(record({ KIRO_REFRESH_URL: 42 }), deps())).toThrow(expect.objectContaining({ field: 'KIRO_REFRESH_URL' }));
    expect(() => kiroAdapter.connect(record({ KIRO_REFRESH_IDC_URL: 'not a url' }), deps())).toThrow(expect.objectContaining({ field: 'KIRO_REFRESH_IDC_URL' }));
    expect(() => kiroAdapter.connect(record({ KIRO_MODEL_MAP: 'x' }), deps())).toThrow(expect.objectContaining({ field: 'KIRO_MODEL_MAP' }));
    const before = mock.requests.length;
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: 'does-not-exist.json', KIRO_BASE_URL: undefined }), deps());
    expect(mock.requests.length).toBe(before);
    expect(withRegion('https://q.{region}.amazonaws.com', 'eu-central-1').href).toBe('https://q.eu-central-1.amazonaws.com/');
    // A usable connection whose creds file is only read on the first call, which then names it.
    await expect(connection.generate(ask(), signal())).rejects.toMatchObject({ code: 'authentication', message: expect.stringContaining('does-not-exist.json') });
    expect(mock.requests.length).toBe(before);
  });

  it('a missing creds file is an authentication error naming the file', async () => {
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: 'missing.json' }), deps());
    await expect(connection.generate(ask(), signal())).rejects.toMatchObject({ code: 'authentication', message: expect.stringContaining('missing.json') });
  });
});

describe('kiro connection against the mock', () => {
  let credsFile: string;

  async function writeCreds(creds: Record<string, unknown>): Promise<void> {
    credsFile = path.join(dir, `creds-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(credsFile, JSON.stringify(creds));
  }

  beforeAll(async () => {
    mock = await startKiroMock();
  });
  afterEach(() => {
    mock.faults = {};
  });
  afterAll(async () => {
    await mock.close();
  });

  it('generate: collects the event stream; long tool names go out shortened', async () => {
    await writeCreds({ accessToken: mock.issueAccessToken(), refreshToken: mock.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), authMethod: 'social', profileArn: MOCK_PROFILE_ARN });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    const longName = `mcp__weather_server__${'x'.repeat(60)}`;
    // The mock always calls get_weather; the long-named twin must still go out at most 64 characters long.
    const response = await connection.generate(
      ask({ tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }, { name: longName, inputSchema: { type: 'object' } }] }),
      signal(),
    );
    expect(response.finishReason).toBe('tool-calls');
    expect(response.content).toEqual([{ type: 'tool-call', id: expect.stringMatching(/^tooluse_/), name: 'get_weather', argumentsJson: '{"city":"Paris"}' }]);
    const sent = mock.requests.at(-1)!.body as { conversationState: { currentMessage: { userInputMessage: { userInputMessageContext: { tools: Array<{ toolSpecification: { name: string } }> } } } } };
    const names = sent.conversationState.currentMessage.userInputMessage.userInputMessageContext.tools.map((t) => t.toolSpecification.name);
    expect(names[1]!.length).toBeLessThanOrEqual(64);
    expect(mock.requests.at(-1)!.headers['x-amzn-kiro-agent-mode']).toBe('vibe');
  });

  it('probe: getUsageLimits passes when quota is left and is quota_exhausted when not', async () => {
    await writeCreds({ accessToken: mock.issueAccessToken(), refreshToken: mock.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), authMethod: 'social', profileArn: MOCK_PROFILE_ARN });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    const generateBefore = mock.generateCalls;
    await connection.probe('claude-sonnet-4-5', signal());
    expect(mock.requests.at(-1)!.path).toContain(`profileArn=${encodeURIComponent(MOCK_PROFILE_ARN)}`);
    mock.faults.quota = true;
    await expect(connection.probe('claude-sonnet-4-5', signal())).rejects.toMatchObject({ code: 'quota_exhausted', retryAfterMs: expect.any(Number) });
    expect(mock.generateCalls).toBe(generateBefore);
  });

  it('IdC login with client credentials in the companion <clientIdHash>.json file', async () => {
    await writeFile(path.join(dir, 'abc123.json'), JSON.stringify({ clientId: MOCK_CLIENT_ID, clientSecret: MOCK_CLIENT_SECRET }));
    await writeCreds({ accessToken: 'stale', refreshToken: mock.refreshToken, expiresAt: '2020-01-01T00:00:00.000Z', authMethod: 'IdC', clientIdHash: 'abc123' });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    const before = mock.refreshCalls.idc;
    const response = await connection.generate(ask(), signal());
    expect(response.content).toEqual([{ type: 'text', text: 'Hello from mock! You said: ping' }]);
    expect(mock.refreshCalls.idc).toBe(before + 1);
    const written = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(written.clientIdHash).toBe('abc123');
    expect(written.clientId).toBeUndefined();
  });

  it('a social refresh writes the profileArn it hands out into the creds file', async () => {
    await writeCreds({ accessToken: 'stale', refreshToken: mock.refreshToken, expiresAt: '2020-01-01T00:00:00.000Z', authMethod: 'social' });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    const before = mock.refreshCalls.social;
    await connection.generate(ask(), signal());
    expect(mock.refreshCalls.social).toBe(before + 1);
    // The call right after the refresh already carries the profileArn it handed out.
    expect((mock.requests.at(-1)!.body as { profileArn?: string }).profileArn).toBe(MOCK_PROFILE_ARN);
    const written = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(written.profileArn).toBe(MOCK_PROFILE_ARN);
    expect(written.authMethod).toBe('social');
  });

  it('a failed refresh is an authentication error that names the cause but no secret', async () => {
    await writeCreds({ accessToken: 'stale', refreshToken: mock.refreshToken, expiresAt: '2020-01-01T00:00:00.000Z', authMethod: 'IdC', clientId: MOCK_CLIENT_ID, clientSecret: MOCK_CLIENT_SECRET });
    mock.faults.refreshFails = true;
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    const error = (await connection.generate(ask(), signal()).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('authentication');
    expect(error.message).toContain('invalid_grant');
    expect(error.message).not.toContain(MOCK_CLIENT_SECRET);
    expect(error.message).not.toContain(mock.refreshToken);
  });

  it('streams without making an AbortSignal once the token is loaded and fresh; a rejected token still refreshes once', async () => {
    await writeCreds({ accessToken: mock.issueAccessToken(), refreshToken: mock.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), authMethod: 'social', profileArn: MOCK_PROFILE_ARN });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    await connection.generate(ask(), signal()); // loads the creds file: a wait
    const { options: counted, reads } = countingCallOptions();
    const events: string[] = [];
    for await (const event of await connection.stream(ask(), counted)) events.push(event.type);
    expect(events.at(-1)).toBe('finish');
    expect(reads()).toBe(0);

    mock.faults.status = { count: 1, status: 403, type: 'AccessDeniedException', message: 'The bearer token included in the request is invalid.' };
    expect((await connection.generate(ask(), counted)).finishReason).toBeDefined();
    expect(reads()).toBeGreaterThan(0);
  });

  it('a token rejected twice is not retried a third time', async () => {
    await writeCreds({ accessToken: mock.issueAccessToken(), refreshToken: mock.refreshToken, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), authMethod: 'social' });
    const connection = kiroAdapter.connect(record({ KIRO_OAUTH_CREDS_FILE_PATH: credsFile }), deps());
    mock.faults.status = { count: 5, status: 403, type: 'AccessDeniedException', message: 'The bearer token included in the request is invalid.' };
    const before = mock.generateCalls;
    await expect(connection.generate(ask(), signal())).rejects.toMatchObject({ code: 'authentication', upstreamStatus: 403 });
    expect(mock.generateCalls - before).toBe(2);
  });
});
