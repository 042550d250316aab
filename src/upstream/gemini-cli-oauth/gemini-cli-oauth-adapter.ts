import { GEMINI_CLI_CLIENT_ID, GEMINI_CLI_CLIENT_SECRET } from './gemini-cli-client.js';
import path from 'node:path';
import { GatewayError, isGatewayError, type ChatRequest, type ChatResponse, type StreamEvent } from '../../canonical/index.js';
import { InstanceConfigError, type InstanceRecord } from '../../config/instance-record.js';
import { googleCredsFormat } from '../../credentials/creds-file-formats.js';
import { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import { SingleFlightRefresher, waitWithSignal } from '../../credentials/single-flight-refresher.js';
import type { CodeAssistCountTokensResponse } from '../../wire/code-assist/index.js';
import { decodeGeminiUpstreamResponse } from '../gemini/decode-generate-content-response.js';
import { decodeGeminiUpstreamStream } from '../gemini/decode-generate-content-stream.js';
import { HttpUpstream } from '../http-upstream.js';
import { parseBaseUrl, requireString } from '../parse-base-url.js';
import type { AdapterDeps, CallOptions, ProviderAdapter, UpstreamConnection } from '../provider-adapter.js';
import { readJsonBody } from '../read-json-body.js';
import { CODE_ASSIST_API_PATH, CodeAssistClient } from './code-assist-client.js';
import { decodeCodeAssistUpstreamError } from './decode-code-assist-error.js';
import { abortableSleep, DEFAULT_ONBOARD_POLL_DELAYS_MS, discoverCodeAssistProject } from './discover-project.js';
import { encodeCodeAssistCountTokensProbe, encodeCodeAssistRequest } from './encode-code-assist-request.js';
import { createGoogleTokenRefresher, GOOGLE_TOKEN_URL } from './refresh-google-token.js';
import { unwrapCodeAssistChunk, unwrapCodeAssistResponse } from './unwrap-code-assist-response.js';

export const DEFAULT_CODE_ASSIST_BASE_URL = 'https://cloudcode-pa.googleapis.com';

/** Bounds the shared project discovery (loadCodeAssist + onboarding polls), whoever waits on it. */
const DEFAULT_DISCOVERY_TIMEOUT_MS = 3 * 60_000;

/** cloudcode-pa has no models list (protocols.md §4.1); availability depends on the tier. */
const CODE_ASSIST_MODELS = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-3.1-pro-preview',
  'gemini-3.1-flash-lite-preview',
  'gemini-3.5-flash',
] as const;

export interface GeminiCliOAuthSettings {
  credsPath: string;
  projectId: string | undefined;
  baseUrl: URL;
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new InstanceConfigError(field, 'expected a non-empty string');
  return value.trim();
}

/** `GEMINI_BASE_URL` may be written with or without `/v1internal`; calls add it. */
function codeAssistBaseUrl(value: unknown): URL {
  const url = parseBaseUrl(value ?? DEFAULT_CODE_ASSIST_BASE_URL, 'GEMINI_BASE_URL');
  const trimmed = url.pathname.replace(/\/+$/, '');
  url.pathname = trimmed.endsWith(CODE_ASSIST_API_PATH) ? trimmed.slice(0, -CODE_ASSIST_API_PATH.length) : trimmed;
  return url;
}

/**
 * Validates one instance's fields; no I/O. protocols.md does not give gemini-cli's public
 * installed-app OAuth client, so poolgate ships no default: `GEMINI_OAUTH_CLIENT_ID` and
 * `GEMINI_OAUTH_CLIENT_SECRET` are required to refresh. They are not demanded here, because the
 * seed's pools files carry only the creds path and PROJECT_ID and one such instance must not stop
 * the whole file from loading: without them the instance serves while its access token is valid
 * and a refresh fails with an `authentication` error naming the missing fields.
 */
