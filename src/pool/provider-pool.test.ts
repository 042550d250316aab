import type { RequestRecord } from '../observability/request-record.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import type { InstanceRecord } from '../config/instance-record.js';
import { classifyUpstreamStatus } from '../upstream/classify-upstream-status.js';
import type { UpstreamConnection } from '../upstream/provider-adapter.js';
import { judgeFailure, type CooldownSettings } from './cooldown-policy.js';
import { dispatchWithFailover, type Dispatched } from './dispatch-with-failover.js';
import { PoolInstance } from './pool-instance.js';
import { ProviderPool, type Lease, type PoolEvents } from './provider-pool.js';
import { RoundRobinSelector } from './selectors/round-robin-selector.js';
import type { Selector } from './selectors/selector.js';
import { SessionAffinity } from './session-affinity.js';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const MODEL = 'gpt-4o';
const CONNECTION = {} as UpstreamConnection;
const SECOND = 1000;

const SETTINGS: CooldownSettings = {
  maxErrorCount: 3,
  serverErrorMs: 60 * SECOND,
  authErrorMs: 30 * 60 * SECOND,
  rateLimitBaseMs: SECOND,
  rateLimitMaxMs: 30 * 60 * SECOND,
  maxMs: 6 * 60 * 60 * SECOND,
};

interface Harness {
  clock: { now: number };
  pool: ProviderPool;
  members: PoolInstance[];
  events: { changed: ReturnType<typeof vi.fn>; cooled: ReturnType<typeof vi.fn>; recovered: ReturnType<typeof vi.fn> };
  affinity: SessionAffinity | undefined;
  /** A realistic upstream failure, classified as the adapters do. */
  http(status: number, options?: { headers?: Record<string, string>; message?: string; upstreamCode?: string }): GatewayError;
  /** Starts a request on `instance` (as the dispatcher does) and lets it fail. */
  failOn(instance: PoolInstance, error: GatewayError): void;
  succeedOn(instance: PoolInstance): void;
}

function harness(
  fields: Array<Partial<InstanceRecord>> = [{}],
  options: { settings?: Partial<CooldownSettings>; affinity?: boolean; selector?: Selector } = {},
): Harness {
  const clock = { now: T0 };
  const settings = { ...SETTINGS, ...options.settings };
  const members = fields.map((extra, i) => new PoolInstance('openai-custom', 'openai-custom', { uuid: `i-${i}`, ...extra }, CONNECTION, clock.now));
  const events = { changed: vi.fn(), cooled: vi.fn(), recovered: vi.fn() };
  const affinity = options.affinity ? new SessionAffinity(60 * 60 * SECOND, 1000) : undefined;
  const pool = new ProviderPool(
    'openai-custom',
    'openai-custom',
    options.selector ?? new RoundRobinSelector(),
    () => settings,
    () => clock.now,
    events as PoolEvents,
    affinity,
    'round-robin',
  );
  pool.setMembers(members);
  const http: Harness['http'] = (status, extra = {}) =>
    classifyUpstreamStatus({
      status,
      headers: extra.headers ?? {},
      message: extra.message ?? `upstream said ${status}`,
      ...(extra.upstreamCode ? { upstreamCode: extra.upstreamCode } : {}),
      now: clock.now,
    });
  return {
    clock,
    pool,
    members,
    events,
    affinity,
    http,
    failOn(instance, error) {
      const lease = pool.acquire(instance);
      lease.fail(error);
      lease.release();
    },
    succeedOn(instance) {
      const lease = pool.acquire(instance);
      lease.succeed();
      lease.release();
    },
  };
}

function statusOf(h: Harness, instance: PoolInstance): string {
  return instance.status(h.clock.now);
}

