import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { UpstreamConnection } from '../upstream/provider-adapter.js';
import { PoolInstance } from '../pool/pool-instance.js';
import { GatewayMetrics, type MetricsPoolSource } from './gateway-metrics.js';
import type { RequestRecord } from './request-record.js';
import { BucketCounts, LATENCY_BUCKETS_SECONDS } from './request-tally.js';
import { TalliedHistogram } from './tallied-histogram.js';

const T0 = Date.UTC(2025, 0, 1);
const CONNECTION = {} as UpstreamConnection;

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return { startedAt: T0, method: 'POST', route: '/v1/chat/completions', protocol: 'openai', pool: 'openai-custom', instance: 'a', attempts: 1, status: 200, firstByteMs: 40, durationMs: 120, clientAborted: false, ...overrides };
}

function source(instances: PoolInstance[], affinity = { hits: 0, misses: 0, sessions: 0 }): MetricsPoolSource {
  return {
    get allInstances() {
      return instances.values();
    },
    get affinityStats() {
      return affinity;
    },
  };
}

/** The sample lines of one metric, label sets as written. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GatewayMetrics', () => {
  it('counts requests by protocol, pool and status class, and attempts and failovers by pool', async () => {
    const metrics = new GatewayMetrics({ registry: source([]), now: () => T0 });
    metrics.onRequestEnd(record());
    metrics.onRequestEnd(record({ attempts: 3 }));
    metrics.onRequestEnd(record({ status: 502, attempts: 2, errorCode: 'upstream_error' }));
    metrics.onRequestEnd(record({ protocol: 'anthropic', route: '/v1/messages' }));
    metrics.onRequestEnd(record({ protocol: 'none', pool: undefined, instance: undefined, status: 404, attempts: 0, firstByteMs: undefined }));
    const text = await metrics.render();
    expect(samples(text, 'poolgate_requests_total')).toEqual([
      'poolgate_requests_total{protocol="openai",pool="openai-custom",status_class="2xx"} 2',
      'poolgate_requests_total{protocol="openai",pool="openai-custom",status_class="5xx"} 1',
      'poolgate_requests_total{protocol="anthropic",pool="openai-custom",status_class="2xx"} 1',
      'poolgate_requests_total{protocol="none",pool="none",status_class="4xx"} 1',
    ]);
    expect(samples(text, 'poolgate_upstream_attempts_total')).toEqual(['poolgate_upstream_attempts_total{pool="openai-custom"} 7']);
    expect(samples(text, 'poolgate_failovers_total')).toEqual(['poolgate_failovers_total{pool="openai-custom"} 3']);
    // Requests that reached no upstream have no first byte to time.
    expect(samples(text, 'poolgate_time_to_first_byte_seconds_count')).toEqual([
      'poolgate_time_to_first_byte_seconds_count{protocol="openai",pool="openai-custom"} 3',
      'poolgate_time_to_first_byte_seconds_count{protocol="anthropic",pool="openai-custom"} 1',
    ]);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('writes histograms exactly as prom-client does', async () => {
    const values = [0.001, 0.005, 0.0051, 0.2, 3, 1000];
    const reference = new Registry();
    const plain = new Histogram({ name: 'h', help: 'help text', labelNames: ['protocol', 'pool'], buckets: [...LATENCY_BUCKETS_SECONDS], registers: [reference] });
    const tallied = new Registry();
    const counts = new BucketCounts(LATENCY_BUCKETS_SECONDS);
    new TalliedHistogram({ name: 'h', help: 'help text', labelNames: ['protocol', 'pool'], buckets: [...LATENCY_BUCKETS_SECONDS], registers: [tallied] }, () => [
      { labels: { protocol: 'openai', pool: 'p' }, counts },
    ]);
    for (const value of values) {
      plain.observe({ protocol: 'openai', pool: 'p' }, value);
      counts.observe(value);
    }
    expect(await tallied.metrics()).toBe(await reference.metrics());
    // Same values through the JSON API (prom-client adds an always-null exemplar per bucket).
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((metric) => ({ ...metric, values: metric.values.map(({ labels, value, ...rest }) => ({ labels, value, metricName: (rest as { metricName?: string }).metricName })) }));
    expect(withoutExemplars(await tallied.getMetricsAsJSON())).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
  });

  it('reads instance state, in-flight, stats and cooldowns from the pool registry when scraped', async () => {
    const healthy = new PoolInstance('openai-custom', 'openai-custom', { uuid: 'u-1', customName: 'first', OPENAI_API_KEY: 'sk-secret-value-1234' }, CONNECTION, T0);
    const cooling = new PoolInstance('openai-custom-eu', 'openai-custom', { uuid: 'u-2', OPENAI_API_KEY: 'sk-other-secret-5678' }, CONNECTION, T0);
    const disabled = new PoolInstance('openai-custom', 'openai-custom', { uuid: 'u-3', isDisabled: true }, CONNECTION, T0);
    healthy.inflight = 2;
    healthy.stats.usageCount = 10;
    healthy.stats.errorCount = 1;
    cooling.health.cooling = true;
    cooling.health.until = T0 + 90_000;
    const metrics = new GatewayMetrics({ registry: source([healthy, cooling, disabled], { hits: 4, misses: 2, sessions: 3 }), now: () => T0 });
    const text = await metrics.render();
    expect(samples(text, 'poolgate_instance_state').filter((line) => line.endsWith(' 1'))).toEqual([
      'poolgate_instance_state{pool="openai-custom",instance="first",state="healthy"} 1',
      'poolgate_instance_state{pool="openai-custom-eu",instance="u-2",state="cooling"} 1',
      'poolgate_instance_state{pool="openai-custom",instance="u-3",state="disabled"} 1',
    ]);
    expect(samples(text, 'poolgate_instance_state')).toHaveLength(12);
    expect(samples(text, 'poolgate_instance_inflight')).toContain('poolgate_instance_inflight{pool="openai-custom",instance="first"} 2');
    expect(samples(text, 'poolgate_instance_usage_total')).toContain('poolgate_instance_usage_total{pool="openai-custom",instance="first"} 10');
    expect(samples(text, 'poolgate_instance_errors_total')).toContain('poolgate_instance_errors_total{pool="openai-custom",instance="first"} 1');
    expect(samples(text, 'poolgate_instance_cooldown_seconds_remaining')).toEqual([
      'poolgate_instance_cooldown_seconds_remaining{pool="openai-custom",instance="first"} 0',
      'poolgate_instance_cooldown_seconds_remaining{pool="openai-custom-eu",instance="u-2"} 90',
      'poolgate_instance_cooldown_seconds_remaining{pool="openai-custom",instance="u-3"} 0',
    ]);
    expect(samples(text, 'poolgate_session_affinity_hits_total')).toEqual(['poolgate_session_affinity_hits_total 4']);
    expect(samples(text, 'poolgate_session_affinity_misses_total')).toEqual(['poolgate_session_affinity_misses_total 2']);
    expect(samples(text, 'poolgate_session_affinity_sessions')).toEqual(['poolgate_session_affinity_sessions 3']);
    expect(text).not.toContain('secret');

    // An instance dropped by a reload disappears at the next scrape; counters are re-read, not added.
    const fewer = new GatewayMetrics({ registry: source([healthy]), now: () => T0 });
    await fewer.render();
    expect(samples(await fewer.render(), 'poolgate_instance_usage_total')).toEqual(['poolgate_instance_usage_total{pool="openai-custom",instance="first"} 10']);
  });

  it('uses a registry of its own, so two gateways in one process do not collide', async () => {
    const one = new GatewayMetrics({ registry: source([]), now: () => T0 });
    const two = new GatewayMetrics({ registry: source([]), now: () => T0 });
    one.onRequestEnd(record());
    expect(samples(await two.render(), 'poolgate_requests_total')).toEqual([]);
    expect(samples(await one.render(), 'poolgate_requests_total')).toHaveLength(1);
    // Nothing landed in prom-client's global registry either.
    const { register } = await import('prom-client');
    expect(register.getSingleMetric('poolgate_requests_total')).toBeUndefined();
  });
});