export function readGeminiCliOAuthSettings(record: InstanceRecord, baseDir: string): GeminiCliOAuthSettings {
  const credsFile = requireString(record.GEMINI_OAUTH_CREDS_FILE_PATH, 'GEMINI_OAUTH_CREDS_FILE_PATH');
  const projectId = optionalString(record.PROJECT_ID, 'PROJECT_ID');
  if (projectId !== undefined && /^\d+$/.test(projectId)) {
    throw new InstanceConfigError('PROJECT_ID', 'expected a project id, not a numeric project number');
  }
  return {
    credsPath: path.resolve(baseDir, credsFile),
    projectId,
    baseUrl: codeAssistBaseUrl(record.GEMINI_BASE_URL),
    tokenUrl: parseBaseUrl(record.GEMINI_OAUTH_TOKEN_URL ?? GOOGLE_TOKEN_URL, 'GEMINI_OAUTH_TOKEN_URL'),
    clientId: optionalString(record.GEMINI_OAUTH_CLIENT_ID, 'GEMINI_OAUTH_CLIENT_ID') ?? GEMINI_CLI_CLIENT_ID,
    clientSecret: optionalString(record.GEMINI_OAUTH_CLIENT_SECRET, 'GEMINI_OAUTH_CLIENT_SECRET') ?? GEMINI_CLI_CLIENT_SECRET,
  };
}

export interface GeminiCliOAuthAdapterOptions {
  /** Delays before each poll of the onboarding operation (tests shorten them). */
  onboardPollDelaysMs?: readonly number[];
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  discoveryTimeoutMs?: number;
}

/** One gemini-cli-oauth instance: a Google login, its Code Assist project, its token source. */
export class GeminiCliOAuthConnection implements UpstreamConnection {
  readonly #settings: GeminiCliOAuthSettings;
  readonly #deps: AdapterDeps;
  readonly #uuid: string;
  readonly #options: GeminiCliOAuthAdapterOptions;
  readonly #client: CodeAssistClient;
  readonly #discovery = new SingleFlightRefresher<string>();
  #tokens: OAuthTokenSource | undefined;
  #project: string | undefined;

  constructor(uuid: string, settings: GeminiCliOAuthSettings, deps: AdapterDeps, options: GeminiCliOAuthAdapterOptions = {}) {
    this.#uuid = uuid;
    this.#settings = settings;
    this.#deps = deps;
    this.#options = options;
    this.#project = settings.projectId;
    const http = new HttpUpstream(settings.baseUrl, deps.dispatcher, deps.timeouts, decodeCodeAssistUpstreamError, deps.now);
    this.#client = new CodeAssistClient(http, () => this.#tokenSource());
  }

