import { homedir } from 'node:os';
import path from 'node:path';
import { addPoolInstance, credsPathForPoolsFile } from './add-pool-instance.js';
import { LoginError } from './login-error.js';
import type { LoginIo, LoginResult } from './login-io.js';
import { startLoopbackRedirect } from './loopback-redirect.js';
import { describeOAuthError, numberField, postForm, requireStringField } from './oauth-http.js';
import { createPkce, createState } from './pkce.js';
import { writeCredsFile } from './write-creds-file.js';
// gemini-cli's public "installed application" OAuth client (protocols.md §4.7; installed-app
// secrets are not confidential; overridable with --client-id / --client-secret) and Google's token
// endpoint, shared with the adapter's refresher.
import { GEMINI_CLI_CLIENT_ID, GEMINI_CLI_CLIENT_SECRET, GOOGLE_TOKEN_URL } from '../upstream/gemini-cli-oauth/gemini-cli-client.js';

export const GEMINI_POOL_KEY = 'gemini-cli-oauth';

export const GOOGLE_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GEMINI_SCOPES = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
  'openid',
];

export interface GeminiLoginOptions {
  authUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** Default ~/.gemini/oauth_creds.json. */
  credsFile?: string;
  poolsFile: string;
  /** Written as the instance's PROJECT_ID when given (otherwise the adapter discovers it). */
  projectId?: string;
  /** Loopback port; default 0 (random). */
  port?: number;
  /** How long to wait for the redirect; default 5 minutes. */
  timeoutMs?: number;
}

export function defaultGeminiCredsFile(): string {
  return path.join(homedir(), '.gemini', 'oauth_creds.json');
}

/**
 * Google's loopback OAuth with PKCE (RFC 8252): a one-shot server on 127.0.0.1 receives the code,
 * the `state` is checked, the code is exchanged at the token URL, `oauth_creds.json` is written
 * (0600, google-auth-library shape, `expiry_date` in epoch ms) and a `gemini-cli-oauth` instance is
 * added to the pools file.
 */
export async function loginGemini(options: GeminiLoginOptions, io: LoginIo): Promise<LoginResult> {
  const clientId = options.clientId ?? GEMINI_CLI_CLIENT_ID;
  const clientSecret = options.clientSecret ?? GEMINI_CLI_CLIENT_SECRET;
  const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
  const credsFile = path.resolve(options.credsFile ?? defaultGeminiCredsFile());
  const pkce = createPkce();
  const state = createState();
  const loopback = await startLoopbackRedirect({ callbackPath: '/oauth2callback', state, port: options.port ?? 0, timeoutMs: options.timeoutMs ?? 5 * 60_000 });

  let code: string;
  try {
    const authUrl = new URL(options.authUrl ?? GOOGLE_AUTH_URL);
    authUrl.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: loopback.redirectUri,
      response_type: 'code',
      scope: GEMINI_SCOPES.join(' '),
      access_type: 'offline',
      prompt: 'consent',
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
      state,
    }).toString();
    io.out('Open this URL in a browser and sign in with your Google account:');
    io.out(`  ${authUrl.href}`);
    io.out(`Waiting for the redirect to ${loopback.redirectUri} ...`);
    code = await loopback.code;
  } finally {
    await loopback.close();
  }

  const answer = await postForm(tokenUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: loopback.redirectUri,
    client_id: clientId,
    client_secret: clientSecret,
    code_verifier: pkce.verifier,
  });
  if (answer.status !== 200) throw new LoginError(`the code exchange failed: ${describeOAuthError(answer)}`);
  const creds: Record<string, unknown> = {
    access_token: requireStringField(answer.json, 'access_token', 'the token endpoint'),
    refresh_token: requireStringField(answer.json, 'refresh_token', 'the token endpoint'),
    scope: typeof answer.json.scope === 'string' ? answer.json.scope : GEMINI_SCOPES.join(' '),
    token_type: typeof answer.json.token_type === 'string' ? answer.json.token_type : 'Bearer',
    expiry_date: io.now() + numberField(answer.json, 'expires_in', 3599) * 1000,
  };
  if (typeof answer.json.id_token === 'string') creds.id_token = answer.json.id_token;
  await writeCredsFile(credsFile, creds);

  const fields: Record<string, unknown> = { GEMINI_OAUTH_CREDS_FILE_PATH: credsPathForPoolsFile(credsFile, options.poolsFile) };
  if (options.projectId) fields.PROJECT_ID = options.projectId;
  const { uuid, added } = await addPoolInstance({ poolsFile: options.poolsFile, poolKey: GEMINI_POOL_KEY, fields, credsField: 'GEMINI_OAUTH_CREDS_FILE_PATH', newUuid: io.newUuid });
  return { credsFile, poolsFile: options.poolsFile, poolKey: GEMINI_POOL_KEY, uuid, added };
}
