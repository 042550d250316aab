/**
 * Protocol-neutral error codes. Failover and cooldown logic read `code` and `retryable`, never
 * message text; each inbound protocol's encode-error turns them into its own wire body and status.
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'model_not_found'
  | 'request_too_large'
  | 'context_length'
  | 'unprocessable'
  | 'rate_limited'
  | 'quota_exhausted'
  | 'overloaded'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'bad_upstream_response'
  | 'no_capacity'
  | 'client_closed'
  | 'stream_interrupted'
  | 'not_implemented'
  | 'internal';

const DEFAULT_STATUS: Record<GatewayErrorCode, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  model_not_found: 404,
  request_too_large: 413,
  context_length: 400,
  unprocessable: 422,
  rate_limited: 429,
  quota_exhausted: 429,
  overloaded: 503,
  upstream_error: 502,
  upstream_timeout: 504,
  upstream_unreachable: 502,
  bad_upstream_response: 502,
  no_capacity: 503,
  client_closed: 499,
  stream_interrupted: 502,
  not_implemented: 501,
  internal: 500,
};

/** Codes whose cause is the upstream instance, so another instance may well succeed. */
const RETRYABLE: ReadonlySet<GatewayErrorCode> = new Set<GatewayErrorCode>([
  'authentication',
  'permission',
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'upstream_error',
  'upstream_timeout',
  'upstream_unreachable',
  'bad_upstream_response',
]);

export interface GatewayErrorOptions {
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  /** HTTP status the upstream answered with, when the error came from one. */
  upstreamStatus?: number;
  /** Which side caused it: the client's request, an upstream instance, or the gateway itself. */
  origin?: 'client' | 'upstream' | 'gateway';
  /** The parameter at fault, for invalid_request errors. */
  param?: string;
  cause?: unknown;
}

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly origin: 'client' | 'upstream' | 'gateway';
  readonly param: string | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.origin = options.origin ?? (RETRYABLE.has(code) ? 'upstream' : 'gateway');
    this.param = options.param;
  }

  static invalidRequest(message: string, param?: string): GatewayError {
    return new GatewayError('invalid_request', message, { origin: 'client', ...(param ? { param } : {}) });
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Wraps anything thrown into a GatewayError without losing an existing classification. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new GatewayError('internal', message, { cause: value });
}
