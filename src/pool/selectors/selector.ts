import type { PoolInstance } from '../pool-instance.js';

export type Eligible = (instance: PoolInstance) => boolean;

/**
 * A selection strategy over one pool. `rebuild` runs when membership or weights change, so
 * `pick` stays O(1) (or O(log n)) in the common case where most instances are eligible.
 */
export interface Selector {
  rebuild(instances: readonly PoolInstance[]): void;
  pick(eligible: Eligible): PoolInstance | undefined;
}
