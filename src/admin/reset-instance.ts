import { freshHealth } from '../pool/instance-health.js';
import type { PoolInstance } from '../pool/pool-instance.js';

/**
 * An operator's reset: the instance leaves any cooldown and its consecutive-failure counters
 * start again (lifetime stats such as errorCount are kept). A half-open trial already in flight
 * keeps its mark, so the instance is not handed to two trials at once; in-flight counts are
 * untouched. The caller schedules the pools-file write (the file's cooldownUntil is cleared).
 */
export function resetInstance(instance: PoolInstance): void {
  Object.assign(instance.health, freshHealth(), { probeInFlight: instance.health.probeInFlight });
  instance.dirty = true;
}
