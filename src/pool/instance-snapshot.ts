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
  return refreshSnapshot(instance, now, {});
}

/**
 * `snapshotInstance` written into `into` (the instance's previous snapshot) instead of a new
 * object. The stats writer snapshots every changed instance on every write; with 10,000
 * instances the new objects, kept as "what the file says", survived into V8's old generation
 * write after write and set off a full garbage collection after nearly every write (each a
 * stall of several milliseconds). A field once written stays: the file then has it too, so
 * `snapshotInstance` would write it as well.
 */
export function refreshSnapshot(instance: PoolInstance, now: number, into: StatSnapshot): StatSnapshot {
  const { stats, health, record } = instance;
  into.isHealthy = instance.disabled ? (record.isHealthy ?? true) : instance.isHealthy(now);
  into.lastUsed = iso(stats.lastUsed);
  into.usageCount = stats.usageCount;
  into.errorCount = stats.errorCount;
  into.lastErrorTime = iso(stats.lastErrorTime);
  if (stats.lastErrorMessage !== null || 'lastErrorMessage' in record || 'lastErrorMessage' in into) into.lastErrorMessage = stats.lastErrorMessage;
  const cooling = health.cooling && health.until > now;
  if (cooling || 'cooldownUntil' in record || 'cooldownUntil' in into) into.cooldownUntil = cooling ? iso(health.until) : null;
  if (cooling || 'cooldownReason' in record || 'cooldownReason' in into) into.cooldownReason = cooling ? health.reason : null;
  return into;
}

/**
 * Whether `last` still says what a snapshot taken now would, for an instance with no change
 * recorded since (not dirty): only its health and an expired cooldown change with time alone.
 */
export function snapshotIsCurrent(instance: PoolInstance, now: number, last: StatSnapshot): boolean {
  const healthy = instance.disabled ? (instance.record.isHealthy ?? true) : instance.isHealthy(now);
  if (last.isHealthy !== healthy) return false;
  const cooling = instance.health.cooling && instance.health.until > now;
  return cooling || last.cooldownUntil === undefined || last.cooldownUntil === null;
}