const signal = new AbortController().signal;

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('429: rate limits', () => {
  it('with Retry-After (seconds) cools until exactly that time', () => {
    const h = harness();
    const [a] = h.members as [PoolInstance];
    h.failOn(a, h.http(429, { headers: { 'retry-after': '7' } }));
    expect(a.health.until).toBe(T0 + 7 * SECOND);
    expect(a.health.code).toBe('rate_limited');
    h.clock.now = T0 + 7 * SECOND - 1;
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.canServe(MODEL, h.clock.now)).toBe(false);
    expect(h.pool.select(MODEL, undefined)).toBeUndefined();
    h.clock.now = T0 + 7 * SECOND;
    expect(statusOf(h, a)).toBe('probing');
    expect(h.pool.select(MODEL, undefined)).toBe(a);
  });

  it('with retry-after-ms, an HTTP date, or a reset time from the body', () => {
    const h = harness([{}, {}, {}]);
    const [a, b, c] = h.members as [PoolInstance, PoolInstance, PoolInstance];
    h.failOn(a, h.http(429, { headers: { 'retry-after-ms': '1500' } }));
    h.failOn(b, h.http(429, { headers: { 'retry-after': new Date(T0 + 90 * SECOND).toUTCString() } }));
    h.failOn(
      c,
      classifyUpstreamStatus({ status: 429, headers: {}, message: 'RESOURCE_EXHAUSTED', retryAfterMs: 42 * SECOND, now: h.clock.now }),
    );
    expect([a.health.until, b.health.until, c.health.until]).toEqual([T0 + 1500, T0 + 90 * SECOND, T0 + 42 * SECOND]);
  });

  it('an announced reset beyond COOLDOWN_MAX_MS is honoured (weekly windows are real), up to a 45-day sanity bound', () => {
    const h = harness([{}, {}], { settings: { maxMs: 10 * SECOND } });
    h.failOn(h.members[0]!, h.http(429, { headers: { 'retry-after': '3600' } }));
    expect(h.members[0]!.health.until).toBe(T0 + 3600 * SECOND);
    h.failOn(h.members[1]!, h.http(429, { headers: { 'retry-after': String(400 * 24 * 3600) } }));
    expect(h.members[1]!.health.until).toBe(T0 + 45 * 24 * 3600 * SECOND);
  });

  it('without Retry-After backs off exponentially: 1s, 2s, 4s, 8s, then capped', () => {
    const h = harness([{}], { settings: { rateLimitMaxMs: 10 * SECOND } });
    const a = h.members[0]!;
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      // Each 429 comes from the half-open trial once the previous cooldown has passed.
      expect(h.pool.select(MODEL, undefined)).toBe(a);
      const start = h.clock.now;
      h.failOn(a, h.http(429));
      durations.push(a.health.until - start);
      h.clock.now = a.health.until;
    }
    expect(durations).toEqual([1, 2, 4, 8, 10, 10].map((s) => s * SECOND));
  });

  it('quota exhaustion (402, or a 429 quota code) cools like a rate limit', () => {
    const h = harness([{}, {}]);
    const [a, b] = h.members as [PoolInstance, PoolInstance];
    h.failOn(a, h.http(402, { message: 'billing' }));
    h.failOn(b, h.http(429, { upstreamCode: 'insufficient_quota', headers: { 'retry-after': '60' } }));
    expect(a.health.code).toBe('quota_exhausted');
    expect(a.health.until).toBe(T0 + SECOND);
    expect(b.health.code).toBe('quota_exhausted');
    expect(b.health.until).toBe(T0 + 60 * SECOND);
  });

  it('a second 429 on a cooling instance extends the cooldown, never shortens it', () => {
    const h = harness();
    const a = h.members[0]!;
    // Four requests already in flight when the first limit arrives.
    const leases = [h.pool.acquire(a), h.pool.acquire(a), h.pool.acquire(a), h.pool.acquire(a)];
    leases[0]!.fail(h.http(429, { headers: { 'retry-after': '10' } }));
    expect(a.health.until).toBe(T0 + 10 * SECOND);
    h.clock.now = T0 + SECOND;
    leases[1]!.fail(h.http(429, { headers: { 'retry-after': '2' } }));
    expect(a.health.until).toBe(T0 + 10 * SECOND);
    leases[2]!.fail(h.http(429));
    expect(a.health.until).toBe(T0 + 10 * SECOND);
    leases[3]!.fail(h.http(429, { headers: { 'retry-after': '30' } }));
    expect(a.health.until).toBe(T0 + 31 * SECOND);
    for (const lease of leases) lease.release();
    expect(a.inflight).toBe(0);
  });

  it('a 5xx arriving while rate limited does not shorten the cooldown', () => {
    const h = harness();
    const a = h.members[0]!;
    const leases = [h.pool.acquire(a), h.pool.acquire(a), h.pool.acquire(a), h.pool.acquire(a)];
    leases[0]!.fail(h.http(429, { headers: { 'retry-after': '600' } }));
    for (const lease of leases.slice(1)) lease.fail(h.http(500));
    expect(a.health.until).toBe(T0 + 600 * SECOND);
  });
});

