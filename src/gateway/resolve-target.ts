import { GatewayError } from '../canonical/index.js';
import type { ProviderPool } from '../pool/provider-pool.js';
import type { ProviderAdapter } from '../upstream/provider-adapter.js';
import type { GatewayContext } from './gateway-context.js';

export interface Target {
  pool: ProviderPool;
  adapter: ProviderAdapter;
  /** The model as the upstream should see it (pool prefix removed). */
  model: string;
}

/**
 * Which pool serves a request: a `pool:model` model name wins, then the `/<pool>/v1/...` path
 * prefix, then the `Model-Provider` header, then MODEL_PROVIDER. A model like `llama3:8b`
 * whose prefix is no pool stays as it is.
 */
export function resolveTarget(ctx: GatewayContext, pathPool: string | undefined, headerPool: string | undefined, model: string): Target {
  let poolKey = pathPool ?? headerPool ?? ctx.config().MODEL_PROVIDER;
  let upstreamModel = model;
  const colon = model.indexOf(':');
  if (colon > 0) {
    const prefix = model.slice(0, colon);
    if (ctx.registry.pool(prefix) || ctx.providers.get(prefix)) {
      poolKey = prefix;
      upstreamModel = model.slice(colon + 1);
    }
  }
  const pool = ctx.registry.pool(poolKey);
  if (!pool) {
    const served = ctx.registry.allPools.map((p) => p.key);
    throw new GatewayError('not_found', `no served pool named "${poolKey}"${served.length ? `; served pools: ${served.join(', ')}` : ''}`, { origin: 'client', param: 'model' });
  }
  const adapter = ctx.providers.get(pool.type);
  if (!adapter) throw new GatewayError('not_implemented', `provider type ${pool.type} is not served yet`, { origin: 'gateway' });
  return { pool, adapter, model: upstreamModel };
}
