import { z } from 'zod';

export const SELECTION_STRATEGIES = ['round-robin', 'weighted', 'priority', 'fill-first', 'least-inflight'] as const;
export type SelectionStrategyName = (typeof SELECTION_STRATEGIES)[number];

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const durationMs = z.number().int().nonnegative();

/**
 * config.json, with the original's keys kept verbatim (REQUIRED_API_KEY, SERVER_PORT, HOST,
 * MODEL_PROVIDER, PROVIDER_POOLS_FILE_PATH, REQUEST_MAX_RETRIES, MAX_ERROR_COUNT) plus ours.
 * Unknown keys are allowed: files from the original carry settings we do not use.
 */
export const configSchema = z
  .object({
    REQUIRED_API_KEY: z.string().min(1).max(512, 'expected at most 512 characters').optional(),
    SERVER_PORT: z.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    MODEL_PROVIDER: z.string().min(1).default('openai-custom'),
    PROVIDER_POOLS_FILE_PATH: z.string().min(1).optional(),
    REQUEST_MAX_RETRIES: nonNegativeInt.default(3),
    MAX_ERROR_COUNT: positiveInt.default(3),

    SELECTION_STRATEGY: z.enum(SELECTION_STRATEGIES).default('round-robin'),
    /** Per pool key: `{"openai-custom-eu": "weighted"}`. */
    POOL_STRATEGIES: z.record(z.string(), z.enum(SELECTION_STRATEGIES)).default({}),
    SESSION_AFFINITY: z.boolean().default(false),
    SESSION_AFFINITY_TTL_MS: durationMs.default(60 * 60 * 1000),
    SESSION_AFFINITY_MAX_SESSIONS: positiveInt.default(100_000),

    HEALTH_CHECK_INTERVAL_MS: durationMs.default(60_000),
    HEALTH_CHECK_JITTER_RATIO: z.number().min(0).max(1).default(0.2),
    HEALTH_CHECK_TIMEOUT_MS: positiveInt.default(15_000),
    HEALTH_CHECK_CONCURRENCY: positiveInt.default(4),
    /** Probe healthy instances too, not only cooling ones (costs tokens on paid upstreams). */
    HEALTH_CHECK_ALL: z.boolean().default(false),

    COOLDOWN_SERVER_ERROR_MS: durationMs.default(60_000),
    COOLDOWN_AUTH_ERROR_MS: durationMs.default(30 * 60_000),
    COOLDOWN_RATE_LIMIT_BASE_MS: durationMs.default(1_000),
    COOLDOWN_RATE_LIMIT_MAX_MS: durationMs.default(30 * 60_000),
    COOLDOWN_MAX_MS: durationMs.default(6 * 60 * 60_000),

    UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
    UPSTREAM_FIRST_BYTE_TIMEOUT_MS: positiveInt.default(120_000),
    UPSTREAM_CHUNK_TIMEOUT_MS: positiveInt.default(120_000),

    STATS_FLUSH_DEBOUNCE_MS: durationMs.default(1_000),
    STATS_FLUSH_MAX_WAIT_MS: positiveInt.default(5_000),
    /** Watch config.json and provider_pools.json and apply edits without a restart. */
    HOT_RELOAD: z.boolean().default(true),

    /**
     * How much nicer than the event loop the process's other threads (V8's collector and compiler,
     * libuv's pool, the request log's worker) run when the process may use one CPU only; 0 leaves
     * them alone.
     */
    HELPER_THREAD_NICE: z.number().int().min(0).max(19).default(10),

    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** Serve Prometheus metrics at GET /metrics (gateway key required). */
    METRICS_ENABLED: z.boolean().default(true),
    /** Record every request in a SQLite file, written off the request path by a worker thread. */
    REQUEST_LOG_ENABLED: z.boolean().default(true),
    /** SQLite file of the request log; default `poolgate-requests.sqlite` beside the pools file (app.ts resolves it). */
    REQUEST_LOG_PATH: z.string().min(1).optional(),
    /** Keep at most this many requests in the log (0 = no limit). */
    REQUEST_LOG_MAX_ROWS: nonNegativeInt.default(100_000),
    /** Drop logged requests older than this many days (0 = keep). */
    REQUEST_LOG_MAX_AGE_DAYS: z.number().nonnegative().default(7),
  })
  .passthrough();

export type GatewayConfig = z.output<typeof configSchema>;
export type GatewayConfigInput = z.input<typeof configSchema>;
