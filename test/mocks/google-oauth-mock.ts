import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBodyText } from './read-body-text.js';

/**
 * A Google OAuth2 token endpoint (protocols.md §4.7) on 127.0.0.1: `POST /token` with a
 * form-encoded `grant_type=refresh_token` refresh. It counts refresh calls, issues fresh access
 * tokens (handed to `onIssue`, e.g. so the Code Assist mock accepts them), and fails on demand
 * the way Google does (`400 invalid_grant`, `401 invalid_client`).
 */
export interface GoogleOAuthMockOptions {
  clientId: string;
  clientSecret: string;
  /** Refresh tokens Google still honours. */
  refreshTokens: string[];
  /** Lifetime of issued access tokens in seconds; default 3599 as Google. */
  expiresIn?: number;
  /** Delay before answering, so concurrent callers overlap. */
  delayMs?: number;
  onIssue?: (accessToken: string) => void;
}

export type GoogleOAuthFailure = 'invalid_grant' | 'server_error';

export interface GoogleOAuthMock {
  /** Token URL, e.g. http://127.0.0.1:43121/token. */
  tokenUrl: string;
  /** Refresh calls received (successful or not). */
  readonly refreshCount: number;
  /** Access tokens issued so far, oldest first. */
  readonly issued: readonly string[];
  /** Form bodies received, newest last. */
  readonly requests: ReadonlyArray<Record<string, string>>;
  /** Fail every refresh until cleared with `undefined`. */
  setFailure(failure: GoogleOAuthFailure | undefined): void;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startGoogleOAuthMock(options: GoogleOAuthMockOptions): Promise<GoogleOAuthMock> {
  let refreshCount = 0;
  let failure: GoogleOAuthFailure | undefined;
  let delayMs = options.delayMs ?? 0;
  const issued: string[] = [];
  const requests: Array<Record<string, string>> = [];

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'POST' || url.pathname !== '/token') {
        send(response, 404, { error: 'not_found' });
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(await readBodyText(request)));
      requests.push(form);
      refreshCount++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        send(response, 400, { error: 'invalid_request', error_description: 'Expected application/x-www-form-urlencoded' });
        return;
      }
      if (failure === 'server_error') {
        send(response, 500, { error: 'internal_failure', error_description: 'Backend error' });
        return;
      }
      if (form['grant_type'] !== 'refresh_token') {
        send(response, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form['grant_type'] ?? ''}` });
        return;
      }
      if (form['client_id'] !== options.clientId || form['client_secret'] !== options.clientSecret) {
        send(response, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
        return;
      }
      if (failure === 'invalid_grant' || !options.refreshTokens.includes(form['refresh_token'] ?? '')) {
        send(response, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        return;
      }
      const accessToken = `ya29.mock-${issued.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
      issued.push(accessToken);
      options.onIssue?.(accessToken);
      send(response, 200, {
        access_token: accessToken,
        expires_in: options.expiresIn ?? 3599,
        scope: 'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/userinfo.email openid',
        token_type: 'Bearer',
        id_token: 'eyJhbGciOiJub25lIn0.e30.',
      });
    })().catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: 'mock_failure', error_description: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    tokenUrl: `http://127.0.0.1:${port}/token`,
    get refreshCount() {
      return refreshCount;
    },
    issued,
    requests,
    setFailure(next) {
      failure = next;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
