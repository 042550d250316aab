import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.js';
import type { GatewayConfig } from '../config/config-schema.js';
import { STAT_FIELDS } from '../config/instance-fields.js';
import { InstanceConfigError, type InstanceRecord } from '../config/instance-record.js';
import type { ParsedPoolsFile } from '../config/parse-pools-file.js';
import { providerTypeOfPoolKey, SEED_PROVIDER_TYPES } from '../config/provider-types.js';
import type { AdapterDeps, UpstreamConnection } from '../upstream/provider-adapter.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';
import type { CooldownSettings } from './cooldown-policy.js';
import { refreshSnapshot, snapshotInstance, snapshotIsCurrent, type StatSnapshot } from './instance-snapshot.js';
import { resetInstance } from './reset-instance.js';
import { PoolInstance, toEpoch } from './pool-instance.js';
import { ProviderPool, type PoolEvents } from './provider-pool.js';
import { createSelector } from './selectors/create-selector.js';
import { SessionAffinity } from './session-affinity.js';

export interface PoolRegistryDeps {
  providers: ProviderRegistry;
  adapterDeps: AdapterDeps;
  logger: Logger;
  now: () => number;
  random: () => number;
  config: () => GatewayConfig;
  /** Called when any instance's persisted state changes. */
  onChange: () => void;
}

export interface ApplyReport {
  served: string[];
  unserved: string[];
}

function cooldownSettings(config: GatewayConfig): CooldownSettings {
  return {
    maxErrorCount: config.MAX_ERROR_COUNT,
    serverErrorMs: config.COOLDOWN_SERVER_ERROR_MS,
    authErrorMs: config.COOLDOWN_AUTH_ERROR_MS,
    rateLimitBaseMs: config.COOLDOWN_RATE_LIMIT_BASE_MS,
    rateLimitMaxMs: config.COOLDOWN_RATE_LIMIT_MAX_MS,
    maxMs: config.COOLDOWN_MAX_MS,
  };
}

function sameFields(a: InstanceRecord, b: InstanceRecord, fields: readonly string[]): boolean {
  return fields.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}

/**
 * Every pool of the pools file, built from it and rebuilt on reload. A reload keeps each
 * instance's live health, in-flight count and counters (matched by uuid), so in-flight requests
 * are untouched; connections are rebuilt only when credential fields changed.
 */
export class PoolRegistry {
  private pools = new Map<string, ProviderPool>();
  private instances = new Map<string, PoolInstance>();
  /** What was last written to (or read from) the file per uuid, to tell the user's edits from ours. */
  private readonly persisted = new Map<string, StatSnapshot>();
  /** Instances the stats writer has not written yet: their first write is whole (a seed file may lack stat fields). */
  private readonly unwritten = new WeakSet<PoolInstance>();
  private readonly affinity: SessionAffinity;
  private readonly events: PoolEvents;
  /**
   * Made once here, not where pools are built: a closure made inside `apply` kept that call's
   * whole plan alive for as long as its pool lived (every record and connection of the file as
   * first loaded, even after a credential edit replaced them).
   */
  private readonly cooldown = (): CooldownSettings => cooldownSettings(this.deps.config());

  constructor(private readonly deps: PoolRegistryDeps) {
    const config = deps.config();
    this.affinity = new SessionAffinity(config.SESSION_AFFINITY_TTL_MS, config.SESSION_AFFINITY_MAX_SESSIONS);
    this.events = {
      changed: () => deps.onChange(),
      cooled: (instance, durationMs, reason) =>
        deps.logger.warn({ pool: instance.poolKey, instance: instance.name, cooldownMs: durationMs, reason }, 'instance cooling down'),
      recovered: (instance) => deps.logger.info({ pool: instance.poolKey, instance: instance.name }, 'instance healthy again'),
    };
  }

  get affinityStats(): { hits: number; misses: number; sessions: number } {
    return { hits: this.affinity.hits, misses: this.affinity.misses, sessions: this.affinity.size };
  }

  pool(key: string): ProviderPool | undefined {
    return this.pools.get(key);
  }

  get allPools(): ProviderPool[] {
    return [...this.pools.values()];
  }

  instance(uuid: string): PoolInstance | undefined {
    return this.instances.get(uuid);
  }

  get allInstances(): IterableIterator<PoolInstance> {
    return this.instances.values();
  }

