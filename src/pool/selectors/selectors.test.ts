import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstanceRecord } from '../../config/instance-record.js';
// The mock upstream's seeded PRNG, so property runs draw the same sequence on every run.
import { mulberry32 } from '../../mock-upstream/mulberry32.js';
import type { UpstreamConnection } from '../../upstream/provider-adapter.js';
import { PoolInstance } from '../pool-instance.js';
import { createSelector } from './create-selector.js';
import { LeastInflightSelector } from './least-inflight-selector.js';
import { PrioritySelector } from './priority-selector.js';
import { RoundRobinSelector } from './round-robin-selector.js';
import type { Selector } from './selector.js';
import { WeightedSelector } from './weighted-selector.js';

const NOW = 1_700_000_000_000;
const MODEL = 'gpt-4o';
/** Never called: selection only checks that an instance has a connection. */
const CONNECTION = {} as UpstreamConnection;
/** fast-check runs are reproducible: a failure reports the same counterexample on every run. */
const FC = { seed: 20240611, numRuns: 100 } as const;

function instance(index: number, fields: Partial<InstanceRecord> = {}, connection: UpstreamConnection | undefined = CONNECTION): PoolInstance {
  const record: InstanceRecord = { uuid: `i-${index}`, ...fields };
  return new PoolInstance('openai-custom', 'openai-custom', record, connection, NOW);
}

/** Why an instance cannot serve, exercised through the real `canServe`. */
type Blocker = 'none' | 'cooling' | 'disabled' | 'no-connection' | 'unsupported-model' | 'at-limit' | 'probe-in-flight';
const blocker = fc.constantFrom<Blocker>('none', 'none', 'none', 'cooling', 'disabled', 'no-connection', 'unsupported-model', 'at-limit', 'probe-in-flight');

function blocked(index: number, why: Blocker, fields: Partial<InstanceRecord> = {}): PoolInstance {
  switch (why) {
    case 'none':
      return instance(index, fields);
    case 'cooling':
      return instance(index, { ...fields, cooldownUntil: NOW + 60_000, cooldownReason: 'HTTP 429' });
    case 'disabled':
      return instance(index, { ...fields, isDisabled: true });
    case 'no-connection':
      return instance(index, fields, undefined);
    case 'unsupported-model':
      return instance(index, { ...fields, notSupportedModels: [MODEL] });
    case 'at-limit': {
      const at = instance(index, { ...fields, concurrencyLimit: 1 });
      at.inflight = 1;
      return at;
    }
    case 'probe-in-flight': {
      // Its cooldown has passed (so it is probing) but the one trial request is still out.
      const probing = instance(index, fields);
      probing.health.cooling = true;
      probing.health.until = NOW - 1;
      probing.health.probeInFlight = true;
      return probing;
    }
  }
}

const canServe = (candidate: PoolInstance): boolean => candidate.canServe(MODEL, NOW);

function tally(picks: Array<PoolInstance | undefined>): Map<PoolInstance | undefined, number> {
  const counts = new Map<PoolInstance | undefined, number>();
  for (const picked of picks) counts.set(picked, (counts.get(picked) ?? 0) + 1);
  return counts;
}

/** Upper critical value of chi-square with `df` degrees of freedom at z ≈ 4.75 (p ≈ 1e-6), Wilson–Hilferty. */
function chiSquareCritical(df: number): number {
  const z = 4.75;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
}

