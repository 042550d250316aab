import type { HealthStatus } from '../pool/instance-health.js';
import type { PoolInstance } from '../pool/pool-instance.js';
import type { PoolRegistry } from '../pool/pool-registry.js';
import { maskedCredentials, redactCredentials } from './mask-secret.js';

export interface InstanceView {
  uuid: string;
  name: string;
  type: string;
  status: HealthStatus;
  cooldown: { reason: string | null; code: string | null; until: string; remainingMs: number } | null;
  consecutiveFailures: number;
  inflight: number;
  concurrencyLimit: number;
  weight: number;
  priority: number;
  stats: { usageCount: number; errorCount: number; lastUsed: string | null; lastErrorTime: string | null; lastErrorMessage: string | null };
  /** Provider fields with masked values only. */
  credentials: Record<string, string>;
}

export interface PoolView {
  pool: string;
  type: string;
  strategy: string;
  instances: InstanceView[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What the admin API shows of one instance: live state and stats, credentials masked, free text redacted. */
export function describeInstance(instance: PoolInstance, now: number): InstanceView {
  const { health, stats, record } = instance;
  const status = instance.status(now);
  const redact = (text: string | null): string | null => (text === null ? null : redactCredentials(text, record));
  return {
    uuid: instance.uuid,
    name: instance.name,
    type: instance.type,
    status,
    cooldown: health.cooling
      ? { reason: redact(health.reason), code: health.code, until: new Date(health.until).toISOString(), remainingMs: Math.max(0, health.until - now) }
      : null,
    consecutiveFailures: health.consecutiveFailures,
    inflight: instance.inflight,
    concurrencyLimit: instance.concurrencyLimit,
    weight: instance.weight,
    priority: instance.priority,
    stats: {
      usageCount: stats.usageCount,
      errorCount: stats.errorCount,
      lastUsed: iso(stats.lastUsed),
      lastErrorTime: iso(stats.lastErrorTime),
      lastErrorMessage: redact(stats.lastErrorMessage),
    },
    credentials: maskedCredentials(record),
  };
}

export function describePools(registry: Pick<PoolRegistry, 'allPools' | 'affinityStats'>, now: number): { pools: PoolView[]; sessionAffinity: PoolRegistry['affinityStats'] } {
  return {
    pools: registry.allPools.map((pool) => ({
      pool: pool.key,
      type: pool.type,
      strategy: pool.strategy,
      instances: pool.members.map((instance) => describeInstance(instance, now)),
    })),
    sessionAffinity: registry.affinityStats,
  };
}
