import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { RequestLog } from '../observability/request-log.js';
import type { PoolRegistry } from '../pool/pool-registry.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';

/** What every inbound protocol handler needs from the gateway; built once in app.ts. */
export interface GatewayContext {
  registry: PoolRegistry;
  providers: ProviderRegistry;
  config: () => GatewayConfig;
  logger: Logger;
  now: () => number;
  /** Prometheus metrics (absent when METRICS_ENABLED is false); read by GET /metrics. */
  metrics?: GatewayMetrics;
  /** The SQLite request log (absent when REQUEST_LOG_ENABLED is false); read by GET /admin/requests. */
  requestLog?: RequestLog;
}
