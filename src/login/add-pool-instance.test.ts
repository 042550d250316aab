import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'jsonc-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import { addPoolInstance, credsPathForPoolsFile } from './add-pool-instance.js';
import { LoginError } from './login-error.js';

describe('addPoolInstance', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pools-add-'));
    file = path.join(dir, 'provider_pools.json');
  });
  const add = (fields: Record<string, unknown>, poolKey = 'openai-qwen-oauth') =>
    addPoolInstance({ poolsFile: file, poolKey, fields, credsField: 'QWEN_OAUTH_CREDS_FILE_PATH', newUuid: () => 'new-uuid' });

  it('creates a missing file with exactly one instance', async () => {
    await expect(add({ QWEN_OAUTH_CREDS_FILE_PATH: './q.json' })).resolves.toEqual({ uuid: 'new-uuid', added: true });
    const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown[]>;
    expect(Object.keys(document)).toEqual(['openai-qwen-oauth']);
    expect(document['openai-qwen-oauth']).toEqual([
      { QWEN_OAUTH_CREDS_FILE_PATH: './q.json', uuid: 'new-uuid', checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null },
    ]);
  });

  it('appends to an existing pool, keeping comments and every other pool and instance', async () => {
    const original = `{
  // my keys
  "openai-custom": [{ "OPENAI_API_KEY": "sk-1", "OPENAI_BASE_URL": "https://x/v1", "uuid": "a", "usageCount": 7, "custom": {"n": [1, 2]} }],
  "openai-qwen-oauth": [{ "QWEN_OAUTH_CREDS_FILE_PATH": "./old.json", "uuid": "b" }],
  "some-future-provider": [{ "X": 1 }]
}
`;
    await writeFile(file, original);
    await add({ QWEN_OAUTH_CREDS_FILE_PATH: './new.json' });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('// my keys');
    const before = parse(original) as Record<string, unknown[]>;
    const after = parse(text) as Record<string, unknown[]>;
    expect(after['openai-custom']).toEqual(before['openai-custom']);
    expect(after['some-future-provider']).toEqual(before['some-future-provider']);
    expect(after['openai-qwen-oauth']).toHaveLength(2);
    expect(after['openai-qwen-oauth']![0]).toEqual(before['openai-qwen-oauth']![0]);
    expect(after['openai-qwen-oauth']![1]).toMatchObject({ QWEN_OAUTH_CREDS_FILE_PATH: './new.json', uuid: 'new-uuid' });
  });

  it('adds a new pool next to the others', async () => {
    await writeFile(file, JSON.stringify({ 'openai-custom': [{ OPENAI_API_KEY: 'k', uuid: 'a' }] }, null, 2));
    await add({ KIRO_OAUTH_CREDS_FILE_PATH: './k.json' }, 'claude-kiro-oauth');
    const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown[]>;
    expect(after['openai-custom']).toEqual([{ OPENAI_API_KEY: 'k', uuid: 'a' }]);
    expect(after['claude-kiro-oauth']).toHaveLength(1);
  });

  it('does not add a second instance for the same creds file', async () => {
    await writeFile(file, JSON.stringify({ 'openai-qwen-oauth': [{ QWEN_OAUTH_CREDS_FILE_PATH: './q.json', uuid: 'old' }] }));
    const before = await readFile(file, 'utf8');
    await expect(add({ QWEN_OAUTH_CREDS_FILE_PATH: './q.json' })).resolves.toEqual({ uuid: 'old', added: false });
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('never overwrites a file that does not parse or is not a pools file', async () => {
    for (const bad of ['{ "openai-custom": [ ', '{"openai-custom": {"not": "an array"}}', '[]']) {
      await writeFile(file, bad);
      await expect(add({ QWEN_OAUTH_CREDS_FILE_PATH: './q.json' })).rejects.toBeInstanceOf(LoginError);
      expect(await readFile(file, 'utf8')).toBe(bad);
    }
  });

  it('writes creds paths relative to the pools file when inside its directory, absolute otherwise', () => {
    expect(credsPathForPoolsFile('/a/b/creds/q.json', '/a/b/provider_pools.json')).toBe('./creds/q.json');
    expect(credsPathForPoolsFile('/home/u/.qwen/oauth_creds.json', '/a/b/provider_pools.json')).toBe('/home/u/.qwen/oauth_creds.json');
  });
});
