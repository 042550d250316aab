import type { PoolInstance } from '../pool-instance.js';
import type { Eligible, Selector } from './selector.js';

const RANDOM_TRIES = 8;

/**
 * Picks at random in proportion to `weight`: a binary search over prefix sums (O(log n)); when
 * the drawn instance is not eligible it draws again, and after a few misses it falls back to a
 * weighted draw over the eligible ones only, so a mostly-cooling pool still picks fairly.
 */
export class WeightedSelector implements Selector {
  private instances: readonly PoolInstance[] = [];
  private prefix: Float64Array = new Float64Array(0);
  private total = 0;

  constructor(private readonly random: () => number) {}

  rebuild(instances: readonly PoolInstance[]): void {
    this.instances = instances;
    this.prefix = new Float64Array(instances.length);
    let sum = 0;
    instances.forEach((instance, i) => {
      sum += instance.weight;
      this.prefix[i] = sum;
    });
    this.total = sum;
  }

  private draw(): PoolInstance | undefined {
    const target = this.random() * this.total;
    let lo = 0;
    let hi = this.prefix.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.prefix[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.instances[lo];
  }

  pick(eligible: Eligible): PoolInstance | undefined {
    if (this.instances.length === 0) return undefined;
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const instance = this.draw();
      if (instance && eligible(instance)) return instance;
    }
    let sum = 0;
    const candidates: PoolInstance[] = [];
    for (const instance of this.instances) {
      if (eligible(instance)) {
        candidates.push(instance);
        sum += instance.weight;
      }
    }
    let target = this.random() * sum;
    for (const instance of candidates) {
      target -= instance.weight;
      if (target < 0) return instance;
    }
    return candidates[candidates.length - 1];
  }
}