describe('every selector: pick returns an eligible member, or undefined only when none is', () => {
  const strategies = ['round-robin', 'weighted', 'priority', 'fill-first', 'least-inflight'] as const;

  for (const strategy of strategies) {
    it(strategy, () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.tuple(blocker, fc.integer({ min: -2, max: 2 }), fc.integer({ min: 1, max: 5 }), fc.nat(3)), { maxLength: 10 }), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 30 }),
          fc.nat(),
          (generations, picksPerGeneration, seed) => {
            const selector = createSelector(strategy, mulberry32(seed));
            // Membership changes between rounds of picks (a reload), shrinking and growing the pool.
            for (const generation of generations) {
              const members = generation.map(([why, priority, weight, inflight], i) => {
                const member = blocked(i, why, { priority, weight });
                member.inflight += inflight;
                return member;
              });
              selector.rebuild(members);
              const anyEligible = members.some(canServe);
              for (let p = 0; p < picksPerGeneration; p++) {
                const picked = selector.pick(canServe);
                if (anyEligible) {
                  expect(picked).toBeDefined();
                  expect(members).toContain(picked);
                  expect(canServe(picked!)).toBe(true);
                } else {
                  expect(picked).toBeUndefined();
                }
              }
            }
          },
        ),
        FC,
      );
    });
  }

  it('an empty pool gives undefined', () => {
    for (const strategy of strategies) {
      const selector = createSelector(strategy, mulberry32(1));
      selector.rebuild([]);
      expect(selector.pick(() => true)).toBeUndefined();
    }
  });
});

describe('RoundRobinSelector', () => {
  it('gives each eligible instance within ±1 of an equal share over k*n picks, never an ineligible one', () => {
    fc.assert(
      fc.property(
        fc.array(blocker, { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.boolean(), { maxLength: 40 }),
        (blockers, k, warmup) => {
          const members = blockers.map((why, i) => blocked(i, why));
          const selector = new RoundRobinSelector();
          selector.rebuild(members);
          // Move the cursor somewhere arbitrary first, with a different eligibility.
          for (const [i, odd] of warmup.entries()) selector.pick((candidate) => members.indexOf(candidate) % 2 === (odd ? 1 : 0) || i % 3 === 0);

          const eligible = members.filter(canServe);
          const n = members.length;
          const picks = Array.from({ length: k * n }, () => selector.pick(canServe));
          if (eligible.length === 0) {
            expect(picks.every((picked) => picked === undefined)).toBe(true);
            return;
          }
          const counts = tally(picks);
          for (const picked of counts.keys()) expect(eligible).toContain(picked);
          const share = (k * n) / eligible.length;
          for (const member of eligible) {
            const count = counts.get(member) ?? 0;
            expect(count).toBeGreaterThanOrEqual(Math.floor(share) - 1);
            expect(count).toBeLessThanOrEqual(Math.ceil(share) + 1);
          }
        },
      ),
      FC,
    );
  });

  it('visits the eligible instances in file order, skipping the others', () => {
    const members = [instance(0), instance(1, { isDisabled: true }), instance(2), instance(3)];
    const selector = new RoundRobinSelector();
    selector.rebuild(members);
    const order = Array.from({ length: 6 }, () => selector.pick(canServe)!.uuid);
    expect(order).toEqual(['i-0', 'i-2', 'i-3', 'i-0', 'i-2', 'i-3']);
  });

  it('still picks after a rebuild shrinks the pool below the cursor', () => {
    const members = [instance(0), instance(1), instance(2), instance(3)];
    const selector = new RoundRobinSelector();
    selector.rebuild(members);
    for (let i = 0; i < 3; i++) selector.pick(canServe);
    selector.rebuild(members.slice(0, 2));
    const picks = Array.from({ length: 4 }, () => selector.pick(canServe)!.uuid);
    expect(new Set(picks)).toEqual(new Set(['i-0', 'i-1']));
  });
});

describe('WeightedSelector (seeded RNG)', () => {
  it('frequencies converge to weight / total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 8 }), fc.nat(), (weights, seed) => {
        const members = weights.map((weight, i) => instance(i, { weight }));
        const selector = new WeightedSelector(mulberry32(seed));
        selector.rebuild(members);
        const samples = 20_000;
        const counts = tally(Array.from({ length: samples }, () => selector.pick(canServe)));
        const total = weights.reduce((a, b) => a + b, 0);
        const expected = weights.map((weight) => (samples * weight) / total);
        const observed = members.map((member) => counts.get(member) ?? 0);
        expect(chiSquare(observed, expected)).toBeLessThan(chiSquareCritical(weights.length - 1));
        for (const [i, weight] of weights.entries()) expect(Math.abs(observed[i]! / samples - weight / total)).toBeLessThan(0.02);
      }),
      { ...FC, numRuns: 30 },
    );
  });

  it('over the eligible subset, frequencies converge to weight / eligible total', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.boolean()), { minLength: 2, maxLength: 8 }).filter((entries) => entries.some(([, ok]) => ok)),
        fc.nat(),
        (entries, seed) => {
          const members = entries.map(([weight, ok], i) => instance(i, { weight, isDisabled: !ok }));
          const selector = new WeightedSelector(mulberry32(seed));
          selector.rebuild(members);
          const samples = 20_000;
          const counts = tally(Array.from({ length: samples }, () => selector.pick(canServe)));
          const eligible = members.filter(canServe);
          for (const picked of counts.keys()) expect(eligible).toContain(picked);
          if (eligible.length < 2) return;
          const total = eligible.reduce((sum, member) => sum + member.weight, 0);
          const observed = eligible.map((member) => counts.get(member) ?? 0);
          const expected = eligible.map((member) => (samples * member.weight) / total);
          expect(chiSquare(observed, expected)).toBeLessThan(chiSquareCritical(eligible.length - 1));
        },
      ),
      { ...FC, numRuns: 30 },
    );
  });

  it('stays proportional when nearly all the weight is ineligible (the fallback draw)', () => {
    const members = [instance(0, { weight: 1000, isDisabled: true }), instance(1, { weight: 1000, isDisabled: true }), instance(2, { weight: 1 }), instance(3, { weight: 3 })];
    const selector = new WeightedSelector(mulberry32(7));
    selector.rebuild(members);
    const samples = 20_000;
    const counts = tally(Array.from({ length: samples }, () => selector.pick(canServe)));
    expect(counts.get(members[0]!) ?? 0).toBe(0);
    expect(counts.get(members[1]!) ?? 0).toBe(0);
    const observed = [counts.get(members[2]!) ?? 0, counts.get(members[3]!) ?? 0];
    expect(observed[0]! + observed[1]!).toBe(samples);
    expect(chiSquare(observed, [samples / 4, (3 * samples) / 4])).toBeLessThan(chiSquareCritical(1));
  });

  it('the same seed gives the same sequence', () => {
    const members = [instance(0, { weight: 1 }), instance(1, { weight: 2 }), instance(2, { weight: 3 })];
    const run = (): string[] => {
      const selector = new WeightedSelector(mulberry32(99));
      selector.rebuild(members);
      return Array.from({ length: 50 }, () => selector.pick(canServe)!.uuid);
    };
    expect(run()).toEqual(run());
  });
});

