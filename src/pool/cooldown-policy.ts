import type { GatewayError } from '../canonical/index.js';

export interface CooldownSettings {
  maxErrorCount: number;
  serverErrorMs: number;
  authErrorMs: number;
  rateLimitBaseMs: number;
  rateLimitMaxMs: number;
  maxMs: number;
}

/** What a failure does to an instance. */
export type FailureVerdict =
  /** The request was at fault: the instance is fine and nothing is counted. */
  | { kind: 'ignore' }
  /** Counted; the instance keeps serving until the consecutive-failure rule trips. */
  | { kind: 'count' }
  | { kind: 'cool'; durationMs: number; reason: string };

export interface FailureHistory {
  /** Consecutive instance-caused failures, including this one. */
  consecutiveFailures: number;
  /** Consecutive rate-limit answers, including this one. */
  consecutiveRateLimits: number;
  /** How many cooldowns in a row ended in another failure (grows the server-error cooldown). */
  coolingStreak: number;
}

/** Upper bound on a reset time announced by an upstream: anything longer is taken as a mistake. */
const ANNOUNCED_RESET_MAX_MS = 45 * 24 * 60 * 60_000;

function capped(ms: number, max: number): number {
  return Math.min(Math.max(0, ms), max);
}

/**
 * The cooldown rules, by error class (never by message text):
 * - 429 / quota: until the upstream's reset (Retry-After, RetryInfo), else exponential backoff;
 * - 401 / 403: a long cooldown with the reason kept, so an operator sees why;
 * - 5xx, timeouts, connection errors: cool after MAX_ERROR_COUNT consecutive failures, longer
 *   each time a cooldown is followed by another failure;
 * - errors the request caused (origin client): ignored.
 */
export function judgeFailure(error: GatewayError, history: FailureHistory, settings: CooldownSettings): FailureVerdict {
  if (error.origin === 'client' || error.code === 'client_closed') return { kind: 'ignore' };
  const why = error.upstreamStatus ? `HTTP ${error.upstreamStatus} ${error.code}: ${error.message}` : `${error.code}: ${error.message}`;
  switch (error.code) {
    case 'rate_limited':
    case 'quota_exhausted': {
      const backoff = settings.rateLimitBaseMs * 2 ** Math.min(30, history.consecutiveRateLimits - 1);
      // A reset time the upstream announced is honoured even past COOLDOWN_MAX_MS (weekly and
      // monthly quota windows are real); only a sanity bound applies to it.
      if (error.retryAfterMs !== undefined) return { kind: 'cool', durationMs: capped(error.retryAfterMs, ANNOUNCED_RESET_MAX_MS), reason: why };
      return { kind: 'cool', durationMs: capped(capped(backoff, settings.rateLimitMaxMs), settings.maxMs), reason: why };
    }
    case 'authentication':
    case 'permission':
      return { kind: 'cool', durationMs: capped(settings.authErrorMs, settings.maxMs), reason: why };
    default: {
      if (error.retryAfterMs !== undefined && error.code === 'overloaded' && history.consecutiveFailures >= settings.maxErrorCount) {
        return { kind: 'cool', durationMs: capped(error.retryAfterMs, settings.maxMs), reason: why };
      }
      if (history.consecutiveFailures < settings.maxErrorCount) return { kind: 'count' };
      const durationMs = settings.serverErrorMs * 2 ** Math.min(10, history.coolingStreak);
      return { kind: 'cool', durationMs: capped(durationMs, settings.maxMs), reason: why };
    }
  }
}
