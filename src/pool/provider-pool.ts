import type { GatewayError } from '../canonical/index.js';
import { judgeFailure, type CooldownSettings } from './cooldown-policy.js';
import type { PoolInstance } from './pool-instance.js';
import type { SessionAffinity } from './session-affinity.js';
import type { Selector } from './selectors/selector.js';

export interface PoolEvents {
  /** A persisted field of an instance changed. */
  changed(instance: PoolInstance): void;
  /** An instance entered or left a cooldown (for logs). */
  cooled?(instance: PoolInstance, durationMs: number, reason: string): void;
  recovered?(instance: PoolInstance): void;
}

export interface Unavailability {
  /** `rate_limited` when every instance that could serve is rate limited; else `no_capacity`. */
  code: 'rate_limited' | 'no_capacity';
  retryAfterMs: number | undefined;
  message: string;
}

/** One request's hold on an instance: counts it in flight and records the outcome once. */
export class Lease {
  private settled = false;
  private released = false;

  constructor(
    private readonly pool: ProviderPool,
    readonly instance: PoolInstance,
    readonly probe: boolean,
  ) {}

  /** The upstream accepted the request (2xx): the instance is healthy. */
  succeed(): void {
    if (this.settled) return;
    this.settled = true;
    this.pool.recordSuccess(this.instance, this.probe);
  }

  /** The attempt failed; instance-caused errors count toward cooldown. */
  fail(error: GatewayError): void {
    this.pool.recordFailure(this.instance, error, this.probe && !this.settled);
    this.settled = true;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.instance.inflight--;
    if (this.probe) this.instance.health.probeInFlight = false;
  }
}

/** The instances of one pool key (e.g. `openai-custom-eu`), how they are chosen, and what befalls them. */
export class ProviderPool {
  private instances: PoolInstance[] = [];

  constructor(
    readonly key: string,
    readonly type: string,
    private readonly selector: Selector,
    private readonly cooldown: () => CooldownSettings,
    private readonly now: () => number,
    private readonly events: PoolEvents,
    private readonly affinity: SessionAffinity | undefined,
    readonly strategy: string,
  ) {}

  /** Whether session affinity was on when this pool was built (a config edit rebuilds it). */
  get hasAffinity(): boolean {
    return this.affinity !== undefined;
  }

  get members(): readonly PoolInstance[] {
    return this.instances;
  }

  setMembers(instances: PoolInstance[]): void {
    this.instances = instances;
    this.selector.rebuild(instances);
  }

  /**
   * Chooses an instance for `model`, skipping `excluded` (instances that already failed this
   * request). A session binding is honoured while its instance can serve.
   */
  select(model: string, excluded: ReadonlySet<PoolInstance> | undefined, sessionKey?: string): PoolInstance | undefined {
    const now = this.now();
    const eligible = (instance: PoolInstance): boolean => instance.canServe(model, now) && !excluded?.has(instance);
    if (sessionKey && this.affinity) {
      const uuid = this.affinity.lookup(sessionKey, now);
      if (uuid !== undefined) {
        const bound = this.instances.find((instance) => instance.uuid === uuid);
        if (bound && eligible(bound)) {
          this.affinity.hits++;
          this.affinity.bind(sessionKey, uuid, now);
          return bound;
        }
      }
      this.affinity.misses++;
      const chosen = this.selector.pick(eligible);
      if (chosen) this.affinity.bind(sessionKey, chosen.uuid, now);
      return chosen;
    }
    return this.selector.pick(eligible);
  }

  acquire(instance: PoolInstance): Lease {
    const now = this.now();
    const probe = instance.health.cooling;
    if (probe) instance.health.probeInFlight = true;
    instance.inflight++;
    instance.stats.usageCount++;
    instance.stats.lastUsed = now;
    instance.dirty = true;
    this.events.changed(instance);
    return new Lease(this, instance, probe);
  }

  recordSuccess(instance: PoolInstance, probe: boolean): void {
    const health = instance.health;
    health.consecutiveFailures = 0;
    health.consecutiveRateLimits = 0;
    if (health.cooling && (probe || this.now() >= health.until)) {
      health.cooling = false;
      health.until = 0;
      health.reason = null;
      health.code = null;
      health.coolingStreak = 0;
      instance.dirty = true;
      this.events.changed(instance);
      this.events.recovered?.(instance);
    }
  }

  recordFailure(instance: PoolInstance, error: GatewayError, probe: boolean): void {
    const health = instance.health;
    const settings = this.cooldown();
    const isRateLimit = error.code === 'rate_limited' || error.code === 'quota_exhausted';
    // Only a failed half-open trial means a cooldown ended in another failure; failures of
    // requests already in flight when the cooldown began must not escalate it.
    const coolingStreak = probe ? health.coolingStreak + 1 : health.coolingStreak;
    const history = {
      consecutiveFailures: health.consecutiveFailures + 1,
      consecutiveRateLimits: isRateLimit ? health.consecutiveRateLimits + 1 : 0,
      coolingStreak,
    };
    const verdict = judgeFailure(error, history, settings);
    if (verdict.kind === 'ignore') return;
    const now = this.now();
    health.consecutiveFailures = history.consecutiveFailures;
    health.consecutiveRateLimits = history.consecutiveRateLimits;
    instance.stats.errorCount++;
    instance.stats.lastErrorTime = now;
    instance.stats.lastErrorMessage = error.message.slice(0, 500);
    instance.dirty = true;
    // A failed half-open trial goes straight back to cooling, for longer.
    const cool = verdict.kind === 'cool' ? verdict : probe ? { kind: 'cool' as const, durationMs: Math.min(settings.serverErrorMs * 2 ** Math.min(10, coolingStreak), settings.maxMs), reason: `probe failed: ${error.message}` } : undefined;
    if (cool) {
      const until = now + cool.durationMs;
      health.coolingStreak = coolingStreak;
      // A second limit on a cooling instance extends its cooldown; it never shortens it.
      health.until = health.cooling && health.until > until ? health.until : until;
      health.cooling = true;
      health.reason = cool.reason.slice(0, 500);
      health.code = error.code;
      this.events.cooled?.(instance, health.until - now, health.reason);
    }
    this.events.changed(instance);
  }

  /** Why nothing can serve `model`, and the soonest time something will. */
  unavailability(model: string): Unavailability {
    const now = this.now();
    let soonest = Number.POSITIVE_INFINITY;
    let candidates = 0;
    let rateLimited = 0;
    let busy = 0;
    for (const instance of this.instances) {
      if (instance.disabled || !instance.connection || !instance.supportsModel(model)) continue;
      candidates++;
      if (instance.health.cooling && now < instance.health.until) {
        soonest = Math.min(soonest, instance.health.until);
        if (instance.health.code === 'rate_limited' || instance.health.code === 'quota_exhausted') rateLimited++;
      } else {
        busy++;
      }
    }
    if (candidates === 0) {
      return { code: 'no_capacity', retryAfterMs: undefined, message: `pool ${this.key} has no enabled instance that serves model ${model}` };
    }
    const retryAfterMs = busy > 0 ? 1000 : Number.isFinite(soonest) ? Math.max(1, soonest - now) : undefined;
    if (rateLimited === candidates) {
      return { code: 'rate_limited', retryAfterMs, message: `every instance of pool ${this.key} is rate limited` };
    }
    return {
      code: 'no_capacity',
      retryAfterMs,
      message: busy > 0 ? `every instance of pool ${this.key} that can serve ${model} is busy or failed this request` : `every instance of pool ${this.key} is cooling down`,
    };
  }
}
