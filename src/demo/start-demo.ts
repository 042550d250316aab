import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.js';

export interface Demo {
  upstream: MockUpstream;
  poolsFile: string;
}

const DEMO_KEYS = ['sk-demo-steady-1', 'sk-demo-steady-2', 'sk-demo-flaky'];

/**
 * The built-in demo: the simulated OpenAI-compatible upstream on loopback and a pool of three
 * instances pointed at it, the third failing a third of its requests so failover and cooldowns
 * can be watched. The pools file is rewritten at each start because the upstream's port changes.
 */
export async function startDemo(dir: string): Promise<Demo> {
  const upstream = await startMockUpstream({
    apiKeys: DEMO_KEYS,
    faults: { 'sk-demo-flaky': { kind: 'flaky', failureRate: 0.33, status: 500 } },
  });
  await mkdir(dir, { recursive: true });
  const poolsFile = path.join(dir, 'provider_pools.json');
  const instance = (key: string, name: string, uuid: string) => ({
    customName: name,
    OPENAI_API_KEY: key,
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    checkModelName: 'gpt-4o-mini',
    uuid,
    isHealthy: true,
    lastUsed: null,
    usageCount: 0,
    errorCount: 0,
    lastErrorTime: null,
  });
  const document = {
    'openai-custom': [
      instance(DEMO_KEYS[0]!, 'demo-steady-1', 'demo-0000-0000-0001'),
      instance(DEMO_KEYS[1]!, 'demo-steady-2', 'demo-0000-0000-0002'),
      instance(DEMO_KEYS[2]!, 'demo-flaky', 'demo-0000-0000-0003'),
    ],
  };
  await writeFileAtomic(poolsFile, `${JSON.stringify(document, null, 2)}\n`);
  return { upstream, poolsFile };
}