  /**
   * Validates every served instance first and throws one ConfigError listing all problems, so a
   * bad edit changes nothing; then swaps the new membership in.
   */
  apply(parsed: ParsedPoolsFile, file: string): ApplyReport {
    const now = this.deps.now();
    const knownTypes = [...new Set([...SEED_PROVIDER_TYPES, ...this.deps.providers.types])];
    const problems: string[] = [];
    const plans: Array<{ key: string; type: string; entries: Array<{ record: InstanceRecord; connection?: UpstreamConnection; reuse?: PoolInstance }> }> = [];
    const report: ApplyReport = { served: [], unserved: [] };

    for (const { key, records } of parsed.pools) {
      const type = providerTypeOfPoolKey(key, knownTypes);
      const adapter = type ? this.deps.providers.get(type) : undefined;
      if (!type || !adapter) {
        report.unserved.push(key);
        continue;
      }
      report.served.push(key);
      const entries = records.map((record, index) => {
        const existing = this.instances.get(record.uuid);
        const reusable = existing && existing.poolKey === key && existing.connection && sameFields(existing.record, record, adapter.connectionFields);
        if (reusable) return { record, reuse: existing };
        try {
          return { record, connection: adapter.connect(record, this.deps.adapterDeps), ...(existing && existing.poolKey === key ? { reuse: existing } : {}) };
        } catch (error) {
          if (error instanceof InstanceConfigError) {
            problems.push(`${file}: ${key}[${index}].${error.field} = ${JSON.stringify(record[error.field]) ?? '(missing)'}: ${error.message}`);
            return { record };
          }
          throw error;
        }
      });
      plans.push({ key, type, entries });
    }
    if (problems.length > 0) throw new ConfigError(problems.join('\n'), file);

    const config = this.deps.config();
    const nextPools = new Map<string, ProviderPool>();
    const nextInstances = new Map<string, PoolInstance>();
    const retired: UpstreamConnection[] = [];
    let adoptedEdits = false;
    for (const plan of plans) {
      const members = plan.entries.map(({ record, connection, reuse }) => {
        if (reuse) {
          if (connection) {
            if (reuse.connection) retired.push(reuse.connection);
            reuse.connection = connection;
          }
          if (this.adoptUserEdits(reuse, record)) adoptedEdits = true;
          reuse.applySettings(record);
          return reuse;
        }
        const instance = new PoolInstance(plan.key, plan.type, record, connection, now);
        this.persisted.set(instance.uuid, snapshotInstance(instance, now));
        this.unwritten.add(instance);
        return instance;
      });
      for (const member of members) nextInstances.set(member.uuid, member);
      const pool = this.pools.get(plan.key);
      const strategy = config.POOL_STRATEGIES[plan.key] ?? config.SELECTION_STRATEGY;
      const next =
        pool && pool.strategy === strategy && pool.hasAffinity === config.SESSION_AFFINITY
          ? pool
          : new ProviderPool(plan.key, plan.type, createSelector(strategy, this.deps.random), this.cooldown, this.deps.now, this.events, config.SESSION_AFFINITY ? this.affinity : undefined, strategy);
      next.setMembers(members);
      nextPools.set(plan.key, next);
    }
    for (const [uuid, instance] of this.instances) {
      if (!nextInstances.has(uuid) && instance.connection) retired.push(instance.connection);
      if (!nextInstances.has(uuid)) this.persisted.delete(uuid);
    }
    this.pools = nextPools;
    this.instances = nextInstances;
    this.affinity.configure(config.SESSION_AFFINITY_TTL_MS, config.SESSION_AFFINITY_MAX_SESSIONS);
    for (const connection of retired) void connection.close();
    // Write the adopted state back (e.g. an operator's isHealthy: true still has a stale
    // cooldownUntil in the file, which a restart would otherwise honour again).
    if (adoptedEdits) this.deps.onChange();
    return report;
  }

  /**
   * A stat field the user changed in the file (it differs from what we last wrote) wins: that is
   * how an operator resets a counter or clears a cooldown by hand.
   */
  private adoptUserEdits(instance: PoolInstance, record: InstanceRecord): boolean {
    const last = this.persisted.get(instance.uuid);
    if (!last) return false;
    const changed = (field: (typeof STAT_FIELDS)[number]) => field in record && JSON.stringify(record[field]) !== JSON.stringify(last[field]);
    if (changed('usageCount') && typeof record.usageCount === 'number') instance.stats.usageCount = record.usageCount;
    if (changed('errorCount') && typeof record.errorCount === 'number') instance.stats.errorCount = record.errorCount;
    if (changed('lastUsed')) instance.stats.lastUsed = toEpoch(record.lastUsed);
    if (changed('lastErrorTime')) instance.stats.lastErrorTime = toEpoch(record.lastErrorTime);
    const resetHealth = (changed('isHealthy') && record.isHealthy === true) || (changed('cooldownUntil') && !record.cooldownUntil);
    if (resetHealth && instance.health.cooling) {
      instance.health.cooling = false;
      instance.health.until = 0;
      instance.health.reason = null;
      instance.health.code = null;
      instance.health.consecutiveFailures = 0;
      instance.health.coolingStreak = 0;
    }
    const edited = STAT_FIELDS.some(changed);
    if (edited) instance.dirty = true;
    return edited;
  }

  /**
   * Whether the file's entry for the instance must be rewritten: something changed (dirty, or
   * fields learnt), or time alone changed its health or ended its cooldown. The others are
   * skipped, so a write allocates nothing for them.
   */
  needsWrite(instance: PoolInstance, now: number): boolean {
    if (instance.dirty || instance.pendingFields !== undefined || this.unwritten.has(instance)) return true;
    const last = this.persisted.get(instance.uuid);
    return last === undefined || !snapshotIsCurrent(instance, now, last);
  }

  /** The snapshot to write for one instance, remembered as what the file now says. */
  snapshotForWrite(instance: PoolInstance, now: number): StatSnapshot & Record<string, unknown> {
    const last = this.persisted.get(instance.uuid);
    this.unwritten.delete(instance);
    const snapshot = last ? refreshSnapshot(instance, now, last) : snapshotInstance(instance, now);
    if (!last) this.persisted.set(instance.uuid, snapshot);
    const learnt = instance.pendingFields;
    instance.pendingFields = undefined;
    return learnt ? { ...learnt, ...snapshot } : snapshot;
  }

  /** An operator's reset (see resetInstance), written back like any other change. */
  reset(instance: PoolInstance): void {
    resetInstance(instance);
    this.events.changed(instance);
  }

  /** See AdapterDeps.persistFields. */
  persistFields(uuid: string, fields: Record<string, unknown>): void {
    const instance = this.instances.get(uuid);
    if (!instance) return;
    instance.pendingFields = { ...instance.pendingFields, ...fields };
    Object.assign(instance.record, fields);
    instance.dirty = true;
    this.deps.onChange();
  }

  async close(): Promise<void> {
    await Promise.all([...this.instances.values()].map((instance) => instance.connection?.close()));
  }
}
