import type { RequestRecord } from './request-record.js';

/** Upper bounds (seconds) of the latency histograms: 5 ms … 5 min (streams run long). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Label value for requests that reached no pool (404, auth failure, /health, admin). */
export const NO_POOL = 'none';

/** Observations of one histogram series: per-bucket counts (not cumulative, last = +Inf), sum, count. */
export class BucketCounts {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > bounds[index]!) index++;
    this.counts[index]! += 1;
    this.sum += value;
    this.count++;
  }
}

export interface RouteSeries {
  labels: { protocol: string; pool: string };
  duration: BucketCounts;
  firstByte: BucketCounts;
}

export interface PoolSeries {
  labels: { pool: string };
  attempts: number;
  failovers: number;
}

export interface RequestSeries {
  labels: { protocol: string; pool: string; status_class: string };
  count: number;
  /** Shared by every status class of the same protocol × pool. */
  route: RouteSeries;
  /** Shared by every protocol and status class of the same pool. */
  pool: PoolSeries;
}

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx', 'other'];
const OTHER_CLASS = STATUS_CLASSES.length - 1;

function statusClassIndex(status: number): number {
  const index = Math.floor(status / 100);
  return index >= 0 && index < OTHER_CLASS ? index : OTHER_CLASS;
}

/**
 * Request counters and latency buckets kept as plain numbers on the request path, turned into
 * Prometheus metrics only at scrape time. Two Map lookups by strings the gateway already holds
 * (the route's protocol, the pool's key: their hashes are cached) and an array index find the
 * series object, which links to its histogram and per-pool series. prom-client's own
 * `labels(...).inc()` re-hashes and re-validates the label set on every call (~0.4 µs each,
 * measured). Cardinality is bounded: protocols come from the route table, pools from the pools
 * file, status classes are seven.
 */
export class RequestTally {
  private readonly index = new Map<string, Map<string, Array<RequestSeries | undefined>>>();
  private readonly all: RequestSeries[] = [];
  private readonly routes = new Map<string, RouteSeries>();
  private readonly pools = new Map<string, PoolSeries>();

  constructor(private readonly bounds: readonly number[] = LATENCY_BUCKETS_SECONDS) {}

  record(record: RequestRecord): void {
    const pool = record.pool ?? NO_POOL;
    const cls = statusClassIndex(record.status);
    const series = this.index.get(record.protocol)?.get(pool)?.[cls] ?? this.addSeries(record.protocol, pool, cls);
    series.count++;
    series.route.duration.observe(record.durationMs / 1000);
    if (record.firstByteMs !== undefined) series.route.firstByte.observe(record.firstByteMs / 1000);
    if (record.attempts > 0) {
      series.pool.attempts += record.attempts;
      series.pool.failovers += record.attempts - 1;
    }
  }

  get requestSeries(): readonly RequestSeries[] {
    return this.all;
  }

  get routeSeries(): IterableIterator<RouteSeries> {
    return this.routes.values();
  }

  get poolSeries(): IterableIterator<PoolSeries> {
    return this.pools.values();
  }

  private addSeries(protocol: string, pool: string, cls: number): RequestSeries {
    const routeKey = `${protocol}\u0000${pool}`;
    let route = this.routes.get(routeKey);
    if (!route) {
      route = { labels: { protocol, pool }, duration: new BucketCounts(this.bounds), firstByte: new BucketCounts(this.bounds) };
      this.routes.set(routeKey, route);
    }
    let poolSeries = this.pools.get(pool);
    if (!poolSeries) {
      poolSeries = { labels: { pool }, attempts: 0, failovers: 0 };
      this.pools.set(pool, poolSeries);
    }
    const series: RequestSeries = { labels: { protocol, pool, status_class: STATUS_CLASSES[cls]! }, count: 0, route, pool: poolSeries };
    let byPool = this.index.get(protocol);
    if (!byPool) this.index.set(protocol, (byPool = new Map()));
    let byClass = byPool.get(pool);
    if (!byClass) byPool.set(pool, (byClass = []));
    byClass[cls] = series;
    this.all.push(series);
    return series;
  }
}
