import type { Dispatcher } from 'undici';
import { isGatewayError } from '../../canonical/index.js';
import type { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import type { ExchangeRequest, HttpUpstream } from '../http-upstream.js';
import type { CallOptions } from '../provider-adapter.js';

export const CODE_ASSIST_API_PATH = '/v1internal';

/** What gemini-cli sends; cloudcode-pa uses it for client analytics only. */
function userAgent(model: string | undefined): string {
  return `GeminiCLI/poolgate/${model ?? 'unknown'} (${process.platform}; ${process.arch})`;
}

export interface CodeAssistCall {
  method: 'GET' | 'POST';
  /** After `/v1internal`, e.g. `:generateContent` or `/operations/abc`. */
  path: string;
  body?: unknown;
  stream?: boolean;
  /** For the User-Agent only. */
  model?: string;
  signal: AbortSignal;
}

/** A generation call: its cancellation comes from the request's CallOptions, not a signal. */
export type CodeAssistGeneration = Omit<CodeAssistCall, 'method' | 'signal' | 'stream'> & { body: unknown };

/**
 * Authenticated calls to cloudcode-pa. The bearer token comes from the instance's token source
 * (refreshed ahead of expiry, single-flight); a 401 forces one refresh and the call is retried
 * once. A refresh that fails rejects with the token source's `authentication` GatewayError.
 *
 * Generation (`generateJson`, `openStream`) goes through the upstream's handler-API exchange, as
 * the OpenAI and Anthropic adapters do: no Readable body, and no AbortSignal unless a token must
 * be waited for (both cost more per request than the rest of the call; see ClientCancellation).
 * Project discovery and probes use `call`, which hands back undici's response.
 */
export class CodeAssistClient {
  constructor(
    private readonly http: HttpUpstream,
    private readonly tokens: () => OAuthTokenSource,
  ) {}

  call(call: CodeAssistCall): Promise<Dispatcher.ResponseData> {
    return this.withToken(() => call.signal, (token) => this.http.request({ ...this.head(call, token), signal: call.signal }));
  }

  /** `:generateContent`'s parsed answer. */
  generateJson(call: CodeAssistGeneration, options: CallOptions): Promise<unknown> {
    return this.withToken(
      () => options.signal,
      (token) => {
        const { path, headers, body } = this.head({ ...call, method: 'POST' }, token);
        return this.http.postJson(path, headers, body ?? '', options);
      },
    );
  }

  /** `:streamGenerateContent`'s body, once the answer is a 2xx. */
  openStream(call: CodeAssistGeneration, options: CallOptions): Promise<AsyncIterable<Buffer>> {
    return this.withToken(
      () => options.signal,
      (token) => this.http.openStream(this.head({ ...call, method: 'POST', stream: true }, token), options),
    );
  }

  private async withToken<T>(signal: () => AbortSignal, send: (token: string) => Promise<T>): Promise<T> {
    const source = this.tokens();
    const token = source.freshAccessToken() ?? (await source.getAccessToken(signal()));
    try {
      return await send(token);
    } catch (error) {
      if (!isGatewayError(error) || error.code !== 'authentication' || error.upstreamStatus !== 401) throw error;
      const fresh = await source.forceRefresh(token, signal());
      return send(fresh);
    }
  }

  private head(call: Omit<CodeAssistCall, 'signal'>, token: string): ExchangeRequest {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: call.stream ? 'text/event-stream' : 'application/json',
      'user-agent': userAgent(call.model),
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    return {
      method: call.method,
      path: `${CODE_ASSIST_API_PATH}${call.path}`,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    };
  }
}
