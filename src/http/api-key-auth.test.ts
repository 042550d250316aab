import { describe, expect, it } from 'vitest';
import { ApiKeyCheck, extractApiKey } from './api-key-auth.js';

describe('ApiKeyCheck', () => {
  const check = new ApiKeyCheck('pg-secret-key');

  it('accepts exactly the key', () => {
    expect(check.matches('pg-secret-key')).toBe(true);
  });

  it('rejects prefixes, extensions, other keys and nothing', () => {
    for (const candidate of ['pg-secret-ke', 'pg-secret-key!', 'pg-secret-kez', '', 'x'.repeat(600), 'pg-secret-key\0', undefined]) {
      expect(check.matches(candidate)).toBe(false);
    }
  });

  it('compares multi-byte keys whole', () => {
    const unicode = new ApiKeyCheck('clé-🔑');
    expect(unicode.matches('clé-🔑')).toBe(true);
    expect(unicode.matches('cle-🔑')).toBe(false);
  });

  it('compares long keys whole and refuses an empty one', () => {
    const long = new ApiKeyCheck(`${'k'.repeat(2000)}z`);
    expect(long.matches(`${'k'.repeat(2000)}z`)).toBe(true);
    expect(long.matches(`${'k'.repeat(2000)}y`)).toBe(false);
    expect(long.matches('k'.repeat(2001))).toBe(false);
    expect(() => new ApiKeyCheck('')).toThrow(/must not be empty/);
  });

  it('does not accept a candidate that repeats the key', () => {
    expect(check.matches('pg-secret-keypg-secret-key')).toBe(false);
  });
});

describe('extractApiKey', () => {
  it('reads Bearer, x-api-key, x-goog-api-key and ?key=', () => {
    expect(extractApiKey({ authorization: 'Bearer abc' }, '')).toBe('abc');
    expect(extractApiKey({ authorization: 'bearer abc' }, '')).toBe('abc');
    expect(extractApiKey({ 'x-api-key': 'def' }, '')).toBe('def');
    expect(extractApiKey({ 'x-goog-api-key': 'ghi' }, '')).toBe('ghi');
    expect(extractApiKey({}, '?alt=sse&key=jkl')).toBe('jkl');
    expect(extractApiKey({}, '?alt=sse')).toBeUndefined();
  });
});
