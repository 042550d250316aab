import type { Dispatcher } from 'undici';
import type { RefreshedTokens, RefreshTokens } from '../../credentials/oauth-token-source.js';
import { mapTransportError } from '../map-transport-error.js';
import { tokenEndpointFailure } from '../token-endpoint-failure.js';
import { QWEN_TOKEN_PATH } from './qwen-oauth-constants.js';

export interface QwenRefreshOptions {
  dispatcher: Dispatcher;
  /** e.g. https://chat.qwen.ai (the token endpoint is `/api/v1/oauth2/token` under it). */
  oauthBaseUrl: URL;
  clientId: string;
  now: () => number;
  /** Whole-call timeout of one refresh. */
  timeoutMs: number;
  /** Told the `resource_url` a refresh answered with, so later calls go to that host. */
  onResourceUrl?: (resourceUrl: string) => void;
}

const MAX_ERROR_CHARS = 200;

function describeError(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    const code = typeof body.error === 'string' ? body.error : undefined;
    const description = typeof body.error_description === 'string' ? body.error_description : undefined;
    if (code !== undefined) return `token endpoint answered HTTP ${status} ${code}${description ? `: ${description.slice(0, MAX_ERROR_CHARS)}` : ''}`;
  } catch {
    // not JSON: fall through
  }
  return `token endpoint answered HTTP ${status}`;
}

/**
 * The `refresh_token` grant against Qwen's OAuth server (protocols.md §6.2). A 5xx/429 answer or
 * a transport failure throws a retryable GatewayError; a 400/401/403 answer or an unusable body
 * ends up as an `authentication` error. Never puts a token in a message.
 */
export function createQwenTokenRefresher(options: QwenRefreshOptions): RefreshTokens {
  const basePath = options.oauthBaseUrl.pathname.replace(/\/+$/, '');
  return async (current) => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: options.clientId }).toString();
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await options.dispatcher.request({
        origin: options.oauthBaseUrl.origin,
        path: basePath + QWEN_TOKEN_PATH,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      text = await response.body.text();
    } catch (error) {
      throw mapTransportError(error, undefined, `POST ${options.oauthBaseUrl.origin}${basePath}${QWEN_TOKEN_PATH}`);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw tokenEndpointFailure(response.statusCode, response.headers, describeError(response.statusCode, text), options.now());
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error('token endpoint answered with a body that is not JSON');
    }
    if (typeof json.access_token !== 'string' || json.access_token === '') throw new Error('token endpoint answered without access_token');
    const expiresIn = typeof json.expires_in === 'number' && Number.isFinite(json.expires_in) ? json.expires_in : 3600;
    const refreshed: RefreshedTokens = { accessToken: json.access_token, expiresAt: options.now() + expiresIn * 1000 };
    if (typeof json.refresh_token === 'string' && json.refresh_token !== '') refreshed.refreshToken = json.refresh_token;
    if (typeof json.resource_url === 'string' && json.resource_url !== '') {
      refreshed.fileFields = { resource_url: json.resource_url };
      options.onResourceUrl?.(json.resource_url);
    }
    return refreshed;
  };
}
