import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { PoolRegistry } from '../pool/pool-registry.js';
import type { ProviderRegistry } from '../upstream/provider-registry.js';

/** What every inbound protocol handler needs from the gateway; built once in app.ts. */
export interface GatewayContext {
  registry: PoolRegistry;
  providers: ProviderRegistry;
  config: () => GatewayConfig;
  logger: Logger;
  now: () => number;
}