describe('PrioritySelector', () => {
  const tiered = fc.array(fc.tuple(fc.integer({ min: -2, max: 3 }), blocker), { minLength: 1, maxLength: 14 });

  for (const mode of ['fill-first', 'round-robin'] as const) {
    it(`${mode}: never picks a lower tier while a higher-tier instance is eligible`, () => {
      fc.assert(
        fc.property(tiered, fc.integer({ min: 1, max: 40 }), (entries, picks) => {
          const members = entries.map(([priority, why], i) => blocked(i, why, { priority }));
          const selector = new PrioritySelector(mode);
          selector.rebuild(members);
          const eligible = members.filter(canServe);
          const best = Math.min(...eligible.map((member) => member.priority));
          for (let p = 0; p < picks; p++) {
            const picked = selector.pick(canServe);
            if (eligible.length === 0) {
              expect(picked).toBeUndefined();
              continue;
            }
            expect(eligible).toContain(picked);
            expect(picked!.priority).toBe(best);
          }
        }),
        FC,
      );
    });
  }

  it('fill-first keeps picking the first eligible instance of the top tier, in file order', () => {
    fc.assert(
      fc.property(tiered, fc.integer({ min: 1, max: 40 }), (entries, picks) => {
        const members = entries.map(([priority, why], i) => blocked(i, why, { priority }));
        const selector = new PrioritySelector('fill-first');
        selector.rebuild(members);
        const eligible = members.filter(canServe);
        const best = Math.min(...eligible.map((member) => member.priority));
        const first = eligible.find((member) => member.priority === best);
        for (let p = 0; p < picks; p++) expect(selector.pick(canServe)).toBe(first);
      }),
      FC,
    );
  });

  it('fill-first moves to the next instance only once the first cannot serve, and back when it can', () => {
    const members = [instance(0), instance(1), instance(2, { priority: 1 })];
    const selector = new PrioritySelector('fill-first');
    selector.rebuild(members);
    expect(selector.pick(canServe)).toBe(members[0]);
    members[0]!.health.cooling = true;
    members[0]!.health.until = NOW + 1000;
    expect(selector.pick(canServe)).toBe(members[1]);
    expect(selector.pick(canServe)).toBe(members[1]);
    members[1]!.disabled = true;
    expect(selector.pick(canServe)).toBe(members[2]);
    members[0]!.health.cooling = false;
    expect(selector.pick(canServe)).toBe(members[0]);
  });

  it('round-robin spreads evenly (±1) over the eligible instances of the top tier', () => {
    fc.assert(
      fc.property(tiered, fc.integer({ min: 1, max: 20 }), (entries, k) => {
        const members = entries.map(([priority, why], i) => blocked(i, why, { priority }));
        const selector = new PrioritySelector('round-robin');
        selector.rebuild(members);
        const eligible = members.filter(canServe);
        if (eligible.length === 0) return;
        const best = Math.min(...eligible.map((member) => member.priority));
        const top = eligible.filter((member) => member.priority === best);
        const counts = tally(Array.from({ length: k * top.length }, () => selector.pick(canServe)));
        for (const member of top) expect(counts.get(member)).toBe(k);
      }),
      FC,
    );
  });

  it('createSelector maps priority to round-robin tiers and fill-first to fill-first tiers', () => {
    const members = [instance(0, { priority: 5 }), instance(1), instance(2)];
    const priority = createSelector('priority', Math.random);
    const fillFirst = createSelector('fill-first', Math.random);
    priority.rebuild(members);
    fillFirst.rebuild(members);
    expect([priority.pick(canServe), priority.pick(canServe)]).toEqual([members[1], members[2]]);
    expect([fillFirst.pick(canServe), fillFirst.pick(canServe)]).toEqual([members[1], members[1]]);
  });
});

