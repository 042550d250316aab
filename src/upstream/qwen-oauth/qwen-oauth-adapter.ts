import path from 'node:path';
import type { InstanceRecord } from '../../config/instance-record.js';
import { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import { qwenCredsFormat } from '../../credentials/creds-file-formats.js';
import { parseBaseUrl, requireString } from '../parse-base-url.js';
import type { AdapterDeps, ProviderAdapter } from '../provider-adapter.js';
import { decodeQwenUpstreamError } from './decode-qwen-error.js';
import { qwenRequestHeaders } from './qwen-headers.js';
import { createQwenOAuthConnection } from './qwen-oauth-connection.js';
import { QWEN_OAUTH_CLIENT_ID, QWEN_OAUTH_DEFAULT_BASE_URL } from './qwen-oauth-constants.js';
import { createQwenTokenRefresher } from './refresh-qwen-token.js';

const REFRESH_TIMEOUT_MS = 30_000;

function optionalUrl(value: unknown, field: string): URL | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseBaseUrl(value, field);
}

/**
 * `openai-qwen-oauth`: Qwen Code's OAuth login (protocols.md §6). The creds file
 * (`QWEN_OAUTH_CREDS_FILE_PATH`, relative to the pools file) holds the tokens and the host to call;
 * `QWEN_BASE_URL` and `QWEN_OAUTH_BASE_URL` override the chat and the OAuth server per instance.
 */
export const qwenOAuthAdapter: ProviderAdapter = {
  type: 'openai-qwen-oauth',
  wireFormat: 'openai',
  defaultCheckModel: 'coder-model',
  defaultModels: ['coder-model', 'vision-model', 'qwen3-coder-plus', 'qwen3-coder-flash'],
  connectionFields: ['QWEN_OAUTH_CREDS_FILE_PATH', 'QWEN_BASE_URL', 'QWEN_OAUTH_BASE_URL'],
  connect(record: InstanceRecord, deps: AdapterDeps) {
    const credsPath = path.resolve(deps.baseDir, requireString(record.QWEN_OAUTH_CREDS_FILE_PATH, 'QWEN_OAUTH_CREDS_FILE_PATH'));
    const fixedBaseUrl = optionalUrl(record.QWEN_BASE_URL, 'QWEN_BASE_URL');
    const oauthBaseUrl = optionalUrl(record.QWEN_OAUTH_BASE_URL, 'QWEN_OAUTH_BASE_URL') ?? new URL(QWEN_OAUTH_DEFAULT_BASE_URL);
    let refreshedResourceUrl: string | undefined;
    const tokens = new OAuthTokenSource({
      path: credsPath,
      format: qwenCredsFormat,
      now: deps.now,
      refresh: createQwenTokenRefresher({
        dispatcher: deps.dispatcher,
        oauthBaseUrl,
        clientId: QWEN_OAUTH_CLIENT_ID,
        now: deps.now,
        timeoutMs: REFRESH_TIMEOUT_MS,
        onResourceUrl: (url) => {
          refreshedResourceUrl = url;
        },
      }),
      onPersistError: (error) => deps.logger.warn({ instance: record.uuid, err: error.message }, 'refreshed Qwen tokens could not be written back'),
    });
    return createQwenOAuthConnection({
      tokens,
      fixedBaseUrl,
      refreshedResourceUrl: () => refreshedResourceUrl,
      dispatcher: deps.dispatcher,
      timeouts: deps.timeouts,
      decodeError: decodeQwenUpstreamError,
      now: deps.now,
      headers: qwenRequestHeaders(),
    });
  },
};
