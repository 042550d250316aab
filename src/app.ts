import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { Agent } from 'undici';
import { ConfigError } from './config/config-error.js';
import type { GatewayConfig } from './config/config-schema.js';
import type { GatewayContext } from './gateway/gateway-context.js';
import { ApiKeyCheck } from './http/api-key-auth.js';
import { createGatewayServer } from './http/create-server.js';
import type { Route } from './http/route.js';
import { allRoutes, fallbackEncodeError } from './inbound/all-routes.js';
import { HealthChecker } from './pool/health-checker.js';
import { PoolRegistry, type ApplyReport } from './pool/pool-registry.js';
import { PoolsFileWriter } from './state/pools-file-writer.js';
import { readPoolsFile, type PoolsFileContent } from './state/read-pools-file.js';
import { watchFile } from './state/watch-file.js';
import { GatewayMetrics } from './observability/gateway-metrics.js';
import { RequestLog } from './observability/request-log.js';
import type { RequestObserver } from './observability/request-record.js';
import type { ProviderAdapter } from './upstream/provider-adapter.js';
import { builtInAdapters, ProviderRegistry } from './upstream/provider-registry.js';
import type { UpstreamTimeouts } from './upstream/upstream-timeouts.js';

export interface StartOptions {
  config: GatewayConfig;
  poolsFile: string;
  /** config.json to watch for edits, with the function that re-reads it (CLI and env applied). */
  configFile?: string;
  reloadConfig?: () => Promise<GatewayConfig>;
  logger: Logger;
  adapters?: ProviderAdapter[];
  routes?: Route[];
  /** Told about every finished request (metrics, request log). */
  observers?: RequestObserver[];
  now?: () => number;
  random?: () => number;
}

export interface RunningGateway {
  url: string;
  port: number;
  apiKey: string;
  apiKeyGenerated: boolean;
  registry: PoolRegistry;
  writer: PoolsFileWriter;
  healthChecker: HealthChecker;
  unservedPools: string[];
  config(): GatewayConfig;
  /** Re-reads provider_pools.json now (the watcher calls this on edits). */
  reloadPools(): Promise<void>;
  /** Re-reads config.json now through `reloadConfig` (the watcher calls this on edits). */
  reloadConfig(): Promise<void>;
  close(): Promise<void>;
}

function createAgent(config: GatewayConfig): Agent {
  return new Agent({
    connect: { timeout: config.UPSTREAM_CONNECT_TIMEOUT_MS },
    headersTimeout: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
    bodyTimeout: config.UPSTREAM_CHUNK_TIMEOUT_MS,
    keepAliveTimeout: 30_000,
  });
}

