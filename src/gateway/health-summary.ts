import type { GatewayContext } from './gateway-context.js';

export interface PoolHealthSummary {
  pool: string;
  type: string;
  instances: number;
  healthy: number;
  cooling: number;
  probing: number;
  disabled: number;
  inflight: number;
}

/** Counts per pool for /health; names no credentials. */
export function healthSummary(ctx: GatewayContext): PoolHealthSummary[] {
  const now = ctx.now();
  return ctx.registry.allPools.map((pool) => {
    const summary: PoolHealthSummary = { pool: pool.key, type: pool.type, instances: 0, healthy: 0, cooling: 0, probing: 0, disabled: 0, inflight: 0 };
    for (const instance of pool.members) {
      summary.instances++;
      summary[instance.status(now)]++;
      summary.inflight += instance.inflight;
    }
    return summary;
  });
}
