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

  it('handles multi-byte keys by bytes', () => {
    const unicode = new ApiKeyCheck('clé-🔑');
    expect(unicode.matches('clé-🔑')).toBe(true);
    expect(unicode.matches('cle-🔑')).toBe(false);
  });

  it('refuses a configured key it could not compare whole', () => {
    expect(() => new ApiKeyCheck('k'.repeat(513))).toThrow(/longer than 512/);
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
