import type { StatField } from '../config/instance-fields.js';
import type { PoolInstance } from './pool-instance.js';

export type StatSnapshot = Partial<Record<StatField, unknown>>;

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/**
 * The persisted view of an instance's live state, in the seed's field names. Fields the seed does
 * not have (lastErrorMessage, cooldown*) are written only when they carry something or the file
 * already has them, so an untouched seed file stays close to how the user wrote it.
 */
export function snapshotInstance(instance: PoolInstance, now: number): StatSnapshot {
  const { stats, health, record } = instance;
  const snapshot: StatSnapshot = {
    isHealthy: instance.disabled ? (record.isHealthy ?? true) : instance.isHealthy(now),
    lastUsed: iso(stats.lastUsed),
    usageCount: stats.usageCount,
    errorCount: stats.errorCount,
    lastErrorTime: iso(stats.lastErrorTime),
  };
  if (stats.lastErrorMessage !== null || 'lastErrorMessage' in record) snapshot.lastErrorMessage = stats.lastErrorMessage;
  const cooling = health.cooling && health.until > now;
  if (cooling || 'cooldownUntil' in record) snapshot.cooldownUntil = cooling ? iso(health.until) : null;
  if (cooling || 'cooldownReason' in record) snapshot.cooldownReason = cooling ? health.reason : null;
  return snapshot;
}
