import type { Dispatcher } from 'undici';
import { isGatewayError } from '../../canonical/index.js';
import type { OAuthTokenSource } from '../../credentials/oauth-token-source.js';
import type { HttpUpstream } from '../http-upstream.js';

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

/**
 * Authenticated calls to cloudcode-pa. The bearer token comes from the instance's token source
 * (refreshed ahead of expiry, single-flight); a 401 forces one refresh and the call is retried
 * once. A refresh that fails rejects with the token source's `authentication` GatewayError.
 */
export class CodeAssistClient {
  constructor(
    private readonly http: HttpUpstream,
    private readonly tokens: () => OAuthTokenSource,
  ) {}

  async call(call: CodeAssistCall): Promise<Dispatcher.ResponseData> {
    const source = this.tokens();
    const token = await source.getAccessToken(call.signal);
    try {
      return await this.send(call, token);
    } catch (error) {
      if (!isGatewayError(error) || error.code !== 'authentication' || error.upstreamStatus !== 401) throw error;
      const fresh = await source.forceRefresh(token, call.signal);
      return this.send(call, fresh);
    }
  }

  private send(call: CodeAssistCall, token: string): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: call.stream ? 'text/event-stream' : 'application/json',
      'user-agent': userAgent(call.model),
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    return this.http.request({
      method: call.method,
      path: `${CODE_ASSIST_API_PATH}${call.path}`,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: call.signal,
    });
  }
}
