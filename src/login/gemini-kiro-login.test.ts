import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginGemini } from './gemini-login.js';
import { loginKiro } from './kiro-login.js';
import { pkceChallenge } from './pkce.js';
import { testIo, waitForLine } from './test-login-io.js';

type Handler = (path: string, body: Record<string, string>, res: ServerResponse) => void;

/** A mock authorization server: every POST body (form or JSON) goes to `handler`. */
async function startAuthServer(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const json = (req.headers['content-type'] ?? '').includes('json');
      handler(new URL(req.url ?? '/', 'http://x').pathname, json ? (JSON.parse(text) as Record<string, string>) : Object.fromEntries(new URLSearchParams(text)), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const others = { 'openai-custom': [{ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'https://api.example/v1', uuid: 'keep-me' }] };

let dir: string;
let poolsFile: string;
let credsFile: string;
let server: Server | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'login-'));
  poolsFile = path.join(dir, 'provider_pools.json');
  credsFile = path.join(dir, 'creds.json');
  await writeFile(poolsFile, JSON.stringify(others, null, 2));
});
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function expectUntouched(): Promise<void> {
  await expect(stat(credsFile)).rejects.toMatchObject({ code: 'ENOENT' });
  expect(JSON.parse(await readFile(poolsFile, 'utf8'))).toEqual(others);
}

