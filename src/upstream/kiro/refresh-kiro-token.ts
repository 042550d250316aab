import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import type { CredsJson, OAuthTokens } from '../../credentials/creds-file-formats.js';
import type { RefreshedTokens } from '../../credentials/oauth-token-source.js';
import type { GatewayError } from '../../canonical/index.js';
import { mapTransportError } from '../map-transport-error.js';
import { tokenEndpointFailure } from '../token-endpoint-failure.js';
import type {
  KiroOidcErrorBody,
  KiroOidcRefreshRequest,
  KiroOidcRefreshResponse,
  KiroSocialRefreshRequest,
  KiroSocialRefreshResponse,
} from '../../wire/kiro/index.js';

export const DEFAULT_KIRO_REGION = 'us-east-1';
export const DEFAULT_KIRO_REFRESH_URL = 'https://prod.{region}.auth.desktop.kiro.dev/refreshToken';
export const DEFAULT_KIRO_REFRESH_IDC_URL = 'https://oidc.{region}.amazonaws.com/token';
const DEFAULT_EXPIRES_IN_S = 3600;

export type KiroLogin = 'social' | 'idc';

export interface KiroClientCredentials {
  clientId: string;
  clientSecret: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Fills `{region}` in a URL template. */
export function withRegion(template: string, region: string): URL {
  return new URL(template.replaceAll('{region}', region));
}

/** The API region: the creds file's `region`, default us-east-1. */
export function kiroRegion(creds: CredsJson): string {
  return str(creds['region']) ?? DEFAULT_KIRO_REGION;
}

/**
 * Builder ID / IdC client credentials: on the creds file itself, else in the companion
 * `<clientIdHash>.json` beside it (how Kiro IDE stores them, protocols.md §5.7).
 */
export async function kiroClientCredentials(creds: CredsJson, credsPath: string): Promise<KiroClientCredentials | undefined> {
  const clientId = str(creds['clientId']);
  const clientSecret = str(creds['clientSecret']);
  if (clientId && clientSecret) return { clientId, clientSecret };
  const hash = str(creds['clientIdHash']);
  if (!hash || !/^[A-Za-z0-9_-]+$/.test(hash)) return undefined;
  try {
    const companion = JSON.parse(await readFile(path.join(path.dirname(credsPath), `${hash}.json`), 'utf8')) as CredsJson;
    const id = str(companion['clientId']);
    const secret = str(companion['clientSecret']);
    return id && secret ? { clientId: id, clientSecret: secret } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which refresh flow a login uses: `authMethod` social → social; Builder ID / IdC (any case) or
 * no `authMethod` with client credentials → OIDC; otherwise social.
 */
export function kiroLogin(creds: CredsJson, client: KiroClientCredentials | undefined): KiroLogin {
  const method = (str(creds['authMethod']) ?? '').toLowerCase();
  if (method === 'social') return 'social';
  if (method === 'idc' || method === 'builder-id' || method === 'builderid' || method === 'iam') return 'idc';
  return client ? 'idc' : 'social';
}

export interface KiroRefreshOptions {
  dispatcher: Dispatcher;
  credsPath: string;
  refreshUrl: string;
  refreshIdcUrl: string;
  timeoutMs: number;
  now: () => number;
}

interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function postJson(dispatcher: Dispatcher, url: URL, body: unknown, timeoutMs: number): Promise<PostResult> {
  try {
    const response = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  } catch (error) {
    throw mapTransportError(error, undefined, `POST ${url.origin}${url.pathname}`);
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function expiresAt(body: { expiresIn?: unknown; expiresAt?: unknown }, now: number): number {
  if (typeof body.expiresIn === 'number' && Number.isFinite(body.expiresIn) && body.expiresIn > 0) return now + body.expiresIn * 1000;
  if (typeof body.expiresAt === 'string' && Number.isFinite(Date.parse(body.expiresAt))) return Date.parse(body.expiresAt);
  return now + DEFAULT_EXPIRES_IN_S * 1000;
}

/**
 * A failed refresh: status plus the server's own words, never a token. 5xx/429 are retryable
 * upstream errors; 400/401/403 (and anything else) are `authentication`.
 */
function failure(kind: string, result: PostResult, now: number): GatewayError {
  const body = parseObject(result.text) as KiroOidcErrorBody & { message?: unknown };
  const what = [body.error, body.error_description, typeof body.message === 'string' ? body.message : undefined].filter(Boolean).join(': ');
  return tokenEndpointFailure(result.status, result.headers, `${kind} refresh answered HTTP ${result.status}${what ? ` ${what}` : ''}`, now);
}

/**
 * The `refresh` function for an OAuthTokenSource over a Kiro creds file (protocols.md §5.6):
 * social logins POST `{refreshToken}` to the Kiro auth service; Builder ID / IdC logins use the
 * SSO-OIDC `refresh_token` grant with their client credentials. A missing refresh token in the
 * answer keeps the old one. A 5xx/429 answer or a transport failure throws a retryable
 * GatewayError; a 400/401/403 answer or an unusable body ends up as an `authentication` error.
 */
export function kiroTokenRefresher(options: KiroRefreshOptions): (current: OAuthTokens, creds: CredsJson) => Promise<RefreshedTokens> {
  // `creds` is the file the token source has just read for this refresh: no second read.
  return async (current, creds) => {
    const client = await kiroClientCredentials(creds, options.credsPath);
    const login = kiroLogin(creds, client);
    if (login === 'idc') {
      if (!client) throw new Error('Builder ID / IdC login without clientId and clientSecret');
      const region = str(creds['idcRegion']) ?? kiroRegion(creds);
      const request: KiroOidcRefreshRequest = { ...client, grantType: 'refresh_token', refreshToken: current.refreshToken };
      const result = await postJson(options.dispatcher, withRegion(options.refreshIdcUrl, region), request, options.timeoutMs);
      if (result.status !== 200) throw failure('OIDC', result, options.now());
      const body = parseObject(result.text) as KiroOidcRefreshResponse;
      if (typeof body.accessToken !== 'string' || body.accessToken === '') throw new Error('OIDC refresh answered without an accessToken');
      return {
        accessToken: body.accessToken,
        ...(typeof body.refreshToken === 'string' && body.refreshToken !== '' ? { refreshToken: body.refreshToken } : {}),
        expiresAt: expiresAt(body, options.now()),
      };
    }
    const request: KiroSocialRefreshRequest = { refreshToken: current.refreshToken };
    const result = await postJson(options.dispatcher, withRegion(options.refreshUrl, kiroRegion(creds)), request, options.timeoutMs);
    if (result.status !== 200) throw failure('Kiro social', result, options.now());
    const body = parseObject(result.text) as KiroSocialRefreshResponse;
    if (typeof body.accessToken !== 'string' || body.accessToken === '') throw new Error('Kiro social refresh answered without an accessToken');
    // A social refresh may hand out a new profileArn: it goes into the creds file with the tokens.
    const profileArn = typeof body.profileArn === 'string' && body.profileArn !== '' ? body.profileArn : undefined;
    return {
      accessToken: body.accessToken,
      ...(typeof body.refreshToken === 'string' && body.refreshToken !== '' ? { refreshToken: body.refreshToken } : {}),
      expiresAt: expiresAt(body, options.now()),
      ...(profileArn ? { fileFields: { profileArn } } : {}),
    };
  };
}
