import { GatewayError, isGatewayError } from '../canonical/index.js';

/**
 * A body that fails while being read: a timeout, our own abort, or a broken connection.
 * Shared by the Anthropic and Gemini stream decoders so both classify read failures the same way;
 * `upstreamName` only labels the message (e.g. `Anthropic`, `Gemini`).
 */
export function upstreamStreamFailure(error: unknown, upstreamName: string): GatewayError {
  if (isGatewayError(error)) return error;
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'TimeoutError' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError('upstream_timeout', `${upstreamName} upstream stream timed out: ${detail}`, { cause: error });
  }
  if (name === 'AbortError') return new GatewayError('client_closed', 'The stream was aborted.', { origin: 'client', cause: error });
  return new GatewayError('stream_interrupted', `${upstreamName} upstream stream failed: ${detail}`, { cause: error });
}
