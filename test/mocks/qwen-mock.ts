import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';

export const QWEN_MOCK_CLIENT_ID = 'f0304373b74a44d2b584a3fb70ca9e56';

export interface QwenMockTokens {
  accessToken: string;
  refreshToken: string;
}

type DeviceState = 'pending' | 'approved' | 'denied' | 'expired';

interface DeviceCode {
  deviceCode: string;
  userCode: string;
  challenge: string;
  state: DeviceState;
}

export interface QwenMockCounts {
  deviceCode: number;
  deviceToken: number;
  refresh: number;
}

export interface QwenMock {
  /** The OpenAI-compatible chat server; recorded requests and per-token faults live here. */
  upstream: MockUpstream;
  /** `http://127.0.0.1:<port>` of the chat server: use it as `resource_url` (`/v1` gets appended). */
  chatUrl: string;
  /** `http://127.0.0.1:<port>` of the OAuth server (`/api/v1/oauth2/...`). */
  oauthUrl: string;
  readonly counts: QwenMockCounts;
  /** Makes a fresh valid access/refresh token pair, as a previous login would have. */
  issue(): QwenMockTokens;
  /** The chat server answers 401 for this access token from now on. */
  revoke(accessToken: string): void;
  /** While set, the refresh_token grant answers with this status and `{"error":…}`. */
  failRefresh: { status: number; error: string } | undefined;
  /** `expires_in` of tokens the OAuth server hands out, seconds. */
  tokenTtlSec: number;
  /** Next device-token polls answered with 429 slow_down before anything else. */
  slowDownPolls: number;
  /** Plays the user on the verification page: approve or deny the code, or let it expire. */
  decide(userCode: string, outcome: 'approved' | 'denied' | 'expired'): void;
  /** Every form the OAuth server received, newest last. */
  readonly oauthRequests: Array<{ path: string; form: Record<string, string> }>;
  close(): Promise<void>;
}

const UNAUTHORIZED_BODY = JSON.stringify({ error: { message: 'invalid access token or token expired', type: 'invalid_request_error', code: 'invalid_api_key' } });

function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function oauthError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error, error_description: `mock: ${error}` });
}

/**
 * Qwen's two servers in one test double: an OpenAI-compatible chat endpoint that accepts only the
 * access tokens the OAuth server issued (and not revoked), and the OAuth server with the device
 * authorization (PKCE S256) and refresh_token grants, counting calls and failing on demand.
 */
export async function startQwenMock(options: { streamChunks?: number } = {}): Promise<QwenMock> {
  const upstream = await startMockUpstream({ streamChunks: options.streamChunks ?? 5, faults: { '*': { kind: 'status', status: 401, body: UNAUTHORIZED_BODY } } });
  const refreshTokens = new Set<string>();
  const deviceCodes = new Map<string, DeviceCode>();
  const oauthRequests: Array<{ path: string; form: Record<string, string> }> = [];
  let serial = 0;

  const mock: QwenMock = {
    upstream,
    chatUrl: upstream.url,
    oauthUrl: '',
    counts: { deviceCode: 0, deviceToken: 0, refresh: 0 },
    issue() {
      serial += 1;
      const tokens = { accessToken: `qat-${serial}`, refreshToken: `qrt-${serial}` };
      upstream.setFault(tokens.accessToken, { kind: 'none' });
      refreshTokens.add(tokens.refreshToken);
      return tokens;
    },
    revoke(accessToken) {
      upstream.setFault(accessToken, { kind: 'status', status: 401, body: UNAUTHORIZED_BODY });
    },
    failRefresh: undefined,
    tokenTtlSec: 21_600,
    slowDownPolls: 0,
    decide(userCode, outcome) {
      for (const entry of deviceCodes.values()) if (entry.userCode === userCode) entry.state = outcome;
    },
    oauthRequests,
    close: async () => undefined,
  };

  function tokenAnswer(res: ServerResponse): void {
    const tokens = mock.issue();
    sendJson(res, 200, {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: 'Bearer',
      expires_in: mock.tokenTtlSec,
      scope: 'openid profile email model.completion',
      resource_url: mock.chatUrl,
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      // The verification page: the test "user" decides with ?action=approve|deny.
      const userCode = url.searchParams.get('user_code') ?? '';
      const action = url.searchParams.get('action');
      if (action === 'approve' || action === 'deny') mock.decide(userCode, action === 'approve' ? 'approved' : 'denied');
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`code ${userCode}`);
      return;
    }
    if (req.method !== 'POST') return oauthError(res, 404, 'not_found');
    const form = await readForm(req);
    oauthRequests.push({ path: url.pathname, form });
    if (form.client_id !== QWEN_MOCK_CLIENT_ID) return oauthError(res, 401, 'invalid_client');

    if (url.pathname === '/api/v1/oauth2/device/code') {
      mock.counts.deviceCode += 1;
      if (form.code_challenge_method !== 'S256' || !form.code_challenge) return oauthError(res, 400, 'invalid_request');
      serial += 1;
      const userCode = `USER-${String(serial).padStart(4, '0')}`;
      const entry: DeviceCode = { deviceCode: `dc-${serial}`, userCode, challenge: form.code_challenge, state: 'pending' };
      deviceCodes.set(entry.deviceCode, entry);
      return sendJson(res, 200, {
        device_code: entry.deviceCode,
        user_code: userCode,
        verification_uri: `${mock.oauthUrl}/authorize`,
        verification_uri_complete: `${mock.oauthUrl}/authorize?user_code=${userCode}&client=qwen-code`,
        expires_in: 900,
      });
    }

    if (url.pathname === '/api/v1/oauth2/token' && form.grant_type === 'refresh_token') {
      mock.counts.refresh += 1;
      if (mock.failRefresh) return oauthError(res, mock.failRefresh.status, mock.failRefresh.error);
      if (!form.refresh_token || !refreshTokens.has(form.refresh_token)) return oauthError(res, 400, 'invalid_grant');
      return tokenAnswer(res);
    }

    if (url.pathname === '/api/v1/oauth2/token' && form.grant_type === 'urn:ietf:params:oauth:grant-type:device_code') {
      mock.counts.deviceToken += 1;
      const entry = deviceCodes.get(form.device_code ?? '');
      if (!entry) return oauthError(res, 400, 'invalid_grant');
      const challenge = createHash('sha256').update(form.code_verifier ?? '').digest('base64url');
      if (challenge !== entry.challenge) return oauthError(res, 400, 'invalid_grant');
      if (mock.slowDownPolls > 0) {
        mock.slowDownPolls -= 1;
        return oauthError(res, 429, 'slow_down');
      }
      switch (entry.state) {
        case 'pending':
          return oauthError(res, 400, 'authorization_pending');
        case 'denied':
          return oauthError(res, 400, 'access_denied');
        case 'expired':
          return oauthError(res, 400, 'expired_token');
        case 'approved':
          deviceCodes.delete(entry.deviceCode);
          return tokenAnswer(res);
      }
    }
    return oauthError(res, 400, 'unsupported_grant_type');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) oauthError(res, 500, 'server_error');
      else res.destroy();
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('qwen mock: no TCP address');
  mock.oauthUrl = `http://127.0.0.1:${address.port}`;
  mock.close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    await upstream.close();
  };
  return mock;
}