describe('LeastInflightSelector', () => {
  it('picks an eligible instance with the minimum in-flight count', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(6), blocker), { minLength: 1, maxLength: 14 }), fc.array(fc.nat(13), { maxLength: 20 }), (entries, bumps) => {
        const members = entries.map(([inflight, why], i) => {
          const member = blocked(i, why);
          member.inflight += inflight;
          return member;
        });
        const selector: Selector = new LeastInflightSelector();
        selector.rebuild(members);
        // Between picks the in-flight counts move, as requests start and end.
        for (const bump of [0, ...bumps]) {
          const moved = members[bump % members.length]!;
          if (bump % 2 === 0) moved.inflight++;
          else if (moved.inflight > 0) moved.inflight--;
          const eligible = members.filter(canServe);
          const picked = selector.pick(canServe);
          if (eligible.length === 0) {
            expect(picked).toBeUndefined();
            continue;
          }
          expect(eligible).toContain(picked);
          expect(picked!.inflight).toBe(Math.min(...eligible.map((member) => member.inflight)));
        }
      }),
      FC,
    );
  });

  it('rotates among ties, so an idle pool still spreads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.nat(4), fc.integer({ min: 1, max: 10 }), (n, level, k) => {
        const members = Array.from({ length: n }, (_, i) => instance(i));
        for (const member of members) member.inflight = level;
        const selector = new LeastInflightSelector();
        selector.rebuild(members);
        const counts = tally(Array.from({ length: k * n }, () => selector.pick(canServe)));
        for (const member of members) expect(counts.get(member)).toBe(k);
      }),
      FC,
    );
  });

  it('keeps in-flight counts balanced (max - min <= 1) when each pick starts a request', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 100 }), (n, requests) => {
        const members = Array.from({ length: n }, (_, i) => instance(i));
        const selector = new LeastInflightSelector();
        selector.rebuild(members);
        for (let r = 0; r < requests; r++) selector.pick(canServe)!.inflight++;
        const counts = members.map((member) => member.inflight);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      FC,
    );
  });
});