/** Composition root: wires config, pools, persistence, health checks and the HTTP server. */
export async function startGateway(options: StartOptions): Promise<RunningGateway> {
  const { logger, poolsFile } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let config = options.config;
  const apiKeyGenerated = !config.REQUIRED_API_KEY;
  const generatedKey = `pg-${randomBytes(24).toString('base64url')}`;
  let apiKey = config.REQUIRED_API_KEY ?? generatedKey;
  let apiKeyCheck = new ApiKeyCheck(apiKey);
  const providers = new ProviderRegistry(options.adapters ?? builtInAdapters());
  const dispatcher = createAgent(config);
  // Read on every upstream call, so an edited config.json applies to the next request. The connect
  // timeout belongs to the agent's connection pools and takes a restart.
  const timeouts: UpstreamTimeouts = {
    connectMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    get firstByteMs() {
      return config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS;
    },
    get betweenChunksMs() {
      return config.UPSTREAM_CHUNK_TIMEOUT_MS;
    },
  };
  let writer: PoolsFileWriter | undefined;
  let registryRef: PoolRegistry | undefined;
  const registry = new PoolRegistry({
    providers,
    adapterDeps: {
      dispatcher,
      timeouts,
      logger,
      now,
      baseDir: path.dirname(poolsFile),
      persistFields: (uuid, fields) => registryRef?.persistFields(uuid, fields),
    },
    logger,
    now,
    random,
    config: () => config,
    onChange: () => writer?.markDirty(),
  });

  registryRef = registry;
  /** What the file held when last read or written by us: the watcher ignores those bytes. */
  let lastWritten: Buffer = Buffer.alloc(0);
  writer = new PoolsFileWriter({
    file: poolsFile,
    registry,
    logger,
    now,
    // Getters: an edited config.json changes the write cadence without a restart.
    get debounceMs() {
      return config.STATS_FLUSH_DEBOUNCE_MS;
    },
    get maxWaitMs() {
      return config.STATS_FLUSH_MAX_WAIT_MS;
    },
    onWritten: (bytes) => {
      lastWritten = bytes;
    },
  });
  const activeWriter = writer;

  /**
   * Serves a pools file just read. The writer adopts its document, so it never re-reads what was
   * just parsed, and it alone writes the file: generated uuids go out with its next write, which
   * is made at once.
   */
  const applyPools = async (content: PoolsFileContent): Promise<ApplyReport> => {
    const report = registry.apply(content.parsed, poolsFile);
    lastWritten = content.bytes;
    await activeWriter.adopt(content.parsed.document);
    if (content.parsed.generatedUuids) {
      activeWriter.markDirty();
      await activeWriter.flush();
      logger.info({ file: poolsFile }, 'generated missing instance uuids and wrote them back');
    }
    return report;
  };

  const initial = await applyPools(await readPoolsFile(poolsFile));
  if (initial.unserved.length > 0) logger.warn({ pools: initial.unserved }, 'pools of provider types not served yet: kept in the file, not used');

  const reloadPools = async (): Promise<void> => {
    try {
      if (await activeWriter.fileIsAsKnown()) return;
      const content = await readPoolsFile(poolsFile, lastWritten);
      if (!content) return;
      const applied = await applyPools(content);
      logger.info({ served: applied.served, unserved: applied.unserved }, 'provider pools reloaded');
    } catch (error) {
      const message = error instanceof ConfigError ? error.message : (error as Error).message;
      logger.error({ err: message }, 'provider pools file edit rejected; the last good configuration keeps serving');
    }
  };

  const reloadConfig = async (): Promise<void> => {
    if (!options.reloadConfig) return;
    try {
      const next = await options.reloadConfig();
      if (next.SERVER_PORT !== config.SERVER_PORT || next.HOST !== config.HOST) logger.warn('HOST and SERVER_PORT changes take effect on restart');
      // Pools are rebuilt under the new settings (strategies, affinity); if that fails, nothing
      // of the edit is kept, the key included.
      const content = await readPoolsFile(poolsFile);
      const previous = config;
      config = next;
      try {
        await applyPools(content);
      } catch (error) {
        config = previous;
        throw error;
      }
      if (next.REQUIRED_API_KEY && next.REQUIRED_API_KEY !== apiKey) {
        apiKey = next.REQUIRED_API_KEY;
        apiKeyCheck = new ApiKeyCheck(apiKey);
      }
      logger.info('config reloaded');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'config edit rejected; the last good configuration keeps serving');
    }
  };

  // Observability is set up at start; changing its keys takes a restart.
  const metrics = config.METRICS_ENABLED ? new GatewayMetrics({ registry, now }) : undefined;
  const requestLog = config.REQUEST_LOG_ENABLED
    ? await RequestLog.open({
        file: path.resolve(path.dirname(poolsFile), config.REQUEST_LOG_PATH ?? 'poolgate-requests.sqlite'),
        maxRows: config.REQUEST_LOG_MAX_ROWS,
        maxAgeDays: config.REQUEST_LOG_MAX_AGE_DAYS,
        now,
        logger,
      })
    : undefined;
  const observers: RequestObserver[] = [...(options.observers ?? []), ...(metrics ? [metrics] : []), ...(requestLog ? [requestLog] : [])];
  const gateway: GatewayContext = { registry, providers, config: () => config, logger, now, metrics, requestLog };
  const healthChecker = new HealthChecker({ registry, providers, config: () => config, logger, now, random });
  const server = createGatewayServer({ gateway, routes: options.routes ?? allRoutes, fallbackEncodeError, apiKey: () => apiKeyCheck, observers });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.SERVER_PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const unwatch = config.HOT_RELOAD
    ? [watchFile(poolsFile, 150, () => void reloadPools()), ...(options.configFile ? [watchFile(options.configFile, 150, () => void reloadConfig())] : [])]
    : [];
  healthChecker.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    apiKey,
    apiKeyGenerated,
    registry,
    writer: activeWriter,
    healthChecker,
    unservedPools: initial.unserved,
    config: () => config,
    reloadPools,
    reloadConfig,
    close() {
      closing ??= (async () => {
        unwatch.forEach((stop) => stop());
        await healthChecker.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 2_000).unref();
        });
        await activeWriter.close();
        await requestLog?.close();
        await registry.close();
        await dispatcher.close();
      })();
      return closing;
    },
  };
}