describe('5xx and timeouts', () => {
  it('cool only after MAX_ERROR_COUNT consecutive failures', () => {
    const h = harness();
    const a = h.members[0]!;
    h.failOn(a, h.http(500));
    h.failOn(a, h.http(502));
    expect(statusOf(h, a)).toBe('healthy');
    expect(a.canServe(MODEL, h.clock.now)).toBe(true);
    expect(a.stats.errorCount).toBe(2);
    expect(h.events.cooled).not.toHaveBeenCalled();
    h.failOn(a, new GatewayError('upstream_timeout', 'no response headers within the first-byte timeout'));
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.until).toBe(T0 + SETTINGS.serverErrorMs);
    expect(a.health.reason).toContain('upstream_timeout');
    expect(h.events.cooled).toHaveBeenCalledTimes(1);
  });

  it('a success resets the consecutive count', () => {
    const h = harness();
    const a = h.members[0]!;
    h.failOn(a, h.http(500));
    h.failOn(a, h.http(500));
    h.succeedOn(a);
    expect(a.health.consecutiveFailures).toBe(0);
    h.failOn(a, h.http(500));
    h.failOn(a, h.http(500));
    expect(statusOf(h, a)).toBe('healthy');
    h.failOn(a, h.http(503, { message: 'overloaded' }));
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.stats.errorCount).toBe(5);
  });

  it('MAX_ERROR_COUNT 1 cools on the first failure, and the reason carries the status', () => {
    const h = harness([{}], { settings: { maxErrorCount: 1 } });
    const a = h.members[0]!;
    h.failOn(a, h.http(500, { message: 'boom' }));
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.reason).toBe('HTTP 500 upstream_error: boom');
  });

  it('an overloaded 503 with Retry-After cools for that time once the count trips', () => {
    const h = harness([{}], { settings: { maxErrorCount: 2 } });
    const a = h.members[0]!;
    h.failOn(a, h.http(503, { headers: { 'retry-after': '5' } }));
    expect(statusOf(h, a)).toBe('healthy');
    h.failOn(a, h.http(503, { headers: { 'retry-after': '5' } }));
    expect(a.health.until).toBe(T0 + 5 * SECOND);
  });

  it('failures of requests already in flight when the cooldown began do not escalate it', () => {
    const h = harness();
    const a = h.members[0]!;
    const leases = Array.from({ length: 10 }, () => h.pool.acquire(a));
    for (const lease of leases) {
      lease.fail(h.http(500));
      lease.release();
    }
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.until).toBe(T0 + SETTINGS.serverErrorMs);
    expect(a.stats.errorCount).toBe(10);
  });
});

describe('401 / 403', () => {
  it('401 cools for COOLDOWN_AUTH_ERROR_MS at once, with the reason recorded', () => {
    const h = harness();
    const a = h.members[0]!;
    h.failOn(a, h.http(401, { message: 'Incorrect API key provided' }));
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.until).toBe(T0 + SETTINGS.authErrorMs);
    expect(a.health.code).toBe('authentication');
    expect(a.health.reason).toBe('HTTP 401 authentication: Incorrect API key provided');
    expect(a.stats.lastErrorMessage).toBe('Incorrect API key provided');
    expect(a.stats.lastErrorTime).toBe(T0);
    expect(h.events.cooled).toHaveBeenCalledWith(a, SETTINGS.authErrorMs, a.health.reason);
  });

  it('403 cools the same way', () => {
    const h = harness();
    const a = h.members[0]!;
    h.failOn(a, h.http(403, { message: 'forbidden' }));
    expect(a.health.until).toBe(T0 + SETTINGS.authErrorMs);
    expect(a.health.code).toBe('permission');
  });
});

