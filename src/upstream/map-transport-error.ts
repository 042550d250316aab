import { GatewayError } from '../canonical/index.js';

const TIMEOUTS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within the first-byte timeout',
  UND_ERR_BODY_TIMEOUT: 'no data within the between-chunks timeout',
};

/**
 * Turns an undici/socket failure into a typed GatewayError. Timeouts and connection errors are
 * the instance's fault (retryable elsewhere); an abort we caused because the client left is not.
 */
export function mapTransportError(error: unknown, signal: { readonly aborted: boolean } | undefined, what: string): GatewayError {
  if (error instanceof GatewayError) return error;
  if (signal?.aborted) return new GatewayError('client_closed', 'the client closed the request', { origin: 'client', cause: error });
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const timeout = TIMEOUTS[code];
  if (timeout) return new GatewayError('upstream_timeout', `${what}: ${timeout}`, { cause: error });
  // AbortSignal.timeout() firing (a DOMException whose numeric `code` says nothing useful).
  if ((error as { name?: unknown } | null)?.name === 'TimeoutError') {
    return new GatewayError('upstream_timeout', `${what}: timed out`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GatewayError('upstream_unreachable', `${what}: ${code ? `${code} ` : ''}${message}`, { cause: error });
}
