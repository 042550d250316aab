import type { PoolInstance } from '../pool-instance.js';
import type { Eligible, Selector } from './selector.js';

/**
 * The eligible instance with the fewest requests in flight; ties go round robin so an idle pool
 * still spreads. This scans the pool (O(n)); pools large enough for that to matter should use
 * round robin or weighted.
 */
export class LeastInflightSelector implements Selector {
  private instances: readonly PoolInstance[] = [];
  private cursor = 0;

  rebuild(instances: readonly PoolInstance[]): void {
    this.instances = instances;
    if (this.cursor >= instances.length) this.cursor = 0;
  }

  pick(eligible: Eligible): PoolInstance | undefined {
    const list = this.instances;
    const n = list.length;
    let best: PoolInstance | undefined;
    let bestIndex = 0;
    for (let step = 0; step < n; step++) {
      const index = (this.cursor + step) % n;
      const instance = list[index]!;
      if (!eligible(instance)) continue;
      if (!best || instance.inflight < best.inflight) {
        best = instance;
        bestIndex = index;
        if (instance.inflight === 0) break;
      }
    }
    if (best) this.cursor = (bestIndex + 1) % n;
    return best;
  }
}
