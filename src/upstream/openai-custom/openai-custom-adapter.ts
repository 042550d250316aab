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

/** An OpenAI-compatible upstream: `OPENAI_BASE_URL` (including `/v1`) and `OPENAI_API_KEY`. */
export function createOpenAICompatibleConnection(http: HttpUpstream, apiKey: string, extraHeaders?: Record<string, string>): UpstreamConnection {
  // Built once: generate/stream/probe and most forwards (OpenAI clients pass no headers through) reuse these.
  const forwardStream = jsonHeaders(apiKey, true, extraHeaders);
  const forwardPlain = jsonHeaders(apiKey, false, extraHeaders);
  const post = (path: string, body: string, options: CallOptions) =>
    http.request({ method: 'POST', path, headers: forwardPlain, body, signal: options.signal });

  return {
    async generate(request: ChatRequest, options: CallOptions) {
      const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: false }));
      return decodeOpenAIUpstreamResponse(await http.postJson('/chat/completions', forwardPlain, body, options));
    },
    async stream(request: ChatRequest, options: CallOptions) {
      const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: true }));
      return decodeOpenAIUpstreamStream(await http.openStream({ method: 'POST', path: '/chat/completions', headers: forwardStream, body }, options));
    },
    forward(request: ForwardRequest, options: CallOptions) {
      const headers = hasEntries(request.headers)
        ? jsonHeaders(apiKey, request.stream, { ...extraHeaders, ...request.headers })
        : request.stream ? forwardStream : forwardPlain;
      return forwardVia(http, request, headers, options);
    },
    async probe(model: string, options: CallOptions) {
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
      const response = await post('/chat/completions', body, options);
      await response.body.dump();
    },
    async listModels(options: CallOptions) {
      const response = await http.request({ method: 'GET', path: '/models', headers: jsonHeaders(apiKey, false), signal: options.signal });
      return modelListIds(await readJsonBody(response, options.signal), 'OpenAI-compatible upstream');
    },
    async close() {
      // Connections belong to the shared agent; nothing per instance to release.
    },
  };
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
    return createOpenAICompatibleConnection(http, apiKey);
  },
};
