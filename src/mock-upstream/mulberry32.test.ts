import { describe, expect, it } from 'vitest';
import { hashString, mulberry32 } from './mulberry32.js';

describe('mulberry32', () => {
  it('replays the same sequence for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 50 }, () => a());
    expect(Array.from({ length: 50 }, () => b())).toEqual(first);
  });

  it('yields floats in [0, 1) that differ between seeds and spread out', () => {
    const values = Array.from({ length: 2000 }, mulberry32(7));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const other = mulberry32(8)();
    expect(other).not.toBe(values[0]);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
  });

  it('hashes strings to stable, distinct 32-bit values', () => {
    expect(hashString('k1')).toBe(hashString('k1'));
    expect(hashString('k1')).not.toBe(hashString('k2'));
    expect(hashString('')).toBe(0x811c9dc5);
  });
});
