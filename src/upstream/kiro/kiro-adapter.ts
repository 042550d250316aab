import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { ChatRequest, StreamEvent } from '../../canonical/index.js';
import { InstanceConfigError, type InstanceRecord } from '../../config/instance-record.js';
import { kiroCredsFormat, type CredsJson } from '../../credentials/creds-file-formats.js';
import { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import { HttpUpstream, type ExchangeRequest } from '../http-upstream.js';
import { requireString } from '../parse-base-url.js';
import type { AdapterDeps, CallOptions, ProviderAdapter, UpstreamConnection } from '../provider-adapter.js';
import { readJsonBody } from '../read-json-body.js';
import { decodeKiroEventBatches } from './decode-event-stream.js';
import { decodeKiroUpstreamError, isKiroTokenRejection } from './decode-kiro-error.js';
import { decodeKiroStream } from './decode-kiro-stream.js';
import { collectStreamResponse } from './collect-stream-response.js';
import { encodeKiroRequest } from './encode-generate-assistant-request.js';
import { KIRO_DEFAULT_MODELS, kiroModelId, parseKiroModelMap } from './kiro-model-map.js';
import { kiroUsageLimitsError } from './kiro-usage-limits.js';
import {
  DEFAULT_KIRO_REFRESH_IDC_URL,
  DEFAULT_KIRO_REFRESH_URL,
  kiroClientCredentials,
  kiroLogin,
  kiroRegion,
  kiroTokenRefresher,
  withRegion,
} from './refresh-kiro-token.js';

export const DEFAULT_KIRO_BASE_URL = 'https://q.{region}.amazonaws.com';
const KIRO_VERSION = '0.7.45';
const SDK_VERSION = '1.0.34';

/** A URL field that may contain `{region}`; checked with a sample region so connect() stays offline. */
function urlTemplate(value: unknown, field: string, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') throw new InstanceConfigError(field, 'expected an http(s) URL (may contain {region})');
  let url: URL;
  try {
    url = withRegion(value.trim(), 'us-east-1');
  } catch {
    throw new InstanceConfigError(field, 'expected an http(s) URL (may contain {region})');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InstanceConfigError(field, 'expected an http(s) URL (may contain {region})');
  return value.trim();
}

function credsPath(value: unknown, baseDir: string): string {
  const raw = requireString(value, 'KIRO_OAUTH_CREDS_FILE_PATH');
  const expanded = raw === '~' || raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(1)) : raw;
  return path.resolve(baseDir, expanded);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

interface KiroSettings {
  credsPath: string;
  baseUrl: string;
  modelMap: Readonly<Record<string, string>>;
  refreshUrl: string;
  refreshIdcUrl: string;
}

function headersFor(token: string, machineId: string, json: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    ...(json ? { 'content-type': 'application/json' } : {}),
    accept: json ? 'application/vnd.amazon.eventstream' : 'application/json',
    'amz-sdk-invocation-id': randomUUID(),
    'amz-sdk-request': 'attempt=1; max=1',
    'x-amzn-codewhisperer-optout': 'true',
    'x-amzn-kiro-agent-mode': 'vibe',
    'x-amz-user-agent': `aws-sdk-js/${SDK_VERSION} KiroIDE-${KIRO_VERSION}-${machineId}`,
    'user-agent': `aws-sdk-js/${SDK_VERSION} ua/2.1 os/${process.platform} lang/js md/nodejs#${process.versions.node} api/codewhispererstreaming#${SDK_VERSION} m/E KiroIDE-${KIRO_VERSION}-${machineId}`,
  };
}

class KiroConnection implements UpstreamConnection {
  readonly #tokens: OAuthTokenSource;
  readonly #upstreams = new Map<string, HttpUpstream>();

  constructor(
    private readonly settings: KiroSettings,
    private readonly deps: AdapterDeps,
    private readonly uuid: string,
  ) {
    this.#tokens = new OAuthTokenSource({
      path: settings.credsPath,
      format: kiroCredsFormat,
      now: deps.now,
      refresh: kiroTokenRefresher({
        dispatcher: deps.dispatcher,
        credsPath: settings.credsPath,
        refreshUrl: settings.refreshUrl,
        refreshIdcUrl: settings.refreshIdcUrl,
        timeoutMs: Math.max(deps.timeouts.firstByteMs, 10_000),
        now: deps.now,
      }),
      onPersistError: (error) => deps.logger.warn({ instance: uuid, err: error.message }, 'could not persist refreshed Kiro credentials'),
    });
  }

  #upstream(creds: CredsJson): HttpUpstream {
    const url = withRegion(this.settings.baseUrl, kiroRegion(creds));
    const key = url.href;
    let upstream = this.#upstreams.get(key);
    if (!upstream) {
      upstream = new HttpUpstream(url, this.deps.dispatcher, this.deps.timeouts, decodeKiroUpstreamError, this.deps.now);
      this.#upstreams.set(key, upstream);
    }
    return upstream;
  }

  #machineId(creds: CredsJson): string {
    const seed = str(creds['machineId']) ?? str(creds['profileArn']) ?? str(creds['clientId']) ?? this.uuid;
    return createHash('sha256').update(seed).digest('hex');
  }

  /** profileArn for the request body: social logins only (Builder ID / IdC must omit it). */
  async #profileArn(creds: CredsJson): Promise<string | undefined> {
    // A refresh writes a new profileArn into the creds the token source hands out.
    const arn = str(creds['profileArn']);
    if (!arn) return undefined;
    const login = kiroLogin(creds, await kiroClientCredentials(creds, this.settings.credsPath));
    return login === 'social' ? arn : undefined;
  }

  /**
   * Sends one call with a fresh token; when Kiro rejects the token (401, or a 403 about the bearer
   * token), forces one refresh and tries exactly once more. The request's signal is read only when
   * something must be waited for (loading or refreshing the token): reading it makes an
   * AbortController per request (see ClientCancellation).
   */
  async #send<T>(
    build: (creds: Readonly<CredsJson>) => Promise<{ method: 'GET' | 'POST'; path: string; body?: string }>,
    options: CallOptions,
    transport: (http: HttpUpstream, request: ExchangeRequest) => Promise<T>,
  ): Promise<T> {
    let token = this.#tokens.freshAccessToken() ?? (await this.#tokens.getAccessToken(options.signal));
    const creds = this.#tokens.loadedCredsJson() ?? (await this.#tokens.getCredsJson(options.signal));
    const call = await build(creds);
    const http = this.#upstream(creds);
    const machineId = this.#machineId(creds);
    const attempt = (accessToken: string) =>
      transport(http, {
        method: call.method,
        path: call.path,
        headers: headersFor(accessToken, machineId, call.body !== undefined),
        ...(call.body !== undefined ? { body: call.body } : {}),
      });
    try {
      return await attempt(token);
    } catch (error) {
      if (!isKiroTokenRejection(error)) throw error;
      this.deps.logger.debug({ instance: this.uuid }, 'Kiro rejected the access token; refreshing once');
      token = await this.#tokens.forceRefresh(token, options.signal);
      return await attempt(token);
    }
  }

  async #events(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamEvent>> {
    let encoded: ReturnType<typeof encodeKiroRequest> | undefined;
    const body = await this.#send(
      async (creds) => {
        encoded = encodeKiroRequest(request, {
          modelId: kiroModelId(request.model, this.settings.modelMap),
          conversationId: randomUUID(),
          profileArn: await this.#profileArn(creds),
        });
        return { method: 'POST', path: '/generateAssistantResponse', body: JSON.stringify(encoded.body) };
      },
      options,
      (http, call) => http.openStream(call, options),
    );
    // The exchange's body fails with classified errors (a client that left is client_closed).
    return decodeKiroStream(decodeKiroEventBatches(body), {
      id: `msg_kiro_${randomUUID().replaceAll('-', '')}`,
      model: request.model,
      toolNames: encoded!.toolNames,
      estimatedInputTokens: encoded!.estimatedInputTokens,
      now: this.deps.now,
    });
  }

  async generate(request: ChatRequest, options: CallOptions) {
    return collectStreamResponse(await this.#events(request, options));
  }

  async stream(request: ChatRequest, options: CallOptions) {
    return this.#events(request, options);
  }

  /**
   * `GET /getUsageLimits`: proves the token works (refreshing it if needed) and that quota is
   * left, without spending a credit on a generation.
   */
  async probe(_model: string, options: CallOptions): Promise<void> {
    const body = await this.#send(
      async (creds) => {
        const query = new URLSearchParams({ isEmailRequired: 'false', origin: 'AI_EDITOR', resourceType: 'AGENTIC_REQUEST' });
        const arn = await this.#profileArn(creds);
        if (arn) query.set('profileArn', arn);
        return { method: 'GET', path: `/getUsageLimits?${query.toString()}` };
      },
      options,
      async (http, call) => readJsonBody(await http.request({ ...call, signal: options.signal }), options.signal),
    );
    const exhausted = kiroUsageLimitsError(body, this.deps.now());
    if (exhausted) throw exhausted;
  }

  async close(): Promise<void> {
    // Connections belong to the shared agent.
  }
}

