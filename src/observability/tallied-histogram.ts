import { Histogram, type HistogramConfiguration } from 'prom-client';
import type { BucketCounts } from './request-tally.js';

export interface TalliedSeries {
  labels: Record<string, string>;
  counts: BucketCounts;
}

interface ExportedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/**
 * A prom-client Histogram whose observations live in `BucketCounts` filled on the request path
 * (see RequestTally) and are read only when the registry is scraped. prom-client has no API to
 * hand it pre-aggregated buckets, so `get` (and `getForPromString`, which the registry prefers)
 * produce the same value list prom-client's own Histogram produces: cumulative `_bucket` values
 * with `le`, then `_sum` and `_count`. gateway-metrics.test.ts pins the text output.
 */
export class TalliedHistogram<T extends string> extends Histogram<T> {
  constructor(
    configuration: HistogramConfiguration<T> & { buckets: number[] },
    private readonly source: () => Iterable<TalliedSeries>,
  ) {
    super(configuration);
    this.metricName = configuration.name;
    this.metricHelp = configuration.help;
  }

  private readonly metricName: string;
  private readonly metricHelp: string;

  override async get(): ReturnType<Histogram<T>['get']> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.metricName}_bucket`;
    for (const { labels, counts } of this.source()) {
      let cumulative = 0;
      for (let index = 0; index < counts.bounds.length; index++) {
        cumulative += counts.counts[index]!;
        values.push({ value: cumulative, labels: { le: counts.bounds[index]!, ...labels }, metricName: bucketName });
      }
      values.push({ value: counts.count, labels: { le: '+Inf', ...labels }, metricName: bucketName });
      values.push({ value: counts.sum, labels, metricName: `${this.metricName}_sum` });
      values.push({ value: counts.count, labels, metricName: `${this.metricName}_count` });
    }
    const metric = { name: this.metricName, help: this.metricHelp, type: 'histogram', values, aggregator: 'sum' };
    return metric as unknown as Awaited<ReturnType<Histogram<T>['get']>>;
  }

  /** The registry formats from this when present (prom-client's Histogram defines it). */
  getForPromString(): ReturnType<Histogram<T>['get']> {
    return this.get();
  }
}
