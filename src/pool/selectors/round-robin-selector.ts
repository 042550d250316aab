import type { PoolInstance } from '../pool-instance.js';
import type { Eligible, Selector } from './selector.js';

/** The seed's default: each request goes to the next eligible instance in file order. */
export class RoundRobinSelector implements Selector {
  private instances: readonly PoolInstance[] = [];
  private cursor = 0;

  rebuild(instances: readonly PoolInstance[]): void {
    this.instances = instances;
    if (this.cursor >= instances.length) this.cursor = 0;
  }

  pick(eligible: Eligible): PoolInstance | undefined {
    const list = this.instances;
    const n = list.length;
    for (let step = 0; step < n; step++) {
      const index = (this.cursor + step) % n;
      const instance = list[index]!;
      if (eligible(instance)) {
        this.cursor = (index + 1) % n;
        return instance;
      }
    }
    return undefined;
  }
}
