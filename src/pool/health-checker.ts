import type { Logger } from 'pino';
import { toGatewayError } from '../canonical/index.js';
import type { GatewayConfig } from '../config/config-schema.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';
import type { PoolInstance } from './pool-instance.js';
import type { PoolRegistry } from './pool-registry.js';

export interface HealthCheckerDeps {
  registry: PoolRegistry;
  providers: ProviderRegistry;
  config: () => GatewayConfig;
  logger: Logger;
  now: () => number;
  random: () => number;
}

/**
 * Active health checks, mainly to bring cooling instances back without waiting for live traffic
 * to risk a request on them. Rate-limited instances are left alone until their reset passes (a
 * probe would only burn quota or restart a window); others are probed with a 1-token request.
 */
export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: HealthCheckerDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    const config = this.deps.config();
    if (this.stopped || config.HEALTH_CHECK_INTERVAL_MS === 0) return;
    const jitter = 1 + config.HEALTH_CHECK_JITTER_RATIO * (this.deps.random() * 2 - 1);
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, Math.max(1, Math.round(config.HEALTH_CHECK_INTERVAL_MS * jitter)));
    this.timer.unref();
  }

  /** Instances worth probing now. */
  candidates(): PoolInstance[] {
    const now = this.deps.now();
    const all = this.deps.config().HEALTH_CHECK_ALL;
    const out: PoolInstance[] = [];
    for (const instance of this.deps.registry.allInstances) {
      if (instance.disabled || !instance.connection || instance.health.probeInFlight) continue;
      const { cooling, until, code } = instance.health;
      if (!cooling) {
        if (all) out.push(instance);
        continue;
      }
      const rateLimited = code === 'rate_limited' || code === 'quota_exhausted';
      if (!rateLimited || now >= until) out.push(instance);
    }
    return out;
  }

  /** One round: every candidate probed, at most HEALTH_CHECK_CONCURRENCY at a time. */
  async runOnce(): Promise<void> {
    const config = this.deps.config();
    const queue = this.candidates();
    const worker = async () => {
      for (let instance = queue.shift(); instance; instance = queue.shift()) await this.probe(instance, config.HEALTH_CHECK_TIMEOUT_MS);
    };
    await Promise.all(Array.from({ length: Math.min(config.HEALTH_CHECK_CONCURRENCY, queue.length) }, worker));
  }

  private async probe(instance: PoolInstance, timeoutMs: number): Promise<void> {
    const pool = this.deps.registry.pool(instance.poolKey);
    const adapter = this.deps.providers.get(instance.type);
    if (!pool || !adapter || !instance.connection) return;
    const model = instance.checkModelName ?? adapter.defaultCheckModel;
    // A live request may hold the half-open trial already; the probe then waits for the next round.
    if (instance.health.probeInFlight) return;
    const wasCooling = instance.health.cooling;
    instance.health.probeInFlight = wasCooling;
    try {
      await instance.connection.probe(model, { signal: AbortSignal.timeout(timeoutMs) });
      pool.recordSuccess(instance, true);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      this.deps.logger.debug({ pool: instance.poolKey, instance: instance.name, err: error.message }, 'health check failed');
      pool.recordFailure(instance, error.code === 'client_closed' ? toGatewayError(new Error('health check timed out')) : error, wasCooling);
    } finally {
      if (wasCooling) instance.health.probeInFlight = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
