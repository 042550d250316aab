import type { PoolInstance } from '../pool-instance.js';
import type { Eligible, Selector } from './selector.js';

/**
 * Priority tiers (lower `priority` first). Within a tier, `fill-first` keeps using the first
 * eligible instance in file order until it cannot serve (so quota windows open one account at a
 * time), while `round-robin` spreads over the tier. A lower tier is used only when no instance
 * of a higher tier is eligible.
 */
export class PrioritySelector implements Selector {
  private tiers: PoolInstance[][] = [];
  private cursors: number[] = [];

  constructor(private readonly withinTier: 'fill-first' | 'round-robin') {}

  rebuild(instances: readonly PoolInstance[]): void {
    const byPriority = new Map<number, PoolInstance[]>();
    for (const instance of instances) {
      const tier = byPriority.get(instance.priority);
      if (tier) tier.push(instance);
      else byPriority.set(instance.priority, [instance]);
    }
    this.tiers = [...byPriority.entries()].sort((a, b) => a[0] - b[0]).map(([, tier]) => tier);
    this.cursors = this.tiers.map(() => 0);
  }

  pick(eligible: Eligible): PoolInstance | undefined {
    for (let t = 0; t < this.tiers.length; t++) {
      const tier = this.tiers[t]!;
      const start = this.withinTier === 'fill-first' ? 0 : this.cursors[t]!;
      for (let step = 0; step < tier.length; step++) {
        const index = (start + step) % tier.length;
        const instance = tier[index]!;
        if (eligible(instance)) {
          if (this.withinTier === 'round-robin') this.cursors[t] = (index + 1) % tier.length;
          return instance;
        }
      }
    }
    return undefined;
  }
}
