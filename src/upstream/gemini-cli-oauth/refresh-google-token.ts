import type { Dispatcher } from 'undici';
import type { OAuthTokens } from '../../credentials/creds-file-formats.js';
import type { RefreshedTokens } from '../../credentials/oauth-token-source.js';
import { mapTransportError } from '../map-transport-error.js';
import { tokenEndpointFailure } from '../token-endpoint-failure.js';
export { GOOGLE_TOKEN_URL } from './gemini-cli-client.js';
import type { UpstreamTimeouts } from '../upstream-timeouts.js';

export interface GoogleRefreshOptions {
  tokenUrl: URL;
  /** The installed-app OAuth client (gemini-cli's public one unless the instance overrides it). */
  clientId: string;
  clientSecret: string;
  dispatcher: Dispatcher;
  timeouts: UpstreamTimeouts;
  now: () => number;
  /** Bound on the whole refresh call; default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;
const MAX_ERROR_CHARS = 300;

function errorText(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof body.error === 'string') {
      return `HTTP ${status} ${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`;
    }
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${status}${text.trim() ? `: ${text.trim().slice(0, MAX_ERROR_CHARS)}` : ''}`;
}

/**
 * The Google OAuth2 refresh call (protocols.md §4.7): a form POST of the refresh token with the
 * installed-app client id/secret. Google normally returns no new refresh token, so none is
 * reported then and the token source keeps the old one. Error messages name the status and
 * Google's `error` code (`invalid_grant` = re-login needed) but never a token or secret. A 5xx/429
 * answer or a transport failure throws a retryable GatewayError; a 400/401/403 answer or an
 * unusable body ends up as an `authentication` error.
 */
export function createGoogleTokenRefresher(options: GoogleRefreshOptions): (current: OAuthTokens) => Promise<RefreshedTokens> {
  const path = `${options.tokenUrl.pathname}${options.tokenUrl.search}`;
  return async (current) => {
    const { clientId, clientSecret } = options;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
      client_id: clientId,
      client_secret: clientSecret,
    }).toString();
    const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS);
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await options.dispatcher.request({
        origin: options.tokenUrl.origin,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal,
        headersTimeout: options.timeouts.firstByteMs,
        bodyTimeout: options.timeouts.betweenChunksMs,
      });
      text = await response.body.text();
    } catch (error) {
      throw mapTransportError(error, undefined, `POST ${options.tokenUrl.origin}${options.tokenUrl.pathname}`);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw tokenEndpointFailure(response.statusCode, response.headers, errorText(response.statusCode, text), options.now());
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('the token endpoint answered with a body that is not JSON');
    }
    const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const accessToken = json['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') throw new Error('the token endpoint returned no access_token');
    const expiresIn = typeof json['expires_in'] === 'number' ? json['expires_in'] : Number(json['expires_in'] ?? 3600);
    const refreshToken = json['refresh_token'];
    return {
      accessToken,
      expiresAt: options.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600) * 1000,
      ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
    };
  };
}
