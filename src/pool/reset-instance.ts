import { freshHealth } from './instance-health.js';
import type { PoolInstance } from './pool-instance.js';

/**
 * An operator's reset: the instance leaves any cooldown and its consecutive-failure counters
 * start again (lifetime stats such as errorCount are kept). A half-open trial already in flight
 * keeps its mark, so the instance is not handed to two trials at once; in-flight counts are
 * untouched. PoolRegistry.reset also schedules the pools-file write (clearing cooldownUntil there).
 */
export function resetInstance(instance: PoolInstance): void {
  Object.assign(instance.health, freshHealth(), { probeInFlight: instance.health.probeInFlight });
  instance.dirty = true;
}
