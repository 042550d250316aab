import { GatewayError, isGatewayError, type GatewayErrorCode } from '../../canonical/index.js';
import type { OpenAIChatErrorBody } from '../../wire/openai/index.js';

interface OpenAIErrorKind {
  type: string;
  /** `undefined` → the gateway's own code is used, which tells more than OpenAI's `null`. */
  code?: string | null;
}

/** protocols.md §1.4 / §8.6: OpenAI's `type` and `code` per gateway error code. */
const KINDS: Record<GatewayErrorCode, OpenAIErrorKind> = {
  invalid_request: { type: 'invalid_request_error', code: null },
  authentication: { type: 'invalid_request_error', code: 'invalid_api_key' },
  permission: { type: 'invalid_request_error', code: 'permission_denied' },
  not_found: { type: 'invalid_request_error', code: 'not_found' },
  model_not_found: { type: 'invalid_request_error', code: 'model_not_found' },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  context_length: { type: 'invalid_request_error', code: 'context_length_exceeded' },
  unprocessable: { type: 'invalid_request_error', code: null },
  rate_limited: { type: 'requests', code: 'rate_limit_exceeded' },
  quota_exhausted: { type: 'insufficient_quota', code: 'insufficient_quota' },
  overloaded: { type: 'server_error' },
  upstream_error: { type: 'server_error' },
  upstream_timeout: { type: 'server_error' },
  upstream_unreachable: { type: 'server_error' },
  bad_upstream_response: { type: 'server_error' },
  no_capacity: { type: 'server_error' },
  client_closed: { type: 'server_error' },
  stream_interrupted: { type: 'server_error' },
  not_implemented: { type: 'invalid_request_error' },
  internal: { type: 'server_error' },
};

export function encodeOpenAIErrorBody(error: GatewayError): OpenAIChatErrorBody {
  const kind = KINDS[error.code] ?? { type: 'server_error' };
  return {
    error: {
      message: error.message,
      type: kind.type,
      param: error.param ?? null,
      code: kind.code === undefined ? error.code : kind.code,
    },
  };
}

/**
 * An error as a complete HTTP answer for an OpenAI client. Status comes from the error, except
 * Anthropic's 529 which OpenAI clients do not know (→ 503). `retry-after` is in whole seconds,
 * rounded up; quota exhaustion tells the OpenAI SDKs not to retry (`x-should-retry: false`).
 */
export function encodeOpenAIError(error: GatewayError): { status: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfterMs / 1000)));
  if (error.code === 'quota_exhausted') headers['x-should-retry'] = 'false';
  return {
    status: error.status === 529 ? 503 : error.status,
    headers,
    body: JSON.stringify(encodeOpenAIErrorBody(error)),
  };
}

/** The same error as an SSE frame, for failures after the 200 was sent; openai-node throws on it. */
export function encodeOpenAIStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(encodeOpenAIErrorBody(error))}\n\n`;
}

/** What an OpenAI client is told when the stream it was reading failed with a thrown value. */
export function openAIStreamFailure(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('stream_interrupted', `The response stream failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
