import { describe, expect, it } from 'vitest';
import type { MockRecordedRequest } from './mock-upstream-types.js';
import { RequestRing } from './request-ring.js';

function record(n: number, apiKey?: string): MockRecordedRequest {
  return { method: 'POST', path: `/p${n}`, headers: {}, body: { n }, apiKey };
}

describe('RequestRing', () => {
  it('lists requests oldest first and keeps only the last `capacity`', () => {
    const ring = new RequestRing(3);
    for (let n = 1; n <= 5; n++) ring.add(record(n, 'k'));
    expect(ring.list().map((r) => r.path)).toEqual(['/p3', '/p4', '/p5']);
    ring.add(record(6));
    expect(ring.list().map((r) => r.path)).toEqual(['/p4', '/p5', '/p6']);
  });

  it('counts per key beyond the ring capacity, missing keys under ""', () => {
    const ring = new RequestRing(2);
    for (let n = 0; n < 5; n++) ring.add(record(n, 'a'));
    ring.add(record(9));
    expect(ring.countFor('a')).toBe(5);
    expect(ring.countFor('')).toBe(1);
    expect(ring.countFor('b')).toBe(0);
  });

  it('resets records and counts', () => {
    const ring = new RequestRing(2);
    ring.add(record(1, 'a'));
    ring.add(record(2, 'a'));
    ring.add(record(3, 'a'));
    ring.reset();
    expect(ring.list()).toEqual([]);
    expect(ring.countFor('a')).toBe(0);
    ring.add(record(4, 'a'));
    expect(ring.list().map((r) => r.path)).toEqual(['/p4']);
  });
});
