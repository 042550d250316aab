import type { SelectionStrategyName } from '../../config/config-schema.js';
import { LeastInflightSelector } from './least-inflight-selector.js';
import { PrioritySelector } from './priority-selector.js';
import { RoundRobinSelector } from './round-robin-selector.js';
import type { Selector } from './selector.js';
import { WeightedSelector } from './weighted-selector.js';

export function createSelector(strategy: SelectionStrategyName, random: () => number): Selector {
  switch (strategy) {
    case 'round-robin':
      return new RoundRobinSelector();
    case 'weighted':
      return new WeightedSelector(random);
    case 'priority':
      return new PrioritySelector('round-robin');
    case 'fill-first':
      return new PrioritySelector('fill-first');
    case 'least-inflight':
      return new LeastInflightSelector();
  }
}
