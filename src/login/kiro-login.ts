import { homedir } from 'node:os';
import path from 'node:path';
import { addPoolInstance, credsPathForPoolsFile } from './add-pool-instance.js';
import { LoginError } from './login-error.js';
import type { LoginIo, LoginResult } from './login-io.js';
import { startLoopbackRedirect } from './loopback-redirect.js';
import { describeOAuthError, numberField, postJson, requireStringField, type OAuthAnswer } from './oauth-http.js';
import { createPkce, createState } from './pkce.js';
import { pollDeviceToken, type DevicePollAnswer } from './poll-device-token.js';
import { writeCredsFile } from './write-creds-file.js';

export const KIRO_POOL_KEY = 'claude-kiro-oauth';
export const BUILDER_ID_START_URL = 'https://view.awsapps.com/start';
export const KIRO_SCOPES = ['codewhisperer:completions', 'codewhisperer:analysis', 'codewhisperer:conversations', 'codewhisperer:transformations', 'codewhisperer:taskassist'];
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type KiroLoginMethod = 'builder-id' | 'google' | 'github';

export interface KiroLoginOptions {
  method: KiroLoginMethod;
  /** Default us-east-1. */
  region?: string;
  /** Builder ID: AWS SSO-OIDC base, default https://oidc.{region}.amazonaws.com. */
  oidcUrl?: string;
  /** Builder ID: the start URL, default AWS Builder ID's. */
  startUrl?: string;
  /** Social: Kiro's auth service, default https://prod.{region}.auth.desktop.kiro.dev. */
  authServiceUrl?: string;
  /** Social: the login page, default {authServiceUrl}/login. */
  authUrl?: string;
  /** Social: the code exchange, default {authServiceUrl}/oauth/token. */
  tokenUrl?: string;
  /** Default ~/.aws/sso/cache/kiro-auth-token.json. */
  credsFile?: string;
  poolsFile: string;
  /** Builder ID: first wait between token polls; default the server's `interval` (else 5 s). */
  pollIntervalMs?: number;
  port?: number;
  timeoutMs?: number;
}

export function defaultKiroCredsFile(): string {
  return path.join(homedir(), '.aws', 'sso', 'cache', 'kiro-auth-token.json');
}

