import type { Dispatcher } from 'undici';
import { isGatewayError, type ChatRequest } from '../../canonical/index.js';
import type { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import { HttpUpstream, type UpstreamErrorDecoder } from '../http-upstream.js';
import { forwardVia } from '../forward-via.js';
import type { CallOptions, ForwardRequest, UpstreamConnection } from '../provider-adapter.js';
import type { UpstreamTimeouts } from '../upstream-timeouts.js';
import { decodeOpenAIUpstreamResponse } from '../openai-custom/decode-chat-response.js';
import { decodeOpenAIUpstreamStream } from '../openai-custom/decode-chat-stream.js';
import { encodeOpenAIUpstreamRequest } from '../openai-custom/encode-chat-request.js';
import { isTokenProblem } from '../token-problem.js';
import { qwenBaseUrl } from './qwen-base-url.js';

export type QwenTokens = Pick<OAuthTokenSource, 'freshAccessToken' | 'getAccessToken' | 'forceRefresh' | 'getCredsJson'>;

export interface QwenConnectionOptions {
  tokens: QwenTokens;
  /** `QWEN_BASE_URL` of the instance; without it the base comes from the creds file's `resource_url`. */
  fixedBaseUrl: URL | undefined;
  /** The latest `resource_url` a refresh answered with, if any (wins over the file's). */
  refreshedResourceUrl: () => string | undefined;
  dispatcher: Dispatcher;
  timeouts: UpstreamTimeouts;
  decodeError: UpstreamErrorDecoder;
  now: () => number;
  /** Qwen Code's identification headers. */
  headers: Record<string, string>;
}

/**
 * A rejected token: an upstream 401, or a 403 whose message says the token is invalid/expired
 * (as for Kiro). Any other 403 ("model not allowed", an account problem) is not cured by a
 * refresh, so it must not force one on every request.
 */
function tokenRejected(error: unknown): boolean {
  if (!isGatewayError(error) || error.upstreamStatus === undefined) return false;
  if (error.code === 'authentication') return true;
  return error.code === 'permission' && error.upstreamStatus === 403 && isTokenProblem(error.message);
}

/**
 * Qwen's OpenAI-compatible chat endpoint reached with an OAuth bearer taken fresh from the token
 * source on every call. A rejected token (see tokenRejected) is refreshed once and the call retried once; a refresh
 * that fails rejects with the token source's `authentication` error.
 */
export function createQwenOAuthConnection(options: QwenConnectionOptions): UpstreamConnection {
  const { tokens } = options;
  let upstream: HttpUpstream | undefined;
  let fileResourceUrl: { value: unknown } | undefined;

  async function http(signal: () => AbortSignal): Promise<HttpUpstream> {
    let base = options.fixedBaseUrl;
    if (base === undefined) {
      const refreshed = options.refreshedResourceUrl();
      if (refreshed === undefined && fileResourceUrl === undefined) fileResourceUrl = { value: (await tokens.getCredsJson(signal())).resource_url };
      base = qwenBaseUrl(refreshed ?? fileResourceUrl?.value);
    }
    if (upstream === undefined || upstream.origin !== base.origin || upstream.basePath !== base.pathname.replace(/\/+$/, '')) {
      upstream = new HttpUpstream(base, options.dispatcher, options.timeouts, options.decodeError, options.now);
    }
    return upstream;
  }

  function headers(token: string, stream: boolean, extra: Record<string, string> | undefined): Record<string, string> {
    return {
      ...extra,
      ...options.headers,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
  }

  /**
   * Runs `send` with a fresh bearer; a rejected token is refreshed once and the call retried once.
   * The request's signal is read only when something must be waited for: reading it makes an
   * AbortController, which costs more than the rest of a forwarded request (see ClientCancellation).
   */
  async function withToken<T>(call: CallOptions, send: (token: string, upstream: HttpUpstream) => Promise<T>): Promise<T> {
    const signal = () => call.signal;
    const token = tokens.freshAccessToken() ?? (await tokens.getAccessToken(signal()));
    try {
      return await send(token, await http(signal));
    } catch (error) {
      if (!tokenRejected(error)) throw error;
      const fresh = await tokens.forceRefresh(token, signal());
      return send(fresh, await http(signal));
    }
  }

  /** A non-streaming chat completion's parsed answer. */
  function postChat(body: string, call: CallOptions): Promise<unknown> {
    return withToken(call, (token, upstream) => upstream.postJson('/chat/completions', headers(token, false, undefined), body, call));
  }

  return {
    async generate(request: ChatRequest, call: CallOptions) {
      const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: false }));
      return decodeOpenAIUpstreamResponse(await postChat(body, call));
    },
    async stream(request: ChatRequest, call: CallOptions) {
      const body = JSON.stringify(encodeOpenAIUpstreamRequest({ ...request, stream: true }));
      const path = '/chat/completions';
      return decodeOpenAIUpstreamStream(await withToken(call, (token, upstream) => upstream.openStream({ method: 'POST', path, headers: headers(token, true, undefined), body }, call)));
    },
    forward(request: ForwardRequest, call: CallOptions) {
      return withToken(call, (token, upstream) => forwardVia(upstream, request, headers(token, request.stream, request.headers), call));
    },
    async probe(model: string, call: CallOptions) {
      // No models endpoint works with OAuth tokens: a one-token completion is the cheapest proof.
      const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
      await postChat(body, call);
    },
    async close() {
      // Connections belong to the shared agent; nothing per instance to release.
    },
  };
}
