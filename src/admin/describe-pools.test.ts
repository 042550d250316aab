import { describe, expect, it } from 'vitest';
import { PoolInstance } from '../pool/pool-instance.js';
import type { ProviderPool } from '../pool/provider-pool.js';
import type { UpstreamConnection } from '../upstream/provider-adapter.js';
import { describeInstance, describePools } from './describe-pools.js';
import { resetInstance } from '../pool/reset-instance.js';

const T0 = Date.UTC(2025, 0, 1);
const KEY = 'sk-live-0123456789abcdef';
const CONNECTION = {} as UpstreamConnection;

function coolingInstance(): PoolInstance {
  const instance = new PoolInstance('openai-custom', 'openai-custom', { uuid: 'u-1', customName: 'eu', weight: 2, priority: 1, concurrencyLimit: 4, OPENAI_API_KEY: KEY }, CONNECTION, T0);
  Object.assign(instance.health, { cooling: true, until: T0 + 60_000, reason: `401 from upstream: bad key ${KEY}`, code: 'authentication', consecutiveFailures: 3, consecutiveRateLimits: 0, coolingStreak: 2 });
  Object.assign(instance.stats, { usageCount: 9, errorCount: 3, lastUsed: T0 - 1000, lastErrorTime: T0 - 500, lastErrorMessage: `Incorrect API key provided: ${KEY}` });
  instance.inflight = 1;
  return instance;
}

describe('describeInstance', () => {
  it('shows live state, settings and stats with credentials masked everywhere', () => {
    const view = describeInstance(coolingInstance(), T0 + 15_000);
    expect(view).toEqual({
      uuid: 'u-1',
      name: 'eu',
      type: 'openai-custom',
      status: 'cooling',
      cooldown: { reason: '401 from upstream: bad key sk-…cdef', code: 'authentication', until: new Date(T0 + 60_000).toISOString(), remainingMs: 45_000 },
      consecutiveFailures: 3,
      inflight: 1,
      concurrencyLimit: 4,
      weight: 2,
      priority: 1,
      stats: { usageCount: 9, errorCount: 3, lastUsed: new Date(T0 - 1000).toISOString(), lastErrorTime: new Date(T0 - 500).toISOString(), lastErrorMessage: 'Incorrect API key provided: sk-…cdef' },
      credentials: { OPENAI_API_KEY: 'sk-…cdef' },
    });
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it('reports a passed cooldown as probing, with what is left of it', () => {
    expect(describeInstance(coolingInstance(), T0 + 61_000)).toMatchObject({ status: 'probing', cooldown: { remainingMs: 0 } });
  });
});

describe('describePools', () => {
  it('lists every pool with its strategy and members, and the session affinity counters', () => {
    const instance = coolingInstance();
    const pool = { key: 'openai-custom', type: 'openai-custom', strategy: 'weighted', members: [instance] } as unknown as ProviderPool;
    const view = describePools({ allPools: [pool], affinityStats: { hits: 1, misses: 2, sessions: 1 } }, T0);
    expect(view.pools).toEqual([{ pool: 'openai-custom', type: 'openai-custom', strategy: 'weighted', instances: [describeInstance(instance, T0)] }]);
    expect(view.sessionAffinity).toEqual({ hits: 1, misses: 2, sessions: 1 });
  });
});

describe('resetInstance', () => {
  it('ends the cooldown and the failure streaks, keeps lifetime stats and in-flight requests', () => {
    const instance = coolingInstance();
    instance.health.probeInFlight = true;
    const health = instance.health;
    resetInstance(instance);
    expect(instance.status(T0)).toBe('healthy');
    expect(instance.health).toBe(health);
    expect(instance.health).toEqual({ cooling: false, until: 0, reason: null, code: null, consecutiveFailures: 0, consecutiveRateLimits: 0, coolingStreak: 0, probeInFlight: true });
    expect(instance.stats.errorCount).toBe(3);
    expect(instance.inflight).toBe(1);
    expect(instance.dirty).toBe(true);
    expect(instance.canServe('gpt-4o', T0)).toBe(true);
  });
});
