import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startQwenMock, type QwenMock } from '../../test/mocks/qwen-mock.js';
import { pkceChallenge } from './pkce.js';
import { loginQwen } from './qwen-login.js';
import { testIo, waitForLine } from './test-login-io.js';

describe('poolgate login qwen', () => {
  let mock: QwenMock;
  let dir: string;
  let poolsFile: string;
  let credsFile: string;
  const others = { 'openai-custom': [{ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'https://api.example/v1', uuid: 'keep-me', usageCount: 3 }] };

  beforeAll(async () => {
    mock = await startQwenMock();
  });
  afterAll(async () => mock.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'login-qwen-'));
    poolsFile = path.join(dir, 'provider_pools.json');
    credsFile = path.join(dir, 'qwen', 'oauth_creds.json');
    await writeFile(poolsFile, JSON.stringify(others, null, 2));
  });

  const login = (lines: string[]) => loginQwen({ oauthBaseUrl: mock.oauthUrl, credsFile, poolsFile, pollIntervalMs: 10 }, testIo(lines));

  it('runs the device flow with PKCE, honours slow_down, writes 0600 creds and adds one instance', async () => {
    const lines: string[] = [];
    const before = mock.oauthRequests.length;
    mock.slowDownPolls = 1;
    const done = login(lines);
    const [, url] = await waitForLine(lines, /^\s+(http\S+)$/);
    const userCode = (await waitForLine(lines, /^User code: (\S+)$/))[1]!;
    expect(url).toContain(`user_code=${userCode}`);
    // Let it poll (slow_down, then authorization_pending) before the user approves.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await (await fetch(`${url}&action=approve`)).text()).toContain(userCode);
    const result = await done;

    const requests = mock.oauthRequests.slice(before);
    const deviceForm = requests[0]!.form;
    expect(requests[0]!.path).toBe('/api/v1/oauth2/device/code');
    expect(deviceForm).toMatchObject({ code_challenge_method: 'S256', scope: 'openid profile email model.completion' });
    const polls = requests.filter((request) => request.form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code');
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(pkceChallenge(polls[0]!.form.code_verifier!)).toBe(deviceForm.code_challenge);

    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(creds).toMatchObject({ access_token: expect.stringMatching(/^qat-/), refresh_token: expect.stringMatching(/^qrt-/), token_type: 'Bearer', resource_url: mock.chatUrl });
    expect(creds.expiry_date).toBeGreaterThan(Date.now() + 21_000_000);
    expect((await stat(credsFile)).mode & 0o777).toBe(0o600);

    const pools = JSON.parse(await readFile(poolsFile, 'utf8')) as Record<string, unknown[]>;
    expect(pools['openai-custom']).toEqual(others['openai-custom']);
    expect(pools['openai-qwen-oauth']).toEqual([expect.objectContaining({ uuid: 'uuid-1', QWEN_OAUTH_CREDS_FILE_PATH: './qwen/oauth_creds.json' })]);
    expect(result).toMatchObject({ uuid: 'uuid-1', added: true, poolKey: 'openai-qwen-oauth' });
  });

  it.each([
    ['denied', 'denied', /denied/],
    ['expired', 'expired', /expired/],
  ] as const)('stops on a %s device code and leaves both files alone', async (_label, outcome, message) => {
    const lines: string[] = [];
    const done = login(lines);
    done.catch(() => undefined);
    const userCode = (await waitForLine(lines, /^User code: (\S+)$/))[1]!;
    mock.decide(userCode, outcome);
    await expect(done).rejects.toThrow(message);
    await expect(stat(credsFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(JSON.parse(await readFile(poolsFile, 'utf8'))).toEqual(others);
  });

  it('reports a refused device authorization request', async () => {
    await expect(loginQwen({ oauthBaseUrl: mock.oauthUrl, clientId: 'wrong', credsFile, poolsFile, pollIntervalMs: 10 }, testIo([]))).rejects.toThrow(/invalid_client/);
  });
});
