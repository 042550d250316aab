import { GatewayError, toGatewayError } from '../canonical/index.js';
import type { Cancellable } from '../http/client-cancellation.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { Lease, ProviderPool } from './provider-pool.js';

export interface DispatchOptions<T> {
  pool: ProviderPool;
  model: string;
  sessionKey?: string | undefined;
  /** Extra attempts after the first; 0 means exactly one attempt. */
  maxRetries: number;
  /** The client's signal: once aborted, nothing more is tried. */
  signal: Cancellable;
  /**
   * One try on one instance. Resolves once the upstream has accepted (and, for streams, before
   * anything was sent to the client); rejects with a GatewayError otherwise.
   */
  attempt: (lease: Lease) => Promise<T>;
  /** Filled with the pool, the instance tried last and the attempt count. */
  record?: RequestRecord | undefined;
}

export interface Dispatched<T> {
  value: T;
  /** Still held: the caller releases it when the response is fully delivered. */
  lease: Lease;
}

function noneCanServe(pool: ProviderPool, model: string, lastError: GatewayError | undefined): GatewayError {
  const why = pool.unavailability(model);
  if (lastError && lastError.code !== 'rate_limited' && lastError.code !== 'quota_exhausted') return lastError;
  const retryAfterMs = why.retryAfterMs ?? lastError?.retryAfterMs;
  return new GatewayError(why.code, lastError ? `${why.message}; last error: ${lastError.message}` : why.message, {
    origin: 'gateway',
    retryable: false,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

/**
 * Runs a request on the pool with failover: a retryable failure before the client has seen a
 * byte moves on at once to another eligible instance (the failed one excluded for this request),
 * up to `maxRetries` more times. Errors the request caused are returned at once. Never sleeps.
 */
export async function dispatchWithFailover<T>(options: DispatchOptions<T>): Promise<Dispatched<T>> {
  const { pool, model, signal } = options;
  let excluded: Set<import('./pool-instance.js').PoolInstance> | undefined;
  let lastError: GatewayError | undefined;
  for (let attemptNo = 0; attemptNo <= options.maxRetries; attemptNo++) {
    if (signal.aborted) throw new GatewayError('client_closed', 'the client closed the request', { origin: 'client' });
    const instance = pool.select(model, excluded, options.sessionKey);
    if (!instance) throw noneCanServe(pool, model, lastError);
    const lease = pool.acquire(instance);
    if (options.record) {
      options.record.pool = pool.key;
      options.record.model = model;
      options.record.instance = instance.name;
      options.record.attempts++;
    }
    try {
      const value = await options.attempt(lease);
      lease.succeed();
      return { value, lease };
    } catch (thrown) {
      const error = toGatewayError(thrown);
      lease.fail(error);
      lease.release();
      if (!error.retryable || signal.aborted) throw error;
      lastError = error;
      (excluded ??= new Set()).add(instance);
    }
  }
  throw lastError ?? noneCanServe(pool, model, undefined);
}
