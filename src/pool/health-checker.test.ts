import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';
import { HealthChecker } from './health-checker.js';
import type { PoolInstance } from './pool-instance.js';
import type { PoolRegistry } from './pool-registry.js';

function coolingInstance(name: string, probe: () => Promise<void>): PoolInstance {
  return {
    name,
    poolKey: 'openai-custom',
    type: 'openai-custom',
    disabled: false,
    checkModelName: null,
    connection: { probe: vi.fn(probe) },
    health: { cooling: true, until: 0, reason: '5xx', code: 'upstream_error', consecutiveFailures: 3, consecutiveRateLimits: 0, coolingStreak: 1, probeInFlight: false },
  } as unknown as PoolInstance;
}

describe('HealthChecker', () => {
  it('leaves an instance whose half-open trial a live request took meanwhile, and does not clear that mark', async () => {
    let finishFirst!: () => void;
    const first = coolingInstance('a', () => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = coolingInstance('b', async () => undefined);
    const pool = { recordSuccess: vi.fn(), recordFailure: vi.fn() };
    const checker = new HealthChecker({
      registry: { allInstances: [first, second], pool: () => pool } as unknown as PoolRegistry,
      providers: { get: () => ({ defaultCheckModel: 'gpt-4o-mini' }) } as unknown as ProviderRegistry,
      config: () => ({ HEALTH_CHECK_ALL: false, HEALTH_CHECK_CONCURRENCY: 1, HEALTH_CHECK_TIMEOUT_MS: 1_000 }) as GatewayConfig,
      logger: pino({ level: 'silent' }),
      now: () => 0,
      random: () => 0.5,
    });
    const round = checker.runOnce();
    // While the first probe runs, a client request becomes the second instance's half-open trial.
    second.health.probeInFlight = true;
    finishFirst();
    await round;
    expect(first.connection!.probe).toHaveBeenCalledTimes(1);
    expect(second.connection!.probe).not.toHaveBeenCalled();
    expect(second.health.probeInFlight).toBe(true);
    expect(pool.recordSuccess).toHaveBeenCalledTimes(1);
  });
});
