import { describe, expect, it } from 'vitest';
import { FaultBook } from './fault-book.js';

describe('FaultBook', () => {
  it('answers none when no fault is set', () => {
    expect(new FaultBook(1).take('k')).toEqual({ kind: 'none' });
  });

  it("prefers the key's own fault over the wildcard", () => {
    const book = new FaultBook(1);
    book.set('*', { kind: 'hang' });
    book.set('k1', { kind: 'reset' });
    expect(book.take('k1').kind).toBe('reset');
    expect(book.take('k2').kind).toBe('hang');
    book.clear();
    expect(book.take('k1').kind).toBe('none');
  });

  it('applies a status fault with times to the next N requests only, then normal (not the wildcard)', () => {
    const book = new FaultBook(1);
    book.set('*', { kind: 'hang' });
    book.set('k', { kind: 'status', status: 429, retryAfter: '1', times: 2 });
    expect(book.take('k')).toMatchObject({ kind: 'status', status: 429 });
    expect(book.take('k')).toMatchObject({ kind: 'status', status: 429 });
    expect(book.take('k').kind).toBe('none');
  });

  it('applies a status fault without times to every request', () => {
    const book = new FaultBook(1);
    book.set('k', { kind: 'status', status: 500 });
    for (let i = 0; i < 5; i++) expect(book.take('k')).toMatchObject({ kind: 'status', status: 500 });
  });

  it('walks a sequence one step per request, then answers normally', () => {
    const book = new FaultBook(1);
    book.set('k', {
      kind: 'sequence',
      steps: [{ kind: 'status', status: 500, times: 5 }, { kind: 'reset' }, { kind: 'flaky', failureRate: 1, status: 503 }],
    });
    expect(book.take('k')).toMatchObject({ kind: 'status', status: 500 });
    expect(book.take('k').kind).toBe('reset');
    expect(book.take('k')).toEqual({ kind: 'status', status: 503 });
    expect(book.take('k').kind).toBe('none');
    expect(book.take('k').kind).toBe('none');
  });

  it('fails flaky requests reproducibly for a seed, near the failure rate', () => {
    const pattern = (seed: number): string => {
      const book = new FaultBook(seed);
      book.set('k', { kind: 'flaky', failureRate: 0.3 });
      return Array.from({ length: 200 }, () => (book.take('k').kind === 'status' ? 'x' : '.')).join('');
    };
    const first = pattern(99);
    expect(pattern(99)).toBe(first);
    expect(pattern(100)).not.toBe(first);
    const failures = first.split('').filter((c) => c === 'x').length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(90);
  });

  it('restarts the flaky RNG when the fault is set again', () => {
    const book = new FaultBook(5);
    const run = (): string[] => {
      book.set('k', { kind: 'flaky', failureRate: 0.5, status: 502 });
      return Array.from({ length: 20 }, () => book.take('k').kind);
    };
    expect(run()).toEqual(run());
  });

  it('defaults the flaky status to 500 and never fails at rate 0', () => {
    const book = new FaultBook(1);
    book.set('a', { kind: 'flaky', failureRate: 1 });
    book.set('b', { kind: 'flaky', failureRate: 0 });
    expect(book.take('a')).toEqual({ kind: 'status', status: 500 });
    for (let i = 0; i < 20; i++) expect(book.take('b').kind).toBe('none');
  });
});
