import { GatewayError } from '../canonical/index.js';
import { classifyUpstreamStatus } from './classify-upstream-status.js';

/**
 * Classifies a non-2xx answer of an OAuth token endpoint. 5xx, 429 and 408 are the endpoint's
 * transient trouble: classified like any upstream failure (retryable, short cooldown, Retry-After
 * honoured) so one blip does not put the instance on the long 401 cooldown. 400/401/403 (e.g.
 * `invalid_grant`, a revoked client) and any other status mean the credentials need attention:
 * `authentication`. `message` must never contain a token or secret.
 */
export function tokenEndpointFailure(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  message: string,
  now: number,
): GatewayError {
  if (status >= 500 || status === 429 || status === 408) {
    return classifyUpstreamStatus({ status, headers, message: `token refresh failed: ${message}`, now });
  }
  return new GatewayError('authentication', message, { upstreamStatus: status });
}
