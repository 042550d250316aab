import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import type { GatewayConfigInput } from '../../src/config/config-schema.js';
import { eventually, openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

// Long, distinctive keys: the test asserts neither appears anywhere in the admin API's answers.
const KEY_A = 'sk-admin-e2e-secret-alpha-0123456789abcdef-1111';
const KEY_B = 'sk-admin-e2e-secret-bravo-0123456789abcdef-2222';
const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('metrics, request log and admin API through a real gateway', () => {
  let upstream: MockUpstream | undefined;
  let gateway: TestGateway | undefined;

  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
    gateway = undefined;
    upstream = undefined;
  });

  async function setup(config: GatewayConfigInput = {}): Promise<TestGateway> {
    // KEY_A fails its first generation with a 500: a failover to KEY_B, and (MAX_ERROR_COUNT 1) a cooldown.
    upstream = await startMockUpstream({ apiKeys: [KEY_A, KEY_B], faults: { [KEY_A]: { kind: 'status', status: 500, times: 1 } }, streamChunks: 4 });
    gateway = await startTestGateway(
      {
        'openai-custom': [
          openAIInstance(upstream.url, KEY_A, { uuid: 'inst-a', customName: 'alpha' }),
          openAIInstance(upstream.url, KEY_B, { uuid: 'inst-b' }),
        ],
      },
      { MAX_ERROR_COUNT: 1, COOLDOWN_SERVER_ERROR_MS: 600_000, ...config },
    );
    return gateway;
  }

  const call = (method: string, urlPath: string, body?: unknown, key: string | null = TEST_KEY) =>
    fetch(`${gateway!.url}${urlPath}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function chat(stream = false): Promise<Response> {
    const response = await call('POST', '/v1/chat/completions', { ...ask, stream });
    expect(response.status).toBe(200);
    await response.text();
    return response;
  }

  /** The value of one Prometheus sample, found by metric name and label subset. */
  function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return undefined;
  }

  it('counts requests, attempts and failovers and shows instance gauges at /metrics', async () => {
    await setup();
    for (let i = 0; i < 3; i++) await chat(false);
    await chat(true);
    const pool = { pool: 'openai-custom' };
    let text = '';
    await eventually(async () => {
      text = await (await call('GET', '/metrics')).text();
      return sample(text, 'poolgate_requests_total', { protocol: 'openai', ...pool, status_class: '2xx' }) === 4;
    });
    expect(sample(text, 'poolgate_failovers_total', pool)).toBe(1);
    expect(sample(text, 'poolgate_upstream_attempts_total', pool)).toBe(5);
    expect(sample(text, 'poolgate_request_duration_seconds_bucket', { protocol: 'openai', ...pool, le: '+Inf' })).toBe(4);
    expect(sample(text, 'poolgate_request_duration_seconds_count', { protocol: 'openai', ...pool })).toBe(4);
    expect(sample(text, 'poolgate_time_to_first_byte_seconds_count', { protocol: 'openai', ...pool })).toBe(4);
    expect(sample(text, 'poolgate_instance_state', { ...pool, instance: 'alpha', state: 'cooling' })).toBe(1);
    expect(sample(text, 'poolgate_instance_state', { ...pool, instance: 'alpha', state: 'healthy' })).toBe(0);
    expect(sample(text, 'poolgate_instance_state', { ...pool, instance: 'inst-b', state: 'healthy' })).toBe(1);
    expect(sample(text, 'poolgate_instance_cooldown_seconds_remaining', { instance: 'alpha' })).toBeGreaterThan(500);
    expect(sample(text, 'poolgate_instance_usage_total', { instance: 'inst-b' })).toBe(4);
    expect(sample(text, 'poolgate_instance_errors_total', { instance: 'alpha' })).toBe(1);
    expect(sample(text, 'poolgate_instance_inflight', { instance: 'inst-b' })).toBe(0);
    expect(sample(text, 'poolgate_session_affinity_hits_total', {})).toBe(0);
    expect(text).toContain('# TYPE poolgate_request_duration_seconds histogram');
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);

    // The gateway key is required, and errors come in the OpenAI shape.
    const anonymous = await call('GET', '/metrics', undefined, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
  });

  it('shows pools and instances with masked credentials, and a reset brings a cooling instance back', async () => {
    const gw = await setup();
    for (let i = 0; i < 2; i++) await chat();
    expect(gw.registry.instance('inst-a')!.status(Date.now())).toBe('cooling');

    const response = await call('GET', '/admin/pools');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);
    expect(text).not.toContain('0123456789abcdef');
    const body = JSON.parse(text) as { pools: Array<{ pool: string; type: string; instances: Array<Record<string, unknown>> }> };
    expect(body.pools).toHaveLength(1);
    expect(body.pools[0]).toMatchObject({ pool: 'openai-custom', type: 'openai-custom', strategy: 'round-robin' });
    const [alpha, bravo] = body.pools[0]!.instances;
    expect(alpha).toMatchObject({
      uuid: 'inst-a',
      name: 'alpha',
      type: 'openai-custom',
      status: 'cooling',
      cooldown: { code: expect.any(String), reason: expect.any(String), until: expect.any(String) },
      consecutiveFailures: 1,
      inflight: 0,
      concurrencyLimit: 0,
      weight: 1,
      priority: 0,
      stats: { errorCount: 1, usageCount: 1 },
      credentials: { OPENAI_API_KEY: 'sk-…1111', OPENAI_BASE_URL: `${upstream!.url}/…` },
    });
    expect(Date.parse((alpha!.cooldown as { until: string }).until)).toBeGreaterThan(Date.now() + 500_000);
    expect(bravo).toMatchObject({ uuid: 'inst-b', name: 'inst-b', status: 'healthy', cooldown: null, credentials: { OPENAI_API_KEY: 'sk-…2222' } });

    const reset = await call('POST', '/admin/instances/inst-a/reset');
    expect(reset.status).toBe(200);
    const resetText = await reset.text();
    expect(resetText).not.toContain(KEY_A);
    expect(JSON.parse(resetText)).toMatchObject({ instance: { uuid: 'inst-a', status: 'healthy', cooldown: null, consecutiveFailures: 0 } });
    expect(gw.registry.instance('inst-a')!.status(Date.now())).toBe('healthy');
    // Back in rotation (its fault was for one request only): round robin hands it a request again.
    const served = [(await chat()).headers.get('x-poolgate-instance'), (await chat()).headers.get('x-poolgate-instance')];
    expect(served).toContain('alpha');
    // And the cleared cooldown reaches the pools file, so a restart does not bring it back.
    await eventually(async () => {
      const file = JSON.parse(await readFile(gw.poolsFile, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
      const entry = file['openai-custom']!.find((candidate) => candidate.uuid === 'inst-a')!;
      return entry.isHealthy === true && !entry.cooldownUntil;
    });

    const unknown = await call('POST', '/admin/instances/no-such-uuid/reset');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'not_found', message: expect.stringContaining('no-such-uuid') } });
  });

  it('returns logged requests from /admin/requests, filtered, newest first', async () => {
    await setup();
    for (let i = 0; i < 3; i++) await chat();
    await call('GET', '/v1/nowhere');
    type Row = { id: number; protocol: string; route: string; pool?: string; instance?: string; attempts: number; status: number; durationMs: number; fastPath?: boolean };
    let rows: Row[] = [];
    await eventually(async () => {
      const response = await call('GET', '/admin/requests');
      rows = ((await response.json()) as { requests: Row[] }).requests;
      return rows.length >= 4;
    });
    // Admin calls (including the polling above) are not logged.
    expect(rows.map((row) => row.protocol).sort()).toEqual(['none', 'openai', 'openai', 'openai']);
    expect(rows.map((row) => row.id)).toEqual([...rows.map((row) => row.id)].sort((a, b) => b - a));
    const failover = rows.find((row) => row.attempts === 2);
    expect(failover).toMatchObject({ pool: 'openai-custom', instance: 'inst-b', status: 200, route: '/v1/chat/completions', fastPath: true });
    expect(rows.find((row) => row.protocol === 'none')).toMatchObject({ status: 404, attempts: 0 });
    expect(rows.find((row) => row.protocol === 'none')).not.toHaveProperty('pool');

    const limited = (await (await call('GET', '/admin/requests?pool=openai-custom&limit=2')).json()) as { requests: Row[] };
    expect(limited.requests).toHaveLength(2);
    expect(limited.requests.every((row) => row.pool === 'openai-custom')).toBe(true);
    // A request is logged under the instance that served it (alpha only failed one attempt).
    const byInstance = (await (await call('GET', '/admin/requests?instance=inst-b')).json()) as { requests: Row[] };
    expect(byInstance.requests.map((row) => row.instance)).toEqual(['inst-b', 'inst-b', 'inst-b']);
    expect((await (await call('GET', '/admin/requests?instance=alpha')).json()) as { requests: Row[] }).toEqual({ requests: [] });

    const bad = await call('GET', '/admin/requests?limit=abc');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'limit' } });
  });

  it('keeps logging across many records, within REQUEST_LOG_MAX_ROWS, in a real SQLite file', async () => {
    const gw = await setup({ REQUEST_LOG_MAX_ROWS: 50 });
    for (let round = 0; round < 12; round++) await Promise.all(Array.from({ length: 10 }, (_, i) => chat(i % 2 === 0)));
    let rows: unknown[] = [];
    await eventually(async () => {
      rows = ((await (await call('GET', '/admin/requests?limit=1000')).json()) as { requests: unknown[] }).requests;
      return rows.length === 50;
    });
    const file = path.join(gw.dir, 'poolgate-requests.sqlite');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(50);
      expect(db.prepare('SELECT MAX(id) FROM requests').pluck().get()).toBe(120);
      expect(db.prepare("SELECT COUNT(*) FROM requests WHERE protocol = 'openai' AND status = 200").pluck().get()).toBe(50);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    // Still answering after the run of records.
    await chat();
    await eventually(async () => {
      const [newest] = ((await (await call('GET', '/admin/requests?limit=1')).json()) as { requests: Array<{ id: number }> }).requests;
      return newest?.id === 121;
    });
  });

  it('answers 404 for /metrics and /admin/requests when they are disabled, and writes no log file', async () => {
    const gw = await setup({ METRICS_ENABLED: false, REQUEST_LOG_ENABLED: false });
    await chat();
    const metrics = await call('GET', '/metrics');
    expect(metrics.status).toBe(404);
    expect(await metrics.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('METRICS_ENABLED') } });
    expect((await call('GET', '/admin/requests')).status).toBe(404);
    expect((await call('GET', '/admin/pools')).status).toBe(200);
    await expect(readFile(path.join(gw.dir, 'poolgate-requests.sqlite'))).rejects.toThrow(/ENOENT/);
  });
});