/**
 * Kiro (AWS CodeWhisperer / Amazon Q streaming backend) over a Kiro IDE OAuth login:
 * `KIRO_OAUTH_CREDS_FILE_PATH` (relative to the pools file), optional `KIRO_BASE_URL`,
 * `KIRO_REFRESH_URL`, `KIRO_REFRESH_IDC_URL` (each may contain `{region}`) and `KIRO_MODEL_MAP`.
 */
export const kiroAdapter: ProviderAdapter = {
  type: 'claude-kiro-oauth',
  wireFormat: 'kiro',
  defaultCheckModel: 'claude-sonnet-4-5',
  defaultModels: KIRO_DEFAULT_MODELS,
  connectionFields: ['KIRO_OAUTH_CREDS_FILE_PATH', 'KIRO_BASE_URL', 'KIRO_REFRESH_URL', 'KIRO_REFRESH_IDC_URL', 'KIRO_MODEL_MAP'],
  connect(record: InstanceRecord, deps: AdapterDeps) {
    const settings: KiroSettings = {
      credsPath: credsPath(record.KIRO_OAUTH_CREDS_FILE_PATH, deps.baseDir),
      baseUrl: urlTemplate(record.KIRO_BASE_URL, 'KIRO_BASE_URL', DEFAULT_KIRO_BASE_URL),
      refreshUrl: urlTemplate(record.KIRO_REFRESH_URL, 'KIRO_REFRESH_URL', DEFAULT_KIRO_REFRESH_URL),
      refreshIdcUrl: urlTemplate(record.KIRO_REFRESH_IDC_URL, 'KIRO_REFRESH_IDC_URL', DEFAULT_KIRO_REFRESH_IDC_URL),
      modelMap: parseKiroModelMap(record.KIRO_MODEL_MAP),
    };
    return new KiroConnection(settings, deps, record.uuid);
  },
};
