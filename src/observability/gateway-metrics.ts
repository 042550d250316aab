import { Counter, Gauge, Registry } from 'prom-client';
import type { PoolRegistry } from '../pool/pool-registry.js';
import { registerInstanceMetrics } from './instance-metrics.js';
import type { RequestObserver, RequestRecord } from './request-record.js';
import { LATENCY_BUCKETS_SECONDS, NO_POOL, RequestTally } from './request-tally.js';
import { TalliedHistogram } from './tallied-histogram.js';

/** What the metrics read from the pool registry at scrape time. */
export type MetricsPoolSource = Pick<PoolRegistry, 'allInstances' | 'affinityStats'>;

export interface GatewayMetricsDeps {
  registry: MetricsPoolSource;
  now: () => number;
}

/**
 * The gateway's Prometheus metrics, in a registry of their own (never prom-client's global one,
 * so several gateways in one process, as in tests, do not collide). Requests are tallied into
 * plain numbers as they end (see RequestTally); everything else is read from the pool registry
 * at scrape time, so the request path pays for none of it.
 */
export class GatewayMetrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly tally = new RequestTally();

  constructor(deps: GatewayMetricsDeps) {
    const { registry: register, tally } = this;
    const registers = [register];
    new Counter({
      name: 'poolgate_requests_total',
      help: 'Finished client requests by client protocol, pool and HTTP status class.',
      labelNames: ['protocol', 'pool', 'status_class'],
      registers,
      collect() {
        this.reset();
        for (const series of tally.requestSeries) this.inc(series.labels, series.count);
      },
    });
    new TalliedHistogram(
      {
        name: 'poolgate_request_duration_seconds',
        help: 'Time from request arrival to the end of the response.',
        labelNames: ['protocol', 'pool'],
        buckets: [...LATENCY_BUCKETS_SECONDS],
        registers,
      },
      function* () {
        for (const series of tally.routeSeries) yield { labels: series.labels, counts: series.duration };
      },
    );
    new TalliedHistogram(
      {
        name: 'poolgate_time_to_first_byte_seconds',
        help: 'Time from request arrival to the first response byte sent (requests that reached an upstream).',
        labelNames: ['protocol', 'pool'],
        buckets: [...LATENCY_BUCKETS_SECONDS],
        registers,
      },
      function* () {
        for (const series of tally.routeSeries) if (series.firstByte.count > 0) yield { labels: series.labels, counts: series.firstByte };
      },
    );
    new Counter({
      name: 'poolgate_upstream_attempts_total',
      help: 'Upstream attempts made (one per instance tried).',
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const series of tally.poolSeries) if (series.labels.pool !== NO_POOL) this.inc(series.labels, series.attempts);
      },
    });
    new Counter({
      name: 'poolgate_failovers_total',
      help: 'Attempts retried on another instance after a retryable failure.',
      labelNames: ['pool'],
      registers,
      collect() {
        this.reset();
        for (const series of tally.poolSeries) if (series.labels.pool !== NO_POOL) this.inc(series.labels, series.failovers);
      },
    });
    registerInstanceMetrics(register, deps.registry, deps.now);
    const affinity = () => deps.registry.affinityStats;
    new Counter({
      name: 'poolgate_session_affinity_hits_total',
      help: 'Requests that stayed on their session-bound instance.',
      registers,
      collect() {
        this.reset();
        this.inc(affinity().hits);
      },
    });
    new Counter({
      name: 'poolgate_session_affinity_misses_total',
      help: 'Session requests without a usable binding, bound to a newly chosen instance.',
      registers,
      collect() {
        this.reset();
        this.inc(affinity().misses);
      },
    });
    new Gauge({
      name: 'poolgate_session_affinity_sessions',
      help: 'Sessions currently bound to an instance.',
      registers,
      collect() {
        this.set(affinity().sessions);
      },
    });
  }

  /** On the request path: a Map lookup and a few additions, nothing else. */
  onRequestEnd(record: RequestRecord): void {
    this.tally.record(record);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
