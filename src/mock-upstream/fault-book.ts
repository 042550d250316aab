import type { MockFault } from './mock-upstream-types.js';
import { hashString, mulberry32 } from './mulberry32.js';

/** A fault reduced to what happens to one request: no `times`, `flaky` or `sequence` left. */
export type ResolvedFault = Exclude<MockFault, { kind: 'flaky' } | { kind: 'sequence' }>;

const NONE: ResolvedFault = { kind: 'none' };
const DEFAULT_FLAKY_STATUS = 500;

interface FaultEntry {
  fault: MockFault;
  /** Requests left for a `status` fault with `times`; steps taken for a `sequence`. */
  progress: number;
  random: () => number;
}

/**
 * The faults set per API key and their progress. Each key's flaky RNG is seeded from the server seed
 * and the key, and restarts whenever the key's fault is set, so a scenario replays identically.
 */
export class FaultBook {
  private readonly entries = new Map<string, FaultEntry>();

  constructor(private readonly seed: number) {}

  set(apiKey: string, fault: MockFault): void {
    const progress = fault.kind === 'status' && fault.times !== undefined ? fault.times : 0;
    this.entries.set(apiKey, { fault, progress, random: mulberry32(this.seed ^ hashString(apiKey)) });
  }

  clear(): void {
    this.entries.clear();
  }

  /** Decides the fault for the next request with this key and advances that fault's progress. */
  take(apiKey: string): ResolvedFault {
    if (this.entries.size === 0) return NONE;
    const entry = this.entries.get(apiKey) ?? this.entries.get('*');
    if (entry === undefined) return NONE;
    const { fault } = entry;
    switch (fault.kind) {
      case 'status':
        if (fault.times === undefined) return fault;
        if (entry.progress <= 0) return NONE;
        entry.progress -= 1;
        if (entry.progress === 0) entry.fault = NONE;
        return fault;
      case 'sequence': {
        const step = fault.steps[entry.progress];
        entry.progress += 1;
        if (entry.progress >= fault.steps.length) entry.fault = NONE;
        return step === undefined ? NONE : resolveStep(step, entry.random);
      }
      default:
        return resolveStep(fault, entry.random);
    }
  }
}

/** One request's worth of a fault: a flaky fault rolls its die, a nested sequence uses its first step. */
function resolveStep(fault: MockFault, random: () => number): ResolvedFault {
  switch (fault.kind) {
    case 'flaky':
      return random() < fault.failureRate
        ? { kind: 'status', status: fault.status ?? DEFAULT_FLAKY_STATUS }
        : NONE;
    case 'sequence': {
      const first = fault.steps[0];
      return first === undefined ? NONE : resolveStep(first, random);
    }
    default:
      return fault;
  }
}
