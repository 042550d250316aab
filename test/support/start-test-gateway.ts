import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/app.js';
import { configSchema, type GatewayConfigInput } from '../../src/config/config-schema.js';

export const TEST_KEY = 'pg-test-key';

export interface TestGateway extends RunningGateway {
  poolsFile: string;
  dir: string;
}

/**
 * A real gateway on an ephemeral loopback port over a pools file written to a temp dir.
 * `nextConfig`, when given, is what a config.json edit yields: `reloadConfig()` applies it.
 */
export async function startTestGateway(pools: Record<string, unknown>, config: GatewayConfigInput = {}, nextConfig?: () => GatewayConfigInput): Promise<TestGateway> {
  const dir = await mkdtemp(path.join(tmpdir(), 'poolgate-test-'));
  const poolsFile = path.join(dir, 'provider_pools.json');
  await writeFile(poolsFile, JSON.stringify(pools, null, 2));
  const parse = (input: GatewayConfigInput) =>
    configSchema.parse({
      REQUIRED_API_KEY: TEST_KEY,
      SERVER_PORT: 0,
      HEALTH_CHECK_INTERVAL_MS: 0,
      STATS_FLUSH_DEBOUNCE_MS: 50,
      STATS_FLUSH_MAX_WAIT_MS: 200,
      LOG_LEVEL: 'silent',
      ...input,
    });
  const gateway = await startGateway({
    config: parse(config),
    ...(nextConfig ? { reloadConfig: async () => parse(nextConfig()) } : {}),
    poolsFile,
    logger: pino({ level: 'silent' }),
  });
  return Object.assign(gateway, { poolsFile, dir });
}

export function openAIInstance(baseUrl: string, key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    OPENAI_API_KEY: key,
    OPENAI_BASE_URL: `${baseUrl}/v1`,
    checkModelName: null,
    uuid: `uuid-${key}`,
    isHealthy: true,
    lastUsed: null,
    usageCount: 0,
    errorCount: 0,
    lastErrorTime: null,
    ...extra,
  };
}

/** Polls until `check` passes or the deadline expires; for conditions reached asynchronously. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A claude-custom entry as the seed writes it: a base URL with or without /v1 (poolgate adds exactly one). */
export function claudeInstance(baseUrl: string, key: string): Record<string, unknown> {
  return { CLAUDE_API_KEY: key, CLAUDE_BASE_URL: baseUrl, uuid: `uuid-${key}`, checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null };
}
