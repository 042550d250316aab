import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LoginError } from './login-error.js';

export interface LoopbackRedirectOptions {
  /** Path the authorization server redirects to, e.g. `/oauth2callback`. */
  callbackPath: string;
  /** The `state` sent with the authorization request; any other value aborts the login. */
  state: string;
  /** Default 0: a random free port. */
  port?: number;
  /** How long to wait for the user; default 5 minutes. */
  timeoutMs?: number;
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port><callbackPath>`. */
  redirectUri: string;
  /** Resolves with the authorization code of the first callback, or rejects (denied, state mismatch, timeout). */
  code: Promise<string>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${text}</p>`;

function reply(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
  res.end(PAGE(title, text));
}

/**
 * A one-shot HTTP server on 127.0.0.1 receiving an OAuth redirect (RFC 8252 loopback). The first
 * request on the callback path settles the login: a matching `state` with a `code` resolves; an
 * `error`, a missing code or a different `state` (possible CSRF) rejects. Then it stops listening.
 */
export async function startLoopbackRedirect(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
  let resolveCode!: (code: string) => void;
  let rejectCode!: (error: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  code.catch(() => undefined);
  let settled = false;
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== options.callbackPath || settled) {
      reply(res, 404, 'Not found', 'Nothing here.');
      return;
    }
    settled = true;
    const error = url.searchParams.get('error');
    const state = url.searchParams.get('state');
    const authCode = url.searchParams.get('code');
    if (error !== null) {
      reply(res, 400, 'Login failed', 'The login was not authorised. You can close this tab.');
      rejectCode(new LoginError(`the authorization server answered ${error}${url.searchParams.get('error_description') ? `: ${url.searchParams.get('error_description')}` : ''}`));
    } else if (state !== options.state) {
      reply(res, 400, 'Login failed', 'The state parameter did not match; the login was aborted.');
      rejectCode(new LoginError('the redirect carried a different state than this login sent (possible CSRF); login aborted'));
    } else if (!authCode) {
      reply(res, 400, 'Login failed', 'The redirect carried no authorization code.');
      rejectCode(new LoginError('the redirect carried no authorization code'));
    } else {
      reply(res, 200, 'Login complete', 'Login complete. You can close this tab and return to the terminal.');
      resolveCode(authCode);
    }
    void close();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const timer = setTimeout(() => {
    if (settled) return;
    settled = true;
    rejectCode(new LoginError('no redirect arrived in time; run the login again'));
    void close();
  }, options.timeoutMs ?? 5 * 60_000);
  timer.unref();

  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    clearTimeout(timer);
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Let the answer reach the browser, then drop keep-alive sockets.
      setImmediate(() => {
        for (const socket of sockets) socket.end();
      });
    });
    return closing;
  }

  return { redirectUri: `http://127.0.0.1:${port}${options.callbackPath}`, code, close };
}
