/**
 * The health of one instance. `probing` is not stored: a cooling instance whose `until` has passed
 * is probing, and serves one live request (half-open) that decides whether it is healthy again.
 */
export type HealthStatus = 'healthy' | 'cooling' | 'probing' | 'disabled';

export interface InstanceHealth {
  cooling: boolean;
  /** Epoch ms the cooldown ends; meaningful only while cooling. */
  until: number;
  reason: string | null;
  /** Error code that caused the cooldown, e.g. `rate_limited`. */
  code: string | null;
  consecutiveFailures: number;
  consecutiveRateLimits: number;
  coolingStreak: number;
  /** A half-open trial request is in flight: no other request may use the instance meanwhile. */
  probeInFlight: boolean;
}

export function freshHealth(): InstanceHealth {
  return {
    cooling: false,
    until: 0,
    reason: null,
    code: null,
    consecutiveFailures: 0,
    consecutiveRateLimits: 0,
    coolingStreak: 0,
    probeInFlight: false,
  };
}
