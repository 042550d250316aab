import type { InstanceRecord } from '../config/instance-record.js';
import type { UpstreamConnection } from '../upstream/provider-adapter.js';
import { freshHealth, type HealthStatus, type InstanceHealth } from './instance-health.js';

export interface InstanceStats {
  usageCount: number;
  errorCount: number;
  lastUsed: number | null;
  lastErrorTime: number | null;
  lastErrorMessage: string | null;
}

/** A timestamp as the pools file may hold it (ISO text or epoch ms); null when absent or unreadable. */
export function toEpoch(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function modelSet(value: unknown): ReadonlySet<string> | undefined {
  return Array.isArray(value) && value.length > 0 ? new Set(value as string[]) : undefined;
}

/** One upstream identity of a pool: its settings from the file, live health, in-flight count and stats. */
export class PoolInstance {
  readonly uuid: string;
  record: InstanceRecord;
  connection: UpstreamConnection | undefined;
  weight = 1;
  priority = 0;
  concurrencyLimit = 0;
  disabled = false;
  name = '';
  checkModelName: string | null = null;
  supportedModels: ReadonlySet<string> | undefined;
  notSupportedModels: ReadonlySet<string> | undefined;

  inflight = 0;
  health: InstanceHealth = freshHealth();
  readonly stats: InstanceStats;
  /** Set whenever a persisted field changes; cleared by the stats writer. */
  dirty = false;
  /** Fields an adapter learnt (e.g. PROJECT_ID), written into the file with the next write. */
  pendingFields: Record<string, unknown> | undefined;

  constructor(
    readonly poolKey: string,
    readonly type: string,
    record: InstanceRecord,
    connection: UpstreamConnection | undefined,
    now: number,
  ) {
    this.uuid = record.uuid;
    this.record = record;
    this.connection = connection;
    this.stats = {
      usageCount: typeof record.usageCount === 'number' ? record.usageCount : 0,
      errorCount: typeof record.errorCount === 'number' ? record.errorCount : 0,
      lastUsed: toEpoch(record.lastUsed),
      lastErrorTime: toEpoch(record.lastErrorTime),
      lastErrorMessage: typeof record.lastErrorMessage === 'string' ? record.lastErrorMessage : null,
    };
    // A cooldown written by an earlier run is honoured, so a restart does not hammer a limited key.
    const until = toEpoch(record.cooldownUntil);
    if (until !== null && until > now) {
      this.health.cooling = true;
      this.health.until = until;
      this.health.reason = typeof record.cooldownReason === 'string' ? record.cooldownReason : 'cooling before restart';
    }
    this.applySettings(record);
  }

  /** Re-reads the user-owned settings (weight, limits, models, ...) from a new version of the record. */
  applySettings(record: InstanceRecord): void {
    this.record = record;
    this.weight = typeof record.weight === 'number' && record.weight > 0 ? record.weight : 1;
    this.priority = typeof record.priority === 'number' ? record.priority : 0;
    this.concurrencyLimit = typeof record.concurrencyLimit === 'number' ? record.concurrencyLimit : 0;
    this.disabled = record.isDisabled === true;
    this.name = typeof record.customName === 'string' && record.customName ? record.customName : this.uuid;
    this.checkModelName = typeof record.checkModelName === 'string' ? record.checkModelName : null;
    this.supportedModels = modelSet(record.supportedModels);
    this.notSupportedModels = modelSet(record.notSupportedModels);
  }

  status(now: number): HealthStatus {
    if (this.disabled || !this.connection) return 'disabled';
    if (!this.health.cooling) return 'healthy';
    return now >= this.health.until ? 'probing' : 'cooling';
  }

  /** Whether the seed's `isHealthy` should read true. */
  isHealthy(now: number): boolean {
    const status = this.status(now);
    return status === 'healthy' || status === 'probing';
  }

  supportsModel(model: string): boolean {
    if (this.notSupportedModels?.has(model)) return false;
    return this.supportedModels === undefined || this.supportedModels.has(model);
  }

  hasCapacity(): boolean {
    return this.concurrencyLimit === 0 || this.inflight < this.concurrencyLimit;
  }

  /** Eligible to take a new request for `model` right now. */
  canServe(model: string, now: number): boolean {
    if (this.disabled || !this.connection) return false;
    if (this.health.cooling && (now < this.health.until || this.health.probeInFlight)) return false;
    return this.hasCapacity() && this.supportsModel(model);
  }
}
