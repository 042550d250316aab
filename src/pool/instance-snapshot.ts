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

/** The seed's `isHealthy` as the file should say it now (a disabled instance keeps the file's). */
function persistedHealthy(instance: PoolInstance, now: number): unknown {
  return instance.disabled ? (instance.record.isHealthy ?? true) : instance.isHealthy(now);
}

function coolingAt(instance: PoolInstance, now: number): boolean {
  return instance.health.cooling && instance.health.until > now;
}

/**
 * `snapshotInstance` written into `into` (the instance's previous snapshot) instead of a new
 * object: the stats writer snapshots every changed instance on every write, and with 10,000
 * instances those objects, kept as "what the file says", were garbage by the next write. A field
 * once written stays (as null when empty): the file has it from then on, so a fresh snapshot of
 * the file's entry would carry it too.
 */
export function refreshSnapshot(instance: PoolInstance, now: number, into: StatSnapshot): StatSnapshot {
  const { stats, health, record } = instance;
  into.isHealthy = persistedHealthy(instance, now);
  into.lastUsed = iso(stats.lastUsed);
  into.usageCount = stats.usageCount;
  into.errorCount = stats.errorCount;
  into.lastErrorTime = iso(stats.lastErrorTime);
  if (stats.lastErrorMessage !== null || 'lastErrorMessage' in record || 'lastErrorMessage' in into) into.lastErrorMessage = stats.lastErrorMessage;
  const cooling = coolingAt(instance, now);
  if (cooling || 'cooldownUntil' in record || 'cooldownUntil' in into) into.cooldownUntil = cooling ? iso(health.until) : null;
  if (cooling || 'cooldownReason' in record || 'cooldownReason' in into) into.cooldownReason = cooling ? health.reason : null;
  return into;
}

/**
 * Whether `last` still says what a snapshot taken now would, for an instance with no change
 * recorded since (not dirty): only its health and an expired cooldown change with time alone.
 */
export function snapshotIsCurrent(instance: PoolInstance, now: number, last: StatSnapshot): boolean {
  if (last.isHealthy !== persistedHealthy(instance, now)) return false;
  return coolingAt(instance, now) || last.cooldownUntil === undefined || last.cooldownUntil === null;
}