describe('client errors count nothing', () => {
  for (const [status, message] of [
    [400, 'bad field'],
    [400, 'This model maximum context length is 8192 tokens'],
    [404, 'The model `gpt-9` does not exist'],
    [413, 'too large'],
    [422, 'unprocessable'],
  ] as const) {
    it(`${status} ${message}`, () => {
      const h = harness([{}], { settings: { maxErrorCount: 1 } });
      const a = h.members[0]!;
      const error = h.http(status, { message });
      expect(error.origin).toBe('client');
      expect(error.retryable).toBe(false);
      h.failOn(a, error);
      expect(a.stats.errorCount).toBe(0);
      expect(a.stats.lastErrorTime).toBeNull();
      expect(a.health.consecutiveFailures).toBe(0);
      expect(statusOf(h, a)).toBe('healthy');
      expect(a.stats.usageCount).toBe(1);
    });
  }

  it('a client error between two 5xx neither resets nor adds to the count', () => {
    const h = harness([{}], { settings: { maxErrorCount: 2 } });
    const a = h.members[0]!;
    h.failOn(a, h.http(500));
    h.failOn(a, h.http(400));
    expect(a.health.consecutiveFailures).toBe(1);
    h.failOn(a, h.http(500));
    expect(statusOf(h, a)).toBe('cooling');
  });

  it('the client going away counts nothing', () => {
    const h = harness([{}], { settings: { maxErrorCount: 1 } });
    h.failOn(h.members[0]!, new GatewayError('client_closed', 'the client closed the request', { origin: 'client' }));
    expect(h.members[0]!.stats.errorCount).toBe(0);
    expect(statusOf(h, h.members[0]!)).toBe('healthy');
  });
});

