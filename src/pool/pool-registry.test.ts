import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.js';
import { parsePoolsFile } from '../config/parse-pools-file.js';
import type { AdapterDeps, ProviderAdapter, UpstreamConnection } from '../upstream/provider-adapter.js';
import { ProviderRegistry } from '../upstream/provider-registry.js';
import { PoolRegistry } from './pool-registry.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const UUIDS = ['2f579c65-d3c5-41b1-9985-9f6e3d7bf39c', 'e284628d-302f-456d-91f3-6095386fb3b8', '9a3c1f0e-5b7d-4c2a-8e6f-1d2b3c4d5e6f'];

function poolsFile(apiKeyPrefix: string): string {
  return JSON.stringify({
    'openai-custom': UUIDS.map((uuid, i) => ({ uuid, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: `${apiKeyPrefix}-${i}` })),
  });
}

describe('PoolRegistry', () => {
  it('keeps nothing of an earlier apply alive: connections replaced by a credential edit can be collected', async () => {
    const made: Array<WeakRef<UpstreamConnection>> = [];
    const unused = async (): Promise<never> => {
      throw new Error('not used');
    };
    const adapter: ProviderAdapter = {
      type: 'openai-custom',
      wireFormat: 'openai',
      defaultCheckModel: 'gpt-4o',
      defaultModels: ['gpt-4o'],
      connectionFields: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
      connect: () => {
        const connection: UpstreamConnection = { generate: unused, stream: unused, probe: unused, close: async () => undefined };
        made.push(new WeakRef(connection));
        return connection;
      },
    };
    const config = configSchema.parse({});
    const registry = new PoolRegistry({
      providers: new ProviderRegistry([adapter]),
      adapterDeps: {} as AdapterDeps,
      logger: pino({ level: 'silent' }),
      now: () => Date.UTC(2025, 5, 1),
      random: () => 0.5,
      config: () => config,
      onChange: () => undefined,
    });
    const file = '/virtual/provider_pools.json';
    registry.apply(parsePoolsFile(poolsFile('sk-old'), file), file);
    registry.apply(parsePoolsFile(poolsFile('sk-new'), file), file);
    expect(made).toHaveLength(6);
    expect([...registry.allInstances].map((instance) => instance.connection)).toEqual(made.slice(3).map((ref) => ref.deref()));

    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(made.slice(0, 3).map((ref) => ref.deref() === undefined)).toEqual([true, true, true]);
    expect(made.slice(3).every((ref) => ref.deref() !== undefined)).toBe(true);
  });
});
