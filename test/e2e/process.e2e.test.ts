import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { eventually, openAIInstance } from '../support/start-test-gateway.js';
import { collect, exitOf, runCli, spawnGateway } from '../support/spawn-gateway.js';

const KEY = 'pg-process-test';
const ask = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

async function post(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: ask });
  await response.arrayBuffer();
  return response.status;
}

function usageSum(text: string): number {
  const document = JSON.parse(text) as Record<string, Array<{ usageCount?: number }>>;
  return (document['openai-custom'] ?? []).reduce((sum, entry) => sum + (entry.usageCount ?? 0), 0);
}

describe('the poolgate process', () => {
  let upstream: MockUpstream;
  let dir: string;

  beforeAll(async () => {
    upstream = await startMockUpstream();
    dir = await mkdtemp(path.join(tmpdir(), 'poolgate-process-'));
  });
  afterAll(async () => upstream.close());

  it('exits with code 2 naming the file, field, value and expectation of a bad setting', async () => {
    const config = path.join(dir, 'bad-config.json');
    await writeFile(config, '{\n  // the seed allows comments\n  "SERVER_PORT": "eighty",\n  "MODEL_PROVIDER": "openai-custom"\n}\n');
    const child = runCli(['--config', config], dir);
    const output = collect(child);
    expect(await exitOf(child)).toBe(2);
    expect(output()).toContain(config);
    expect(output()).toContain('SERVER_PORT');
    expect(output()).toContain('"eighty"');
    expect(output()).toMatch(/expected number/i);
  });

  it('names a missing pools file and a duplicate uuid', async () => {
    const missing = runCli(['--provider-pools-file', path.join(dir, 'nope.json')], dir);
    const missingOut = collect(missing);
    expect(await exitOf(missing)).toBe(2);
    expect(missingOut()).toMatch(/nope\.json: provider pools file is missing/);

    const dup = path.join(dir, 'dup.json');
    await writeFile(dup, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 'a', { uuid: 'same' }), openAIInstance(upstream.url, 'b', { uuid: 'same' })] }));
    const child = runCli(['--provider-pools-file', dup], dir);
    const output = collect(child);
    expect(await exitOf(child)).toBe(2);
    expect(output()).toMatch(/openai-custom\[1\]\.uuid.*duplicate of openai-custom\[0\]\.uuid/);
  });

  it('loses at most the max-wait window of stats on kill -9 under load, leaving a valid file', async () => {
    const poolsFile = path.join(dir, 'kill9.json');
    await writeFile(poolsFile, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 'k1'), openAIInstance(upstream.url, 'k2')] }, null, 2));
    await chmod(poolsFile, 0o640);
    const maxWaitMs = 300;
    const gateway = await spawnGateway(['--provider-pools-file', poolsFile, '--port', '0', '--api-key', KEY, '--log-level', 'silent'], dir, {
      POOLGATE_STATS_FLUSH_MAX_WAIT_MS: String(maxWaitMs),
      POOLGATE_STATS_FLUSH_DEBOUNCE_MS: '100',
      POOLGATE_HEALTH_CHECK_INTERVAL_MS: '0',
    });
    const completedAt: number[] = [];
    const start = Date.now();
    const workers = Array.from({ length: 4 }, async () => {
      while (Date.now() - start < 1_500) if ((await post(gateway.url)) === 200) completedAt.push(Date.now());
    });
    await Promise.all(workers);
    const killedAt = Date.now();
    gateway.child.kill('SIGKILL');
    await exitOf(gateway.child);
    const text = await readFile(poolsFile, 'utf8');
    const persisted = usageSum(text); // throws if the file is not valid JSON
    const mustHave = completedAt.filter((t) => t < killedAt - maxWaitMs - 250).length;
    expect(completedAt.length).toBeGreaterThan(20);
    expect(persisted).toBeGreaterThanOrEqual(mustHave);
    expect(persisted).toBeLessThanOrEqual(completedAt.length);
    expect((await stat(poolsFile)).mode & 0o777).toBe(0o640);
  });

  it('writes every count on SIGTERM and keeps untouched the pools no request used', async () => {
    const poolsFile = path.join(dir, 'sigterm.json');
    const seedOnly = {
      'gemini-cli-oauth': [{ GEMINI_OAUTH_CREDS_FILE_PATH: './credentials1.json', PROJECT_ID: 'p1', checkModelName: null, uuid: 'ac200154-26b8-4f5f-8650-e8cc738b06e3', isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null }],
      'openai-qwen-oauth': [{ QWEN_OAUTH_CREDS_FILE_PATH: './qwen_creds.json', uuid: '658a2114-c4c9-d713-b8d4-ceabf0e0bf18', checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null }],
      // A type poolgate does not know: reported as not served, kept as it is.
      'vertex-ai': [{ VERTEX_KEY: 'x', uuid: 'vertex-1', customField: { nested: [1, 2] } }],
    };
    await writeFile(poolsFile, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 's1')], ...seedOnly }, null, 2));
    const gateway = await spawnGateway(['--provider-pools-file', poolsFile, '--port', '0', '--api-key', KEY], dir, {
      POOLGATE_STATS_FLUSH_MAX_WAIT_MS: '60000',
      POOLGATE_STATS_FLUSH_DEBOUNCE_MS: '60000',
      POOLGATE_HEALTH_CHECK_INTERVAL_MS: '0',
    });
    await eventually(() => /not served yet.*vertex-ai/.test(gateway.output()));
    for (let i = 0; i < 7; i++) expect(await post(gateway.url)).toBe(200);
    gateway.child.kill('SIGTERM');
    expect(await exitOf(gateway.child)).toBe(0);
    const document = JSON.parse(await readFile(poolsFile, 'utf8')) as Record<string, unknown>;
    expect(usageSum(JSON.stringify(document))).toBe(7);
    expect(document['gemini-cli-oauth']).toEqual(seedOnly['gemini-cli-oauth']);
    expect(document['openai-qwen-oauth']).toEqual(seedOnly['openai-qwen-oauth']);
    expect(document['vertex-ai']).toEqual(seedOnly['vertex-ai']);
  });

  it('applies a good edit without a restart, and keeps serving (file untouched) after a bad one', async () => {
    const poolsFile = path.join(dir, 'reload.json');
    await writeFile(poolsFile, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 'r1')] }, null, 2));
    const gateway = await spawnGateway(['--provider-pools-file', poolsFile, '--port', '0', '--api-key', KEY], dir, { POOLGATE_HEALTH_CHECK_INTERVAL_MS: '0' });
    try {
      upstream.resetRecords();
      await writeFile(poolsFile, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 'r1', { isDisabled: true }), openAIInstance(upstream.url, 'r2')] }, null, 2));
      await eventually(async () => {
        await post(gateway.url);
        return upstream.countFor('r2') > 0;
      });
      const broken = '{ "openai-custom": [ { "OPENAI_API_KEY": ';
      await writeFile(poolsFile, broken);
      await eventually(() => /edit rejected/.test(gateway.output()));
      expect(await post(gateway.url)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await readFile(poolsFile, 'utf8')).toBe(broken);
    } finally {
      gateway.child.kill('SIGTERM');
      await exitOf(gateway.child);
    }
    expect(await readFile(poolsFile, 'utf8')).toBe('{ "openai-custom": [ { "OPENAI_API_KEY": ');
  });

  it('applies a config.json edit without a restart (a new gateway key), and rejects a bad one keeping the last good', async () => {
    const poolsFile = path.join(dir, 'config-reload-pools.json');
    await writeFile(poolsFile, JSON.stringify({ 'openai-custom': [openAIInstance(upstream.url, 'c1')] }, null, 2));
    const config = path.join(dir, 'reload-config.json');
    await writeFile(config, JSON.stringify({ REQUIRED_API_KEY: 'first-key', PROVIDER_POOLS_FILE_PATH: poolsFile, HEALTH_CHECK_INTERVAL_MS: 0 }));
    const gateway = await spawnGateway(['--config', config, '--port', '0'], dir);
    const status = async (key: string) => {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: ask });
      await response.arrayBuffer();
      return response.status;
    };
    try {
      expect(await status('first-key')).toBe(200);
      await writeFile(config, JSON.stringify({ REQUIRED_API_KEY: 'second-key', PROVIDER_POOLS_FILE_PATH: poolsFile, HEALTH_CHECK_INTERVAL_MS: 0 }));
      await eventually(async () => (await status('second-key')) === 200);
      expect(await status('first-key')).toBe(401);
      await writeFile(config, '{ "REQUIRED_API_KEY": "third-key", "SERVER_PORT": "nope" }');
      await eventually(() => /config edit rejected/.test(gateway.output()));
      expect(gateway.output()).toMatch(/SERVER_PORT/);
      expect(await status('second-key')).toBe(200);
      expect(await status('third-key')).toBe(401);
    } finally {
      gateway.child.kill('SIGTERM');
      await exitOf(gateway.child);
    }
  });

  it('with no pools file, serves the built-in demo: the printed key and curl body get a completion', async () => {
    const demoDir = await mkdtemp(path.join(tmpdir(), 'poolgate-demo-'));
    const gateway = await spawnGateway(['--port', '0'], demoDir);
    try {
      await eventually(() => /try: curl/.test(gateway.output()));
      expect(gateway.output()).toMatch(/built-in demo/);
      const key = /API key \(generated for this run[^)]*\): (\S+)/.exec(gateway.output())?.[1];
      expect(key).toBeDefined();
      const body = /-d '([^']+)'/.exec(gateway.output())?.[1];
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body! });
      const answer = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
      expect(response.status).toBe(200);
      expect(answer.choices?.[0]?.message?.content).toMatch(/\S/);
      expect(JSON.parse(await readFile(path.join(demoDir, '.poolgate-demo', 'provider_pools.json'), 'utf8'))).toHaveProperty('openai-custom');
    } finally {
      gateway.child.kill('SIGTERM');
      await exitOf(gateway.child);
    }
  });
});