describe('half-open probing', () => {
  function cooledBy5xx(): Harness {
    const h = harness([{}], { settings: { maxErrorCount: 1 } });
    h.failOn(h.members[0]!, h.http(500));
    h.clock.now = h.members[0]!.health.until;
    return h;
  }

  it('after `until` passes exactly one request may use the instance', () => {
    const h = cooledBy5xx();
    const a = h.members[0]!;
    expect(statusOf(h, a)).toBe('probing');
    expect(a.isHealthy(h.clock.now)).toBe(true);
    const picked = h.pool.select(MODEL, undefined);
    expect(picked).toBe(a);
    const lease = h.pool.acquire(a);
    expect(lease.probe).toBe(true);
    expect(a.health.probeInFlight).toBe(true);
    expect(h.pool.select(MODEL, undefined)).toBeUndefined();
    expect(a.canServe(MODEL, h.clock.now)).toBe(false);
    lease.release();
    expect(a.health.probeInFlight).toBe(false);
  });

  it('a successful trial makes it healthy', () => {
    const h = cooledBy5xx();
    const a = h.members[0]!;
    const lease = h.pool.acquire(a);
    lease.succeed();
    lease.release();
    expect(statusOf(h, a)).toBe('healthy');
    expect(a.health).toMatchObject({ cooling: false, reason: null, code: null, consecutiveFailures: 0, coolingStreak: 0, probeInFlight: false });
    expect(h.events.recovered).toHaveBeenCalledWith(a);
    // Many requests at once again.
    expect(h.pool.select(MODEL, undefined)).toBe(a);
    h.pool.acquire(a);
    expect(h.pool.select(MODEL, undefined)).toBe(a);
  });

  it('a failed 5xx trial cools it again for longer, and longer still each time', () => {
    const h = cooledBy5xx();
    const a = h.members[0]!;
    const durations = [SETTINGS.serverErrorMs];
    for (let i = 0; i < 3; i++) {
      const start = h.clock.now;
      expect(h.pool.select(MODEL, undefined)).toBe(a);
      h.failOn(a, h.http(502));
      expect(statusOf(h, a)).toBe('cooling');
      durations.push(a.health.until - start);
      h.clock.now = a.health.until;
    }
    for (let i = 1; i < durations.length; i++) expect(durations[i]).toBeGreaterThan(durations[i - 1]!);
    expect(durations).toEqual([60, 120, 240, 480].map((s) => s * SECOND));
  });

  it('a failed trial cools again even when the failure alone would only be counted', () => {
    // Cooled by a 429, then the trial gets one 5xx: below MAX_ERROR_COUNT, yet the trial failed.
    const h = harness();
    const a = h.members[0]!;
    h.failOn(a, h.http(429, { headers: { 'retry-after': '1' } }));
    h.clock.now = a.health.until;
    h.failOn(a, h.http(500));
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.until - h.clock.now).toBeGreaterThan(SECOND);
    expect(a.health.reason).toContain('probe failed');
  });

  it('the longer cooldown of a failed trial is still capped by COOLDOWN_MAX_MS', () => {
    const h = harness([{}], { settings: { serverErrorMs: 60 * SECOND, maxMs: 30 * SECOND } });
    const a = h.members[0]!;
    h.failOn(a, h.http(429, { headers: { 'retry-after': '1' } }));
    h.clock.now = a.health.until;
    h.failOn(a, h.http(500));
    expect(a.health.until - h.clock.now).toBe(30 * SECOND);
  });

  it('a trial that fails on a client error decides nothing: the instance stays probing', () => {
    const h = cooledBy5xx();
    const a = h.members[0]!;
    h.failOn(a, h.http(400));
    expect(statusOf(h, a)).toBe('probing');
    expect(h.pool.select(MODEL, undefined)).toBe(a);
  });

  it('a cooldown carried over from the file is honoured and probed after it ends', () => {
    const h = harness([{ cooldownUntil: new Date(T0 + 5 * SECOND).toISOString(), cooldownReason: 'HTTP 429 rate_limited' }, {}]);
    const [a, b] = h.members as [PoolInstance, PoolInstance];
    expect(statusOf(h, a)).toBe('cooling');
    expect(a.health.reason).toBe('HTTP 429 rate_limited');
    expect([h.pool.select(MODEL, undefined), h.pool.select(MODEL, undefined)]).toEqual([b, b]);
    h.clock.now = T0 + 5 * SECOND;
    expect(new Set([h.pool.select(MODEL, undefined), h.pool.select(MODEL, undefined)])).toEqual(new Set([a, b]));
  });
});

describe('unavailability()', () => {
  it('rate_limited with the soonest retry when every instance is rate limited', () => {
    const h = harness([{}, {}, {}]);
    const [a, b, c] = h.members as [PoolInstance, PoolInstance, PoolInstance];
    h.failOn(a, h.http(429, { headers: { 'retry-after': '30' } }));
    h.failOn(b, h.http(429, { headers: { 'retry-after': '12' } }));
    h.failOn(c, h.http(429, { upstreamCode: 'insufficient_quota', headers: { 'retry-after': '3600' } }));
    h.clock.now = T0 + 2 * SECOND;
    expect(h.pool.unavailability(MODEL)).toMatchObject({ code: 'rate_limited', retryAfterMs: 10 * SECOND });
  });

  it('no_capacity, still with the soonest retry, when some cooling is not a rate limit', () => {
    const h = harness([{}, {}], { settings: { maxErrorCount: 1 } });
    const [a, b] = h.members as [PoolInstance, PoolInstance];
    h.failOn(a, h.http(429, { headers: { 'retry-after': '300' } }));
    h.failOn(b, h.http(500));
    expect(h.pool.unavailability(MODEL)).toMatchObject({ code: 'no_capacity', retryAfterMs: SETTINGS.serverErrorMs });
  });

  it('no_capacity with a short retry when instances are only busy (concurrency limit)', () => {
    const h = harness([{ concurrencyLimit: 1 }, {}]);
    const [a, b] = h.members as [PoolInstance, PoolInstance];
    h.pool.acquire(a);
    h.failOn(b, h.http(429, { headers: { 'retry-after': '60' } }));
    expect(h.pool.select(MODEL, undefined)).toBeUndefined();
    const why = h.pool.unavailability(MODEL);
    expect(why.code).toBe('no_capacity');
    expect(why.retryAfterMs).toBe(SECOND);
  });

  it('no_capacity without a retry time when nothing enabled serves the model', () => {
    const h = harness([{ isDisabled: true }, { supportedModels: ['other-model'] }]);
    expect(h.pool.unavailability(MODEL)).toMatchObject({ code: 'no_capacity', retryAfterMs: undefined });
    expect(h.pool.unavailability(MODEL).message).toContain(MODEL);
  });
});