/** AWS JSON errors name themselves in `error`, `__type` or the `x-amzn-errortype` header. */
function awsErrorName(answer: OAuthAnswer): string {
  const named = [answer.json.error, answer.json.__type, answer.headers.get('x-amzn-errortype')].find((value) => typeof value === 'string' && value !== '');
  return typeof named === 'string' ? named.replace(/^.*#/, '').replace(/:.*$/, '') : '';
}

function classifyPoll(answer: OAuthAnswer): DevicePollAnswer<Record<string, unknown>> {
  if (answer.status === 200) return { kind: 'done', value: answer.json };
  const name = awsErrorName(answer);
  if (/^(authorization_pending|AuthorizationPendingException)$/.test(name)) return { kind: 'pending' };
  if (/^(slow_down|SlowDownException)$/.test(name)) return { kind: 'slow_down' };
  if (/^(expired_token|ExpiredTokenException)$/.test(name)) return { kind: 'failed', reason: 'the device code expired before the login was approved; run the login again' };
  if (/^(access_denied|AccessDeniedException)$/.test(name)) return { kind: 'failed', reason: 'the login was denied' };
  return { kind: 'failed', reason: `the token endpoint refused the login: HTTP ${answer.status} ${name}`.trim() };
}

async function builderIdTokens(options: KiroLoginOptions, region: string, io: LoginIo): Promise<Record<string, unknown>> {
  const oidc = (options.oidcUrl ?? `https://oidc.${region}.amazonaws.com`).replace(/\/+$/, '');
  const registered = await postJson(`${oidc}/client/register`, { clientName: 'poolgate', clientType: 'public', scopes: KIRO_SCOPES, grantTypes: [DEVICE_CODE_GRANT, 'refresh_token'] });
  if (registered.status !== 200) throw new LoginError(`registering the OIDC client failed: ${describeOAuthError(registered)}`);
  const clientId = requireStringField(registered.json, 'clientId', 'client registration');
  const clientSecret = requireStringField(registered.json, 'clientSecret', 'client registration');

  const device = await postJson(`${oidc}/device_authorization`, { clientId, clientSecret, startUrl: options.startUrl ?? BUILDER_ID_START_URL });
  if (device.status !== 200) throw new LoginError(`the device authorization request failed: ${describeOAuthError(device)}`);
  const deviceCode = requireStringField(device.json, 'deviceCode', 'the device authorization endpoint');
  const userCode = requireStringField(device.json, 'userCode', 'the device authorization endpoint');
  const verificationUri = typeof device.json.verificationUriComplete === 'string' ? device.json.verificationUriComplete : requireStringField(device.json, 'verificationUri', 'the device authorization endpoint');
  io.out('Open this URL in a browser and sign in with your AWS Builder ID:');
  io.out(`  ${verificationUri}`);
  io.out(`User code: ${userCode}`);
  io.out('Waiting for approval...');

  const token = await pollDeviceToken({
    intervalMs: options.pollIntervalMs ?? numberField(device.json, 'interval', 5) * 1000,
    maxIntervalMs: 30_000,
    slowDownFactor: 1.5,
    deadlineMs: io.now() + numberField(device.json, 'expiresIn', 600) * 1000,
    io,
    poll: async () => classifyPoll(await postJson(`${oidc}/token`, { clientId, clientSecret, grantType: DEVICE_CODE_GRANT, deviceCode })),
  });
  return {
    accessToken: requireStringField(token, 'accessToken', 'the token endpoint'),
    refreshToken: requireStringField(token, 'refreshToken', 'the token endpoint'),
    expiresAt: new Date(io.now() + numberField(token, 'expiresIn', 3600) * 1000).toISOString(),
    authMethod: 'builder-id',
    provider: 'BuilderId',
    region,
    idcRegion: region,
    clientId,
    clientSecret,
  };
}

async function socialTokens(options: KiroLoginOptions, provider: 'Google' | 'Github', region: string, io: LoginIo): Promise<Record<string, unknown>> {
  const service = (options.authServiceUrl ?? `https://prod.${region}.auth.desktop.kiro.dev`).replace(/\/+$/, '');
  const pkce = createPkce();
  const state = createState();
  const loopback = await startLoopbackRedirect({ callbackPath: '/oauth/callback', state, port: options.port ?? 0, timeoutMs: options.timeoutMs ?? 5 * 60_000 });
  let code: string;
  try {
    const authUrl = new URL(options.authUrl ?? `${service}/login`);
    authUrl.search = new URLSearchParams({ idp: provider, redirect_uri: loopback.redirectUri, code_challenge: pkce.challenge, code_challenge_method: pkce.method, state }).toString();
    io.out(`Open this URL in a browser and sign in with ${provider}:`);
    io.out(`  ${authUrl.href}`);
    io.out(`Waiting for the redirect to ${loopback.redirectUri} ...`);
    code = await loopback.code;
  } finally {
    await loopback.close();
  }
  const answer = await postJson(options.tokenUrl ?? `${service}/oauth/token`, { code, code_verifier: pkce.verifier, redirect_uri: loopback.redirectUri });
  if (answer.status !== 200) throw new LoginError(`the code exchange failed: ${describeOAuthError(answer)}`);
  const creds: Record<string, unknown> = {
    accessToken: requireStringField(answer.json, 'accessToken', 'the token endpoint'),
    refreshToken: requireStringField(answer.json, 'refreshToken', 'the token endpoint'),
  };
  if (typeof answer.json.profileArn === 'string') creds.profileArn = answer.json.profileArn;
  Object.assign(creds, { expiresAt: new Date(io.now() + numberField(answer.json, 'expiresIn', 3600) * 1000).toISOString(), authMethod: 'social', provider, region });
  return creds;
}

/**
 * Kiro logins (protocols.md §5.6–5.7): AWS Builder ID through SSO-OIDC's device code flow
 * (register client → device authorization → poll CreateToken), or Google/GitHub through Kiro's
 * auth service with PKCE and a loopback redirect. Writes a flattened kiro-auth-token.json (0600)
 * and adds a `claude-kiro-oauth` instance to the pools file.
 */
export async function loginKiro(options: KiroLoginOptions, io: LoginIo): Promise<LoginResult> {
  const region = options.region ?? 'us-east-1';
  const credsFile = path.resolve(options.credsFile ?? defaultKiroCredsFile());
  const creds =
    options.method === 'builder-id'
      ? await builderIdTokens(options, region, io)
      : await socialTokens(options, options.method === 'google' ? 'Google' : 'Github', region, io);
  await writeCredsFile(credsFile, creds);
  const { uuid, added } = await addPoolInstance({
    poolsFile: options.poolsFile,
    poolKey: KIRO_POOL_KEY,
    fields: { KIRO_OAUTH_CREDS_FILE_PATH: credsPathForPoolsFile(credsFile, options.poolsFile) },
    credsField: 'KIRO_OAUTH_CREDS_FILE_PATH',
    newUuid: io.newUuid,
  });
  return { credsFile, poolsFile: options.poolsFile, poolKey: KIRO_POOL_KEY, uuid, added };
}
