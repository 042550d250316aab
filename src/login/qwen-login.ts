import { homedir } from 'node:os';
import path from 'node:path';
import {
  QWEN_DEVICE_CODE_GRANT,
  QWEN_DEVICE_CODE_PATH,
  QWEN_OAUTH_CLIENT_ID,
  QWEN_OAUTH_DEFAULT_BASE_URL,
  QWEN_OAUTH_SCOPE,
  QWEN_TOKEN_PATH,
} from '../upstream/qwen-oauth/qwen-oauth-constants.js';
import { addPoolInstance, credsPathForPoolsFile } from './add-pool-instance.js';
import { LoginError } from './login-error.js';
import type { LoginIo, LoginResult } from './login-io.js';
import { describeOAuthError, numberField, postForm, requireStringField } from './oauth-http.js';
import { createPkce } from './pkce.js';
import { pollDeviceToken, type DevicePollAnswer } from './poll-device-token.js';
import { writeCredsFile } from './write-creds-file.js';

export const QWEN_POOL_KEY = 'openai-qwen-oauth';

export interface QwenLoginOptions {
  /** Default https://chat.qwen.ai; the two endpoints below default to paths under it. */
  oauthBaseUrl?: string;
  deviceCodeUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  /** Default ~/.qwen/oauth_creds.json. */
  credsFile?: string;
  poolsFile: string;
  /** First wait between token polls; default 2 s (×1.5 on slow_down, at most 10 s). */
  pollIntervalMs?: number;
}

export function defaultQwenCredsFile(): string {
  return path.join(homedir(), '.qwen', 'oauth_creds.json');
}

/**
 * Qwen Code's device authorization with PKCE S256 (protocols.md §6.1): asks for a device code,
 * prints the verification URL and user code, polls the token endpoint until the user approves,
 * writes `oauth_creds.json` (0600) and adds an `openai-qwen-oauth` instance to the pools file.
 */
export async function loginQwen(options: QwenLoginOptions, io: LoginIo): Promise<LoginResult> {
  const base = (options.oauthBaseUrl ?? QWEN_OAUTH_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const deviceCodeUrl = options.deviceCodeUrl ?? `${base}${QWEN_DEVICE_CODE_PATH}`;
  const tokenUrl = options.tokenUrl ?? `${base}${QWEN_TOKEN_PATH}`;
  const clientId = options.clientId ?? QWEN_OAUTH_CLIENT_ID;
  const credsFile = path.resolve(options.credsFile ?? defaultQwenCredsFile());
  const pkce = createPkce();

  const device = await postForm(deviceCodeUrl, { client_id: clientId, scope: QWEN_OAUTH_SCOPE, code_challenge: pkce.challenge, code_challenge_method: pkce.method });
  if (device.status !== 200) throw new LoginError(`the device authorization request failed: ${describeOAuthError(device)}`);
  const deviceCode = requireStringField(device.json, 'device_code', 'the device authorization endpoint');
  const userCode = requireStringField(device.json, 'user_code', 'the device authorization endpoint');
  const verificationUri = typeof device.json.verification_uri_complete === 'string' ? device.json.verification_uri_complete : requireStringField(device.json, 'verification_uri', 'the device authorization endpoint');
  const startedAt = io.now();
  const deadlineMs = startedAt + numberField(device.json, 'expires_in', 900) * 1000;

  io.out('Open this URL in a browser and approve the login:');
  io.out(`  ${verificationUri}`);
  io.out(`User code: ${userCode}`);
  io.out('Waiting for approval...');

  const token = await pollDeviceToken<Record<string, unknown>>({
    intervalMs: options.pollIntervalMs ?? 2000,
    maxIntervalMs: 10_000,
    slowDownFactor: 1.5,
    deadlineMs,
    io,
    poll: async (): Promise<DevicePollAnswer<Record<string, unknown>>> => {
      const answer = await postForm(tokenUrl, { grant_type: QWEN_DEVICE_CODE_GRANT, client_id: clientId, device_code: deviceCode, code_verifier: pkce.verifier });
      if (answer.status === 200) return { kind: 'done', value: answer.json };
      const error = answer.json.error;
      if (error === 'authorization_pending') return { kind: 'pending' };
      if (error === 'slow_down') return { kind: 'slow_down' };
      if (error === 'expired_token') return { kind: 'failed', reason: 'the device code expired before the login was approved; run the login again' };
      if (error === 'access_denied') return { kind: 'failed', reason: 'the login was denied' };
      return { kind: 'failed', reason: `the token endpoint refused the login: ${describeOAuthError(answer)}` };
    },
  });

  const accessToken = requireStringField(token, 'access_token', 'the token endpoint');
  const refreshToken = requireStringField(token, 'refresh_token', 'the token endpoint');
  const creds: Record<string, unknown> = {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: typeof token.token_type === 'string' ? token.token_type : 'Bearer',
    resource_url: typeof token.resource_url === 'string' ? token.resource_url : 'portal.qwen.ai',
    expiry_date: io.now() + numberField(token, 'expires_in', 3600) * 1000,
  };
  if (typeof token.id_token === 'string') creds.id_token = token.id_token;
  await writeCredsFile(credsFile, creds);

  const { uuid, added } = await addPoolInstance({
    poolsFile: options.poolsFile,
    poolKey: QWEN_POOL_KEY,
    fields: { QWEN_OAUTH_CREDS_FILE_PATH: credsPathForPoolsFile(credsFile, options.poolsFile) },
    credsField: 'QWEN_OAUTH_CREDS_FILE_PATH',
    newUuid: io.newUuid,
  });
  return { credsFile, poolsFile: options.poolsFile, poolKey: QWEN_POOL_KEY, uuid, added };
}
