import type { ChatRequest } from '../../canonical/index.js';
import type { InstanceRecord } from '../../config/instance-record.js';
import { HttpUpstream } from '../http-upstream.js';
import { parseBaseUrl, requireString } from '../parse-base-url.js';
import type { AdapterDeps, CallOptions, ForwardRequest, ProviderAdapter, UpstreamConnection } from '../provider-adapter.js';
import { forwardVia } from '../forward-via.js';
import { modelListIds } from '../model-list-ids.js';
import { readJsonBody } from '../read-json-body.js';
import { decodeOpenAIUpstreamResponse } from './decode-chat-response.js';
import { decodeOpenAIUpstreamStream } from './decode-chat-stream.js';
import { decodeOpenAIUpstreamError } from './decode-openai-error.js';
import { encodeOpenAIUpstreamRequest } from './encode-chat-request.js';

/** Headers of the client's request an OpenAI-compatible upstream may care about. */
function jsonHeaders(apiKey: string, stream: boolean, extra?: Record<string, string>): Record<string, string> {
  return {
    ...extra,
    authorization: `Bearer ${apiKey}`,
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
}

function hasEntries(headers: Record<string, string>): boolean {
  for (const _ in headers) return true;
  return false;
}

/**
 * An OpenAI-compatible upstream: `OPENAI_BASE_URL` (including `/v1`) and `OPENAI_API_KEY`.
 * A class, not an object of closures: a pool holds one per instance, and seven closures and their
 * context came to about half a kilobyte each, some 5 MB of heap for a pool of 10,000.
 */
export class OpenAICompatibleConnection implements UpstreamConnection {
  // Built once: generate/stream/probe and most forwards (OpenAI clients pass no headers through) reuse these.
  readonly #forwardStream: Record<string, string>;
  readonly #forwardPlain: Record<string, string>;

  constructor(
    private readonly http: HttpUpstream,
    private readonly apiKey: string,
    private readonly extraHeaders?: Record<string, string>,
  ) {
    this.#forwardStream = jsonHeaders(apiKey, true, extraHeaders);
    this.#forwardPlain = jsonHeaders(apiKey, false, extraHeaders);
  }

  async generate(request: ChatRequest, options: CallOptions) {
    const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: false }));
    return decodeOpenAIUpstreamResponse(await this.http.postJson('/chat/completions', this.#forwardPlain, body, options));
  }

  async stream(request: ChatRequest, options: CallOptions) {
    const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: true }));
    return decodeOpenAIUpstreamStream(await this.http.openStream({ method: 'POST', path: '/chat/completions', headers: this.#forwardStream, body }, options));
  }

  forward(request: ForwardRequest, options: CallOptions) {
    const headers = hasEntries(request.headers)
      ? jsonHeaders(this.apiKey, request.stream, { ...this.extraHeaders, ...request.headers })
      : request.stream
        ? this.#forwardStream
        : this.#forwardPlain;
    return forwardVia(this.http, request, headers, options);
  }

  async probe(model: string, options: CallOptions) {
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
    const response = await this.http.request({ method: 'POST', path: '/chat/completions', headers: this.#forwardPlain, body, signal: options.signal });
    await response.body.dump();
  }

  async listModels(options: CallOptions) {
    const response = await this.http.request({ method: 'GET', path: '/models', headers: jsonHeaders(this.apiKey, false), signal: options.signal });
    return modelListIds(await readJsonBody(response, options.signal), 'OpenAI-compatible upstream');
  }

  async close() {
    // Connections belong to the shared agent; nothing per instance to release.
  }
}

export const openAICustomAdapter: ProviderAdapter = {
  type: 'openai-custom',
  wireFormat: 'openai',
  defaultCheckModel: 'gpt-4o-mini',
  defaultModels: ['gpt-4o', 'gpt-4o-mini'],
  connectionFields: ['OPENAI_BASE_URL', 'OPENAI_API_KEY'],
  connect(record: InstanceRecord, deps: AdapterDeps) {
    const baseUrl = parseBaseUrl(record.OPENAI_BASE_URL, 'OPENAI_BASE_URL');
    const apiKey = requireString(record.OPENAI_API_KEY, 'OPENAI_API_KEY');
    const http = new HttpUpstream(baseUrl, deps.dispatcher, deps.timeouts, decodeOpenAIUpstreamError, deps.now);
    return new OpenAICompatibleConnection(http, apiKey);
  },
};
