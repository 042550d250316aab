import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthStatus } from '../pool/instance-health.js';
import type { PoolInstance } from '../pool/pool-instance.js';
import type { PoolRegistry } from '../pool/pool-registry.js';

const STATES: readonly HealthStatus[] = ['healthy', 'cooling', 'probing', 'disabled'];

/** `instance` is the customName or uuid (PoolInstance.name): never anything from a credential. */
function labelsOf(instance: PoolInstance): { pool: string; instance: string } {
  return { pool: instance.poolKey, instance: instance.name };
}

/**
 * Per-instance metrics read from the pool registry when scraped (a reload that adds or drops
 * instances shows at the next scrape; nothing is kept between scrapes).
 */
export function registerInstanceMetrics(register: Registry, pools: Pick<PoolRegistry, 'allInstances'>, now: () => number): void {
  const registers = [register];
  new Gauge({
    name: 'poolgate_instance_state',
    help: 'Health state of each instance: 1 for its current state, 0 for the others.',
    labelNames: ['pool', 'instance', 'state'],
    registers,
    collect() {
      this.reset();
      const at = now();
      for (const instance of pools.allInstances) {
        const status = instance.status(at);
        const labels = labelsOf(instance);
        for (const state of STATES) this.set({ ...labels, state }, state === status ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'poolgate_instance_inflight',
    help: 'Requests in flight on each instance.',
    labelNames: ['pool', 'instance'],
    registers,
    collect() {
      this.reset();
      for (const instance of pools.allInstances) this.set(labelsOf(instance), instance.inflight);
    },
  });
  new Gauge({
    name: 'poolgate_instance_cooldown_seconds_remaining',
    help: 'Seconds until a cooling instance may be tried again (0 when not cooling).',
    labelNames: ['pool', 'instance'],
    registers,
    collect() {
      this.reset();
      const at = now();
      for (const instance of pools.allInstances) {
        const { cooling, until } = instance.health;
        this.set(labelsOf(instance), cooling && until > at ? (until - at) / 1000 : 0);
      }
    },
  });
  // Counters from the instances' persisted stats: an operator who resets one in the pools file
  // makes it go down, which Prometheus treats as a counter reset.
  new Counter({
    name: 'poolgate_instance_usage_total',
    help: 'Requests each instance was chosen for (usageCount, persisted in the pools file).',
    labelNames: ['pool', 'instance'],
    registers,
    collect() {
      this.reset();
      for (const instance of pools.allInstances) this.inc(labelsOf(instance), instance.stats.usageCount);
    },
  });
  new Counter({
    name: 'poolgate_instance_errors_total',
    help: 'Failures held against each instance (errorCount, persisted in the pools file).',
    labelNames: ['pool', 'instance'],
    registers,
    collect() {
      this.reset();
      for (const instance of pools.allInstances) this.inc(labelsOf(instance), instance.stats.errorCount);
    },
  });
}
