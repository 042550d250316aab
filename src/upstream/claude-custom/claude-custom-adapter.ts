import type { ChatRequest } from '../../canonical/index.js';
import type { InstanceRecord } from '../../config/instance-record.js';
import { HttpUpstream } from '../http-upstream.js';
import { parseBaseUrl, requireString } from '../parse-base-url.js';
import type { AdapterDeps, CallOptions, ForwardRequest, ProviderAdapter, UpstreamConnection } from '../provider-adapter.js';
import { forwardVia } from '../forward-via.js';
import { modelListIds } from '../model-list-ids.js';
import { readJsonBody } from '../read-json-body.js';
import { decodeAnthropicUpstreamError } from './decode-anthropic-error.js';
import { decodeAnthropicUpstreamResponse } from './decode-messages-response.js';
import { decodeAnthropicUpstreamStream } from './decode-messages-stream.js';
import { encodeAnthropicUpstreamRequest } from './encode-messages-request.js';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** The seed's example has no `/v1`; others write it. Either way exactly one `/v1`. */
export function anthropicBaseUrl(value: unknown): URL {
  const url = parseBaseUrl(value, 'CLAUDE_BASE_URL');
  const trimmed = url.pathname.replace(/\/+$/, '');
  url.pathname = trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
  return url;
}

function headersFor(apiKey: string, stream: boolean, extra?: Record<string, string>): Record<string, string> {
  return {
    'anthropic-version': DEFAULT_ANTHROPIC_VERSION,
    ...extra,
    'x-api-key': apiKey,
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
}

/** One Anthropic instance's connection; a class for the memory reason given on OpenAICompatibleConnection. */
class ClaudeConnection implements UpstreamConnection {
  readonly #plain: Record<string, string>;
  readonly #stream: Record<string, string>;

  constructor(
    private readonly http: HttpUpstream,
    private readonly apiKey: string,
  ) {
    this.#plain = headersFor(apiKey, false);
    this.#stream = headersFor(apiKey, true);
  }

  async generate(request: ChatRequest, options: CallOptions) {
    const body = JSON.stringify(encodeAnthropicUpstreamRequest({ ...request, stream: false }));
    return decodeAnthropicUpstreamResponse(await this.http.postJson('/messages', this.#plain, body, options));
  }

  async stream(request: ChatRequest, options: CallOptions) {
    const body = JSON.stringify(encodeAnthropicUpstreamRequest({ ...request, stream: true }));
    return decodeAnthropicUpstreamStream(await this.http.openStream({ method: 'POST', path: '/messages', headers: this.#stream, body }, options));
  }

  forward(request: ForwardRequest, options: CallOptions) {
    return forwardVia(this.http, request, headersFor(this.apiKey, request.stream, request.headers), options);
  }

  async probe(model: string, options: CallOptions) {
    const body = JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] });
    const response = await this.http.request({ method: 'POST', path: '/messages', headers: this.#plain, body, signal: options.signal });
    await response.body.dump();
  }

  async listModels(options: CallOptions) {
    const response = await this.http.request({ method: 'GET', path: '/models', headers: this.#plain, signal: options.signal });
    return modelListIds(await readJsonBody(response, options.signal), 'Anthropic upstream');
  }

  async close() {
    // Connections belong to the shared agent.
  }
}

/** An Anthropic Messages upstream: `CLAUDE_BASE_URL` (with or without `/v1`) and `CLAUDE_API_KEY`. */
export const claudeCustomAdapter: ProviderAdapter = {
  type: 'claude-custom',
  wireFormat: 'anthropic',
  defaultCheckModel: 'claude-haiku-4-5',
  defaultModels: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'],
  connectionFields: ['CLAUDE_BASE_URL', 'CLAUDE_API_KEY'],
  connect(record: InstanceRecord, deps: AdapterDeps) {
    const apiKey = requireString(record.CLAUDE_API_KEY, 'CLAUDE_API_KEY');
    const http = new HttpUpstream(anthropicBaseUrl(record.CLAUDE_BASE_URL), deps.dispatcher, deps.timeouts, decodeAnthropicUpstreamError, deps.now);
    return new ClaudeConnection(http, apiKey);
  },
};
