import type { GatewayContext } from './gateway-context.js';

/**
 * Models a client may ask for: the default pool's models as they are, and every other served
 * pool's models as `pool:model`. An instance's `supportedModels` (and `checkModelName`) say what
 * it serves; a pool with none falls back to its provider's defaults.
 */
export function listModelIds(ctx: GatewayContext, poolKey: string | undefined): string[] {
  const primary = poolKey ?? ctx.config().MODEL_PROVIDER;
  const ids: string[] = [];
  for (const pool of ctx.registry.allPools) {
    const models = new Set<string>();
    for (const instance of pool.members) {
      instance.supportedModels?.forEach((model) => models.add(model));
      if (instance.checkModelName) models.add(instance.checkModelName);
    }
    if (models.size === 0) ctx.providers.get(pool.type)?.defaultModels.forEach((model) => models.add(model));
    for (const model of models) ids.push(pool.key === primary ? model : `${pool.key}:${model}`);
  }
  return ids;
}