describe('dispatchWithFailover', () => {
  it('retries a retryable failure on another instance at once', async () => {
    const h = harness([{}, {}, {}]);
    const tried: PoolInstance[] = [];
    const record = { attempts: 0, instance: undefined as string | undefined } as RequestRecord;
    const failures: string[] = [];
    const result = await dispatchWithFailover({
      pool: h.pool,
      model: MODEL,
      maxRetries: 3,
      signal,
      record,
      attempt: async (lease) => {
        tried.push(lease.instance);
        if (tried.length === 1) {
          const error = h.http(503);
          failures.push(error.code);
          throw error;
        }
        return 'ok';
      },
    });
    expect(result.value).toBe('ok');
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
    expect(result.lease.instance).toBe(tried[1]);
    expect(failures).toEqual(['overloaded']);
    expect(record).toMatchObject({ attempts: 2, instance: tried[1]!.name });
    expect(h.clock.now).toBe(T0);
    // The winning lease is still held for the caller; the failed one was released.
    expect(tried[1]!.inflight).toBe(1);
    expect(tried[0]!.inflight).toBe(0);
    result.lease.release();
    expect(tried[1]!.inflight).toBe(0);
  });

  it('maxRetries: 0 means exactly one attempt', async () => {
    const h = harness([{}, {}, {}]);
    const attempt = vi.fn(async (_lease: Lease): Promise<string> => {
      throw h.http(500);
    });
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 0, signal, attempt }));
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(error.code).toBe('upstream_error');
  });

  it('a non-retryable error returns at once, and the instance is not held responsible', async () => {
    const h = harness([{}, {}, {}]);
    const attempt = vi.fn(async (_lease: Lease): Promise<string> => {
      throw h.http(400, { message: 'messages: required' });
    });
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 5, signal, attempt }));
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(h.members.every((member) => member.stats.errorCount === 0 && member.inflight === 0)).toBe(true);
  });

  it('gives up after maxRetries + 1 attempts with the last error', async () => {
    const h = harness([{}, {}, {}, {}, {}]);
    const attempt = vi.fn(async (lease: Lease): Promise<string> => {
      throw h.http(502, { message: `bad gateway from ${lease.instance.uuid}` });
    });
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 2, signal, attempt }));
    expect(attempt).toHaveBeenCalledTimes(3);
    const third = attempt.mock.calls[2]![0].instance;
    expect(error.message).toBe(`bad gateway from ${third.uuid}`);
  });

  it('when every instance is rate limited the answer is rate_limited with the soonest retry', async () => {
    const h = harness([{}, {}]);
    let n = 0;
    const error = await rejection(
      dispatchWithFailover({
        pool: h.pool,
        model: MODEL,
        maxRetries: 5,
        signal,
        attempt: async () => {
          n++;
          throw h.http(429, { headers: { 'retry-after': n === 1 ? '20' : '8' } });
        },
      }),
    );
    expect(n).toBe(2);
    expect(error.code).toBe('rate_limited');
    expect(error.retryable).toBe(false);
    expect(error.retryAfterMs).toBe(8 * SECOND);
  });

  it('with nothing eligible, no attempt is made and the reason is given', async () => {
    const h = harness([{}], { settings: { maxErrorCount: 1 } });
    h.failOn(h.members[0]!, h.http(500));
    const attempt = vi.fn(async () => 'ok');
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal, attempt }));
    expect(attempt).not.toHaveBeenCalled();
    expect(error.code).toBe('no_capacity');
    expect(error.retryAfterMs).toBe(SETTINGS.serverErrorMs);
  });

  it('honours concurrencyLimit', async () => {
    const h = harness([{ concurrencyLimit: 1 }, { concurrencyLimit: 2 }]);
    const [a, b] = h.members as [PoolInstance, PoolInstance];
    const held: Array<Dispatched<string>> = [];
    for (let i = 0; i < 3; i++) held.push(await dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal, attempt: async () => 'ok' }));
    expect([a.inflight, b.inflight]).toEqual([1, 2]);
    const attempt = vi.fn(async () => 'ok');
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal, attempt }));
    expect(attempt).not.toHaveBeenCalled();
    expect(error.code).toBe('no_capacity');
    held[0]!.lease.release();
    const next = await dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal, attempt: async () => 'ok' });
    expect(next.lease.instance).toBe(held[0]!.lease.instance);
  });

  it('does nothing once the client has gone', async () => {
    const h = harness([{}]);
    const controller = new AbortController();
    controller.abort();
    const attempt = vi.fn(async () => 'ok');
    const error = await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal: controller.signal, attempt }));
    expect(error.code).toBe('client_closed');
    expect(attempt).not.toHaveBeenCalled();
  });

  it('stops failing over when the client goes away during an attempt', async () => {
    const h = harness([{}, {}]);
    const controller = new AbortController();
    const attempt = vi.fn(async (): Promise<string> => {
      controller.abort();
      throw new GatewayError('upstream_unreachable', 'socket hang up');
    });
    await rejection(dispatchWithFailover({ pool: h.pool, model: MODEL, maxRetries: 3, signal: controller.signal, attempt }));
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('property: distinct instances, bounded attempts, stops at the first success or non-retryable error', async () => {
    type Outcome = 'ok' | 500 | 503 | 429 | 401 | 400 | 404 | 'timeout';
    const outcome = fc.constantFrom<Outcome>('ok', 500, 503, 429, 401, 400, 404, 'timeout');
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { minLength: 1, maxLength: 6 }), fc.nat(7), async (outcomes, maxRetries) => {
        const h = harness(outcomes.map(() => ({})));
        const outcomeOf = new Map(h.members.map((member, i) => [member, outcomes[i]!]));
        const tried: PoolInstance[] = [];
        const errorFor = (o: Exclude<Outcome, 'ok'>): GatewayError => (o === 'timeout' ? new GatewayError('upstream_timeout', 'timeout') : h.http(o));
        let result: Dispatched<string> | undefined;
        let failure: GatewayError | undefined;
        try {
          result = await dispatchWithFailover({
            pool: h.pool,
            model: MODEL,
            maxRetries,
            signal,
            attempt: async (lease) => {
              tried.push(lease.instance);
              const o = outcomeOf.get(lease.instance)!;
              if (o === 'ok') return 'ok';
              throw errorFor(o);
            },
          });
        } catch (error) {
          failure = error as GatewayError;
        }
        expect(new Set(tried).size).toBe(tried.length);
        expect(tried.length).toBeLessThanOrEqual(Math.min(maxRetries + 1, outcomes.length));
        const results = tried.map((instance) => outcomeOf.get(instance)!);
        // Every attempt but the last failed retryably.
        for (const o of results.slice(0, -1)) expect(o !== 'ok' && errorFor(o).retryable).toBe(true);
        const last = results[results.length - 1]!;
        if (result) {
          expect(last).toBe('ok');
          expect(result.lease.instance).toBe(tried[tried.length - 1]);
        } else {
          expect(failure).toBeInstanceOf(GatewayError);
          if (last !== 'ok' && !errorFor(last).retryable) expect(failure!.code).toBe(errorFor(last).code);
          else expect(tried.length === maxRetries + 1 || tried.length === outcomes.length).toBe(true);
        }
        // Only the winner stays in flight.
        const inflight = h.members.reduce((sum, member) => sum + member.inflight, 0);
        expect(inflight).toBe(result ? 1 : 0);
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});

describe('session affinity', () => {
  async function serve(h: Harness, sessionKey: string, fail?: (instance: PoolInstance) => GatewayError | undefined): Promise<PoolInstance> {
    const result = await dispatchWithFailover({
      pool: h.pool,
      model: MODEL,
      sessionKey,
      maxRetries: 3,
      signal,
      attempt: async (lease) => {
        const error = fail?.(lease.instance);
        if (error) throw error;
        return lease.instance;
      },
    });
    result.lease.release();
    return result.value;
  }

  it('keeps a session on its instance while it is eligible, though round robin would move on', async () => {
    const h = harness([{}, {}, {}], { affinity: true });
    const first = await serve(h, 's1');
    for (let i = 0; i < 5; i++) expect(await serve(h, 's1')).toBe(first);
    // Other traffic still spreads.
    const others = new Set([await serve(h, 'x1'), await serve(h, 'x2'), await serve(h, 'x3')]);
    expect(others.size).toBeGreaterThan(1);
    expect(h.affinity!.hits).toBe(5);
  });

  it('rebinds when the bound instance cannot serve, and does not snap back when it recovers', async () => {
    const h = harness([{}, {}, {}], { affinity: true, settings: { maxErrorCount: 1 } });
    const first = await serve(h, 's1');
    h.failOn(first, h.http(500));
    const second = await serve(h, 's1');
    expect(second).not.toBe(first);
    h.clock.now = first.health.until + 1;
    expect(first.canServe(MODEL, h.clock.now)).toBe(true);
    for (let i = 0; i < 4; i++) expect(await serve(h, 's1')).toBe(second);
  });

  it('fails over within a request and binds the session to the instance that served', async () => {
    const h = harness([{}, {}, {}], { affinity: true });
    const first = await serve(h, 's1');
    const served = await serve(h, 's1', (instance) => (instance === first ? h.http(429, { headers: { 'retry-after': '1' } }) : undefined));
    expect(served).not.toBe(first);
    h.clock.now += 2 * SECOND;
    expect(await serve(h, 's1')).toBe(served);
  });

  it('rebinds when the bound instance is at its concurrency limit', async () => {
    const h = harness([{ concurrencyLimit: 1 }, { concurrencyLimit: 1 }], { affinity: true });
    const first = await serve(h, 's1');
    const hold = h.pool.acquire(first);
    const second = await serve(h, 's1');
    expect(second).not.toBe(first);
    hold.release();
    expect(await serve(h, 's1')).toBe(second);
  });
});

describe('judgeFailure (the policy alone)', () => {
  const history = { consecutiveFailures: 1, consecutiveRateLimits: 1, coolingStreak: 0 };

  it('classifies by code and origin, never by message text', () => {
    const rateLimitMessage = new GatewayError('upstream_error', 'rate limit exceeded, 429, quota');
    expect(judgeFailure(rateLimitMessage, history, SETTINGS)).toEqual({ kind: 'count' });
    const clientWithAuthMessage = new GatewayError('invalid_request', 'authentication failed', { origin: 'client' });
    expect(judgeFailure(clientWithAuthMessage, history, SETTINGS)).toEqual({ kind: 'ignore' });
  });

  it('caps the exponential backoff, however long the streak', () => {
    const verdict = judgeFailure(new GatewayError('rate_limited', 'slow down'), { ...history, consecutiveRateLimits: 500 }, SETTINGS);
    expect(verdict).toMatchObject({ kind: 'cool', durationMs: SETTINGS.rateLimitMaxMs });
    const server = judgeFailure(new GatewayError('upstream_error', 'x'), { ...history, consecutiveFailures: 9, coolingStreak: 500 }, SETTINGS);
    expect(server).toMatchObject({ kind: 'cool', durationMs: SETTINGS.maxMs });
  });
});
