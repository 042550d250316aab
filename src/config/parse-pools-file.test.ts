import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parsePoolsFile } from './parse-pools-file.js';
import { providerTypeOfPoolKey, SEED_PROVIDER_TYPES } from './provider-types.js';

const SEED_FILE = fileURLToPath(new URL('../../test/fixtures/seed/provider_pools.json', import.meta.url));
const SEED_TEXT = readFileSync(SEED_FILE, 'utf8');
const FILE = '/etc/poolgate/provider_pools.json';

function noUuid(): string {
  throw new Error('no uuid should be generated');
}

function counter(prefix = 'gen'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

function parseError(text: string, newUuid: () => string = counter()): ConfigError {
  try {
    parsePoolsFile(text, FILE, newUuid);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(FILE);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe("parsePoolsFile: the seed's example", () => {
  it('loads unchanged, every pool in file order', () => {
    const parsed = parsePoolsFile(SEED_TEXT, SEED_FILE, noUuid);
    expect(parsed.generatedUuids).toBe(false);
    expect(parsed.document).toEqual(JSON.parse(SEED_TEXT));
    expect(`${JSON.stringify(parsed.document, null, 2)}\n`).toBe(SEED_TEXT);
    expect(parsed.pools.map((pool) => [pool.key, pool.records.length])).toEqual([
      ['openai-custom', 2],
      ['gemini-cli-oauth', 1],
      ['claude-custom', 1],
      ['claude-kiro-oauth', 1],
      ['openai-qwen-oauth', 1],
    ]);
  });

  it('keeps the non-RFC-4122 qwen uuid and every credential field', () => {
    const parsed = parsePoolsFile(SEED_TEXT, SEED_FILE, noUuid);
    const qwen = parsed.pools.find((pool) => pool.key === 'openai-qwen-oauth')!.records[0]!;
    expect(qwen.uuid).toBe('658a2114-c4c9-d713-b8d4-ceabf0e0bf18');
    expect(qwen.QWEN_OAUTH_CREDS_FILE_PATH).toBe('./qwen_creds.json');
    const openai = parsed.pools[0]!.records;
    expect(openai.map((record) => record.OPENAI_API_KEY)).toEqual(['sk-openai-key1', 'sk-openai-key2']);
    expect(openai[0]).toMatchObject({ checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null });
  });

  it('records are the very objects of the document, so a write-back carries them', () => {
    const parsed = parsePoolsFile(SEED_TEXT, SEED_FILE, noUuid);
    expect(parsed.pools[0]!.records[0]).toBe((parsed.document['openai-custom'] as unknown[])[0]);
  });
});

describe('parsePoolsFile: uuids', () => {
  it('generates a missing uuid, fills it into the document and flags the write-back', () => {
    const text = JSON.stringify({ 'openai-custom': [{ OPENAI_API_KEY: 'k1' }, { OPENAI_API_KEY: 'k2', uuid: 'given' }, { OPENAI_API_KEY: 'k3' }] });
    const parsed = parsePoolsFile(text, FILE, counter());
    expect(parsed.generatedUuids).toBe(true);
    expect(parsed.pools[0]!.records.map((record) => record.uuid)).toEqual(['gen-1', 'given', 'gen-2']);
    expect((parsed.document['openai-custom'] as Array<{ uuid: string }>).map((entry) => entry.uuid)).toEqual(['gen-1', 'given', 'gen-2']);
  });

  it('uses crypto.randomUUID by default', () => {
    const parsed = parsePoolsFile('{"claude-custom": [{"CLAUDE_API_KEY": "k"}]}', FILE);
    expect(parsed.pools[0]!.records[0]!.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('rejects a uuid repeated across pools, naming both entries', () => {
    const text = JSON.stringify({
      'openai-custom': [{ uuid: 'a' }, { uuid: 'dup' }],
      'claude-custom': [{ uuid: 'dup' }],
    });
    const error = parseError(text);
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('claude-custom[0].uuid = "dup"');
    expect(error.message).toContain('openai-custom[1].uuid');
  });

  it('rejects a uuid repeated within one pool, naming both entries', () => {
    const error = parseError(JSON.stringify({ 'openai-custom': [{ uuid: 'x' }, { uuid: 'y' }, { uuid: 'x' }] }));
    expect(error.message).toContain('openai-custom[2].uuid = "x"');
    expect(error.message).toContain('openai-custom[0].uuid');
  });

  it('rejects an empty uuid', () => {
    expect(parseError('{"openai-custom": [{"uuid": ""}]}').message).toContain('openai-custom[0].uuid = ""');
  });
});

describe('parsePoolsFile: bad values name their path', () => {
  it('weight: -1', () => {
    const error = parseError('{"openai-custom": [{"uuid": "a"}, {"uuid": "b", "weight": -1}]}');
    expect(error.message).toContain(`${FILE}: openai-custom[1].weight = -1:`);
  });

  it('usageCount: "x"', () => {
    const error = parseError('{"claude-custom": [{"uuid": "a", "usageCount": "x"}]}');
    expect(error.message).toContain(`${FILE}: claude-custom[0].usageCount = "x":`);
    expect(error.message).toMatch(/expected number/);
  });

  it('a pool whose value is not an array', () => {
    const error = parseError('{"openai-custom": {"uuid": "a"}}');
    expect(error.message).toContain(`${FILE}: openai-custom = {"uuid":"a"}: expected an array`);
  });

  it('an entry that is not an object', () => {
    const error = parseError('{"openai-custom": [{"uuid": "a"}, "sk-key"]}');
    expect(error.message).toContain('openai-custom[1]');
    expect(error.message).toContain('"sk-key"');
  });

  it('a nested path inside an entry (supportedModels)', () => {
    const error = parseError('{"openai-custom": [{"uuid": "a", "supportedModels": ["gpt-4o", 7]}]}');
    expect(error.message).toContain('openai-custom[0].supportedModels[1] = 7:');
  });

  it('every problem of the file at once, one per line', () => {
    const error = parseError(
      JSON.stringify({
        'openai-custom': [{ uuid: 'a', weight: -1 }],
        'claude-custom': 'nope',
        'gemini-cli-oauth': [{ uuid: 'g', errorCount: 1.5, isHealthy: 'yes' }],
      }),
    );
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).toContain('openai-custom[0].weight');
    expect(lines.join('\n')).toContain('claude-custom = "nope"');
    expect(lines.join('\n')).toContain('gemini-cli-oauth[0].errorCount = 1.5');
    expect(lines.join('\n')).toContain('gemini-cli-oauth[0].isHealthy = "yes"');
  });

  it('a root that is not an object', () => {
    expect(parseError('[]').message).toContain('(root)');
    expect(parseError('null').message).toContain('(root)');
  });

  it('invalid JSON, with line and column', () => {
    expect(parseError('{\n  "openai-custom": [\n    {"uuid": "a",, }\n  ]\n}').message).toMatch(/line 3, column \d+/);
  });
});

describe('parsePoolsFile: what it keeps', () => {
  it('preserves unknown fields and unserved pools in the document', () => {
    const text = JSON.stringify({
      'openai-custom': [{ uuid: 'a', OPENAI_API_KEY: 'k', note: 'team A', tags: ['x', { y: 1 }], weight: 2.5, priority: -1 }],
      'some-future-provider': [{ uuid: 'f', token: 't' }],
    });
    const parsed = parsePoolsFile(text, FILE, noUuid);
    expect(parsed.document).toEqual(JSON.parse(text));
    expect(parsed.pools[0]!.records[0]).toMatchObject({ note: 'team A', tags: ['x', { y: 1 }], weight: 2.5, priority: -1 });
    expect(parsed.pools.map((pool) => pool.key)).toEqual(['openai-custom', 'some-future-provider']);
  });

  it('accepts comments and trailing commas', () => {
    const parsed = parsePoolsFile('{\n  // main keys\n  "openai-custom": [\n    {"uuid": "a",},\n  ],\n}', FILE, noUuid);
    expect(parsed.pools[0]!.records[0]!.uuid).toBe('a');
  });

  it('accepts an empty pool and an empty file object', () => {
    expect(parsePoolsFile('{"openai-custom": []}', FILE, noUuid).pools).toEqual([{ key: 'openai-custom', records: [] }]);
    expect(parsePoolsFile('{}', FILE, noUuid).pools).toEqual([]);
  });

  it('accepts timestamps as ISO strings, epoch numbers or null', () => {
    const parsed = parsePoolsFile('{"openai-custom": [{"uuid": "a", "lastUsed": "2025-01-01T00:00:00.000Z", "lastErrorTime": 1735689600000, "cooldownUntil": null}]}', FILE, noUuid);
    expect(parsed.pools[0]!.records[0]!.lastErrorTime).toBe(1735689600000);
  });
});

describe('providerTypeOfPoolKey', () => {
  const known = [...SEED_PROVIDER_TYPES];

  it('maps a suffixed key to its type', () => {
    expect(providerTypeOfPoolKey('openai-custom-eu', known)).toBe('openai-custom');
    expect(providerTypeOfPoolKey('claude-kiro-oauth-team-2', known)).toBe('claude-kiro-oauth');
  });

  it('maps an exact key to itself', () => {
    for (const type of known) expect(providerTypeOfPoolKey(type, known)).toBe(type);
  });

  it('needs a dash after the type, and knows nothing else', () => {
    expect(providerTypeOfPoolKey('openai-customer', known)).toBeUndefined();
    expect(providerTypeOfPoolKey('openai', known)).toBeUndefined();
    expect(providerTypeOfPoolKey('mistral-custom', known)).toBeUndefined();
    expect(providerTypeOfPoolKey('', known)).toBeUndefined();
  });

  it('prefers the longest matching type, whatever the order of the list', () => {
    expect(providerTypeOfPoolKey('openai-custom-eu', ['openai', 'openai-custom'])).toBe('openai-custom');
    expect(providerTypeOfPoolKey('openai-custom-eu', ['openai-custom', 'openai'])).toBe('openai-custom');
    expect(providerTypeOfPoolKey('openai-eu', ['openai-custom', 'openai'])).toBe('openai');
  });

  it('property: <type>-<suffix> maps to <type> for every seed type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...known), fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/), (type, suffix) => {
        expect(providerTypeOfPoolKey(`${type}-${suffix}`, known)).toBe(type);
      }),
    );
  });
});
