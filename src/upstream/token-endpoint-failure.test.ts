import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/index.js';
import type { CredsJson, OAuthTokens } from '../credentials/creds-file-formats.js';
import { createGoogleTokenRefresher } from './gemini-cli-oauth/refresh-google-token.js';
import { kiroTokenRefresher } from './kiro/refresh-kiro-token.js';
import { createQwenTokenRefresher } from './qwen-oauth/refresh-qwen-token.js';
import { tokenEndpointFailure } from './token-endpoint-failure.js';

const dispatcher = new Agent();
let server: Server | undefined;
const current: OAuthTokens = { accessToken: 'old', refreshToken: 'rt', expiresAt: 0 };
const now = (): number => 1_000_000;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});
afterAll(async () => {
  await dispatcher.close();
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

type Refresher = (base: string) => (tokens: OAuthTokens, creds: CredsJson) => Promise<unknown>;
/** The creds file as the token source hands it to a refresher (Kiro reads its login kind from it). */
const credsJson: CredsJson = { authMethod: 'social' };

const refreshers: Record<string, Refresher> = {
  google: (base) =>
    createGoogleTokenRefresher({
      tokenUrl: new URL(`${base}/token`),
      clientId: 'cid',
      clientSecret: 'sec',
      dispatcher,
      timeouts: { connectMs: 2_000, firstByteMs: 2_000, betweenChunksMs: 2_000 },
      now,
    }),
  qwen: (base) => createQwenTokenRefresher({ dispatcher, oauthBaseUrl: new URL(base), clientId: 'cid', now, timeoutMs: 2_000 }),
  kiro: (base) =>
    kiroTokenRefresher({
      dispatcher,
      credsPath: '/nonexistent/kiro.json',
      refreshUrl: `${base}/refreshToken`,
      refreshIdcUrl: `${base}/token`,
      timeoutMs: 2_000,
      now,
    }),
};

async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('tokenEndpointFailure', () => {
  it('classifies 5xx/429 as retryable and 400/401/403 as authentication', () => {
    expect(tokenEndpointFailure(503, {}, 'x', 0)).toMatchObject({ code: 'overloaded', retryable: true, upstreamStatus: 503 });
    expect(tokenEndpointFailure(500, {}, 'x', 0)).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(tokenEndpointFailure(429, { 'retry-after': '7' }, 'x', 0)).toMatchObject({ code: 'rate_limited', retryAfterMs: 7_000 });
    for (const status of [400, 401, 403]) expect(tokenEndpointFailure(status, {}, 'x', 0)).toMatchObject({ code: 'authentication', upstreamStatus: status });
  });
});

describe.each(Object.entries(refreshers))('%s token refresher', (_name, make) => {
  it('turns a 5xx answer into a retryable upstream error, not authentication', async () => {
    const base = await listen(answering(500, { error: 'server_error' }));
    const error = await failureOf(make(base)(current, credsJson));
    expect(error.code).toBe('upstream_error');
    expect(error.retryable).toBe(true);
    expect(error.upstreamStatus).toBe(500);
  });

  it('turns a 429 answer into rate_limited', async () => {
    const base = await listen(answering(429, { error: 'slow_down' }, { 'retry-after': '30' }));
    const error = await failureOf(make(base)(current, credsJson));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('keeps a 400 invalid_grant an authentication error', async () => {
    const base = await listen(answering(400, { error: 'invalid_grant', error_description: 'revoked' }));
    const error = await failureOf(make(base)(current, credsJson));
    expect(error.code).toBe('authentication');
    expect(error.message).toContain('400');
  });

  it('maps a connection failure to upstream_unreachable', async () => {
    const base = await listen((req) => req.socket.destroy());
    const error = await failureOf(make(base)(current, credsJson));
    expect(error.code).toBe('upstream_unreachable');
  });
});