  /** Created on first use, so connecting an instance touches neither the file nor the network. */
  #tokenSource(): OAuthTokenSource {
    this.#tokens ??= new OAuthTokenSource({
      path: this.#settings.credsPath,
      format: googleCredsFormat,
      now: this.#deps.now,
      refresh: createGoogleTokenRefresher({
        tokenUrl: this.#settings.tokenUrl,
        clientId: this.#settings.clientId,
        clientSecret: this.#settings.clientSecret,
        dispatcher: this.#deps.dispatcher,
        timeouts: this.#deps.timeouts,
        now: this.#deps.now,
      }),
      onPersistError: (error) => this.#deps.logger.warn({ instance: this.#uuid, err: error.message }, 'refreshed Google credentials could not be written back'),
    });
    return this.#tokens;
  }

  /**
   * The configured PROJECT_ID, else the discovered one: discovery runs once for all concurrent
   * callers, is remembered in memory and written back to provider_pools.json. A failed discovery
   * is not remembered; the next call tries again.
   */
  async project(signal: AbortSignal): Promise<string> {
    if (this.#project !== undefined) return this.#project;
    const found = await waitWithSignal(
      this.#discovery.run(() => this.#discover()),
      signal,
    );
    return found;
  }

  async #discover(): Promise<string> {
    const signal = AbortSignal.timeout(this.#options.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS);
    let project: string;
    try {
      project = await discoverCodeAssistProject(this.#client, {
        signal,
        sleep: this.#options.sleep ?? abortableSleep,
        pollDelaysMs: this.#options.onboardPollDelaysMs ?? DEFAULT_ONBOARD_POLL_DELAYS_MS,
      });
    } catch (error) {
      if (isGatewayError(error) && error.code !== 'client_closed') throw error;
      throw new GatewayError('upstream_timeout', 'Code Assist project discovery timed out', { cause: error });
    }
    this.#project = project;
    this.#deps.logger.info({ instance: this.#uuid, project }, 'discovered the Code Assist project');
    this.#deps.persistFields(this.#uuid, { PROJECT_ID: project });
    return project;
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const project = this.#project ?? (await this.project(options.signal));
    const answer = await this.#client.generateJson(
      { path: ':generateContent', body: encodeCodeAssistRequest({ ...request, stream: false }, project), model: request.model },
      options,
    );
    return decodeGeminiUpstreamResponse(unwrapCodeAssistResponse(answer), { now: this.#deps.now });
  }

  async stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamEvent>> {
    // A known project is used as is: reading options.signal would make an AbortSignal for nothing.
    const project = this.#project ?? (await this.project(options.signal));
    const body = await this.#client.openStream(
      { path: ':streamGenerateContent?alt=sse', body: encodeCodeAssistRequest({ ...request, stream: true }, project), model: request.model },
      options,
    );
    return decodeGeminiUpstreamStream(body, { now: this.#deps.now, unwrapChunk: unwrapCodeAssistChunk });
  }

  /** `:countTokens` for one short text; `totalTokens` of the answer. */
  async countTokens(model: string, options: CallOptions): Promise<number> {
    const response = await this.#client.call({ method: 'POST', path: ':countTokens', body: encodeCodeAssistCountTokensProbe(model), model, signal: options.signal });
    const body = (await readJsonBody(response, options.signal)) as Partial<CodeAssistCountTokensResponse>;
    return typeof body.totalTokens === 'number' ? body.totalTokens : 0;
  }

  /**
   * Proves the account can serve `model` without spending its quota: the token source yields a
   * valid access token (refreshing it when expired — the step that brings an instance back after
   * a failed refresh), the project is known (discovered once, then free), and `countTokens`,
   * which is not billed and does not count against the generate quota, shows cloudcode-pa
   * accepts the token for that model. A 1-token generate would burn a request of a small daily
   * allowance; loadCodeAssist would prove the login but not the model.
   */
  async probe(model: string, options: CallOptions): Promise<void> {
    await this.project(options.signal);
    await this.countTokens(model, options);
  }

  async close(): Promise<void> {
    // Connections belong to the shared agent; the token source holds no handles.
  }
}

export function createGeminiCliOAuthAdapter(options: GeminiCliOAuthAdapterOptions = {}): ProviderAdapter {
  return {
    type: 'gemini-cli-oauth',
    wireFormat: 'code-assist',
    defaultCheckModel: 'gemini-2.5-flash',
    defaultModels: CODE_ASSIST_MODELS,
    connectionFields: [
      'GEMINI_OAUTH_CREDS_FILE_PATH',
      'PROJECT_ID',
      'GEMINI_BASE_URL',
      'GEMINI_OAUTH_TOKEN_URL',
      'GEMINI_OAUTH_CLIENT_ID',
      'GEMINI_OAUTH_CLIENT_SECRET',
    ],
    connect(record: InstanceRecord, deps: AdapterDeps) {
      const settings = readGeminiCliOAuthSettings(record, deps.baseDir);
      return new GeminiCliOAuthConnection(record.uuid, settings, deps, options);
    },
  };
}

/**
 * Google Code Assist (`cloudcode-pa`, the backend of gemini-cli) through an OAuth login:
 * `GEMINI_OAUTH_CREDS_FILE_PATH`, `GEMINI_OAUTH_CLIENT_ID`/`_SECRET`, optional `PROJECT_ID`,
 * `GEMINI_BASE_URL`, `GEMINI_OAUTH_TOKEN_URL`. No fast path: no client speaks Code Assist.
 */
export const geminiCliOAuthAdapter: ProviderAdapter = createGeminiCliOAuthAdapter();