describe('poolgate login gemini', () => {
  let exchanges: Array<Record<string, string>>;
  beforeEach(async () => {
    exchanges = [];
    ({ server } = await startAuthServer((p, body, res) => {
      exchanges.push(body);
      if (p !== '/token' || body.grant_type !== 'authorization_code' || body.code !== 'auth-code-1') return send(res, 400, { error: 'invalid_grant' });
      send(res, 200, { access_token: 'ya29.x', refresh_token: '1//r', expires_in: 3599, scope: 'scope-a', token_type: 'Bearer', id_token: 'eyJ' });
    }));
  });
  const url = () => `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  const start = (lines: string[]) => loginGemini({ authUrl: `${url()}/auth`, tokenUrl: `${url()}/token`, clientId: 'cid', clientSecret: 'csecret', credsFile, poolsFile, projectId: 'proj-1' }, testIo(lines));

  it('prints the authorization URL, receives the code on 127.0.0.1, exchanges it with the verifier', async () => {
    const lines: string[] = [];
    const done = start(lines);
    const auth = new URL((await waitForLine(lines, /^\s+(http\S+\/auth\?\S+)$/))[1]!);
    const params = auth.searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('client_id')).toBe('cid');
    expect(params.get('scope')).toContain('https://www.googleapis.com/auth/cloud-platform');
    const redirect = new URL(params.get('redirect_uri')!);
    expect(redirect.hostname).toBe('127.0.0.1');
    expect(redirect.pathname).toBe('/oauth2callback');
    // The test plays the browser after the user consented.
    const page = await fetch(`${redirect.href}?code=auth-code-1&state=${params.get('state')}`);
    expect(page.status).toBe(200);
    const result = await done;

    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ client_id: 'cid', client_secret: 'csecret', redirect_uri: redirect.href });
    expect(pkceChallenge(exchanges[0]!.code_verifier!)).toBe(params.get('code_challenge'));
    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(creds).toMatchObject({ access_token: 'ya29.x', refresh_token: '1//r', token_type: 'Bearer', id_token: 'eyJ', scope: 'scope-a' });
    expect(creds.expiry_date).toBeGreaterThan(Date.now() + 3_500_000);
    expect((await stat(credsFile)).mode & 0o777).toBe(0o600);
    const pools = JSON.parse(await readFile(poolsFile, 'utf8')) as Record<string, unknown[]>;
    expect(pools['openai-custom']).toEqual(others['openai-custom']);
    expect(pools['gemini-cli-oauth']).toEqual([expect.objectContaining({ uuid: result.uuid, GEMINI_OAUTH_CREDS_FILE_PATH: './creds.json', PROJECT_ID: 'proj-1' })]);
  });

  it('aborts on a state mismatch without exchanging the code', async () => {
    const lines: string[] = [];
    const done = start(lines);
    done.catch(() => undefined);
    const auth = new URL((await waitForLine(lines, /^\s+(http\S+\/auth\?\S+)$/))[1]!);
    const page = await fetch(`${auth.searchParams.get('redirect_uri')}?code=auth-code-1&state=forged`);
    expect(page.status).toBe(400);
    await expect(done).rejects.toThrow(/state/);
    expect(exchanges).toHaveLength(0);
    await expectUntouched();
  });

  it('reports a denied consent', async () => {
    const lines: string[] = [];
    const done = start(lines);
    done.catch(() => undefined);
    const auth = new URL((await waitForLine(lines, /^\s+(http\S+\/auth\?\S+)$/))[1]!);
    await fetch(`${auth.searchParams.get('redirect_uri')}?error=access_denied&state=${auth.searchParams.get('state')}`);
    await expect(done).rejects.toThrow(/access_denied/);
    await expectUntouched();
  });
});

describe('poolgate login kiro', () => {
  let calls: Array<{ path: string; body: Record<string, string> }>;
  let tokenAnswers: Array<[number, unknown]>;
  beforeEach(async () => {
    calls = [];
    tokenAnswers = [];
    ({ server } = await startAuthServer((p, body, res) => {
      calls.push({ path: p, body });
      if (p === '/client/register') return send(res, 200, { clientId: 'oidc-client', clientSecret: 'oidc-secret', clientSecretExpiresAt: 1_900_000_000 });
      if (p === '/device_authorization') {
        if (body.clientId !== 'oidc-client' || body.clientSecret !== 'oidc-secret') return send(res, 400, { error: 'invalid_client' });
        return send(res, 200, { deviceCode: 'kdc', userCode: 'KIRO-CODE', verificationUri: 'https://device.example', verificationUriComplete: 'https://device.example?code=KIRO-CODE', expiresIn: 600, interval: 1 });
      }
      if (p === '/token') {
        const [status, answer] = tokenAnswers.shift() ?? [200, { accessToken: 'aoa-1', refreshToken: 'aor-1', tokenType: 'Bearer', expiresIn: 3600 }];
        return send(res, status, answer);
      }
      if (p === '/oauth/token') {
        if (!body.code_verifier || body.code !== 'social-code') return send(res, 400, { error: 'invalid_grant' });
        return send(res, 200, { accessToken: 'aoa-s', refreshToken: 'aor-s', profileArn: 'arn:aws:codewhisperer:us-east-1:1:profile/X', expiresIn: 3600 });
      }
      send(res, 404, {});
    }));
  });
  const url = () => `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;

  it('Builder ID: registers a client, prints the code, polls through pending and slow_down, writes creds', async () => {
    tokenAnswers = [
      [400, { error: 'authorization_pending' }],
      [400, { __type: 'com.amazonaws#SlowDownException' }],
      [400, { error: 'authorization_pending' }],
    ];
    const lines: string[] = [];
    const result = await loginKiro({ method: 'builder-id', oidcUrl: url(), credsFile, poolsFile, pollIntervalMs: 5 }, testIo(lines));
    expect(lines.join('\n')).toContain('https://device.example?code=KIRO-CODE');
    expect(lines.join('\n')).toContain('KIRO-CODE');
    expect(calls.map((call) => call.path)).toEqual(['/client/register', '/device_authorization', '/token', '/token', '/token', '/token']);
    expect(calls[0]!.body).toMatchObject({ clientType: 'public', scopes: expect.arrayContaining(['codewhisperer:completions']) });
    expect(calls[2]!.body).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: 'kdc', clientId: 'oidc-client' });
    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(creds).toMatchObject({ accessToken: 'aoa-1', refreshToken: 'aor-1', authMethod: 'builder-id', region: 'us-east-1', clientId: 'oidc-client', clientSecret: 'oidc-secret' });
    expect(Date.parse(creds.expiresAt as string)).toBeGreaterThan(Date.now() + 3_500_000);
    expect((await stat(credsFile)).mode & 0o777).toBe(0o600);
    const pools = JSON.parse(await readFile(poolsFile, 'utf8')) as Record<string, unknown[]>;
    expect(pools['openai-custom']).toEqual(others['openai-custom']);
    expect(pools['claude-kiro-oauth']).toEqual([expect.objectContaining({ uuid: result.uuid, KIRO_OAUTH_CREDS_FILE_PATH: './creds.json' })]);
  });

  it.each([
    [{ error: 'expired_token' }, /expired/],
    [{ __type: 'AccessDeniedException' }, /denied/],
  ])('Builder ID: stops on %j', async (answer, message) => {
    tokenAnswers = [[400, { error: 'authorization_pending' }], [400, answer]];
    await expect(loginKiro({ method: 'builder-id', oidcUrl: url(), credsFile, poolsFile, pollIntervalMs: 5 }, testIo([]))).rejects.toThrow(message);
    await expectUntouched();
  });

  it('social: PKCE login page, loopback redirect, code exchange', async () => {
    const lines: string[] = [];
    const done = loginKiro({ method: 'github', authServiceUrl: url(), credsFile, poolsFile }, testIo(lines));
    const auth = new URL((await waitForLine(lines, /^\s+(http\S+\/login\?\S+)$/))[1]!);
    expect(auth.searchParams.get('idp')).toBe('Github');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    await fetch(`${auth.searchParams.get('redirect_uri')}?code=social-code&state=${auth.searchParams.get('state')}`);
    await done;
    const exchange = calls.find((call) => call.path === '/oauth/token')!.body;
    expect(pkceChallenge(exchange.code_verifier!)).toBe(auth.searchParams.get('code_challenge'));
    expect(exchange.redirect_uri).toBe(auth.searchParams.get('redirect_uri'));
    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as Record<string, unknown>;
    expect(creds).toMatchObject({ accessToken: 'aoa-s', refreshToken: 'aor-s', authMethod: 'social', provider: 'Github', profileArn: expect.stringContaining('arn:aws') });
  });

  it('social: a state mismatch aborts', async () => {
    const lines: string[] = [];
    const done = loginKiro({ method: 'google', authServiceUrl: url(), credsFile, poolsFile }, testIo(lines));
    done.catch(() => undefined);
    const auth = new URL((await waitForLine(lines, /^\s+(http\S+\/login\?\S+)$/))[1]!);
    await fetch(`${auth.searchParams.get('redirect_uri')}?code=social-code&state=other`);
    await expect(done).rejects.toThrow(/state/);
    expect(calls.some((call) => call.path === '/oauth/token')).toBe(false);
    await expectUntouched();
  });
});
