import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import type { CodeAssistClient } from './code-assist-client.js';
import { discoverCodeAssistProject } from './discover-project.js';

/** A client whose every call answers 200 with the next of `bodies` (raw JSON text). */
function clientAnswering(...bodies: string[]): CodeAssistClient {
  return {
    call: async () => {
      const text = bodies.shift() ?? '{}';
      return { statusCode: 200, headers: {}, body: { text: async () => text } } as unknown as Dispatcher.ResponseData;
    },
  } as unknown as CodeAssistClient;
}

const options = () => ({ signal: AbortSignal.timeout(5_000), sleep: async () => {}, pollDelaysMs: [1, 1] });

describe('discoverCodeAssistProject', () => {
  it('finds the project of an onboarded account', async () => {
    expect(await discoverCodeAssistProject(clientAnswering('{"currentTier":{"id":"free-tier"},"cloudaicompanionProject":"p-1"}'), options())).toBe('p-1');
  });

  it.each(['null', '42', '"text"', '[]'])('reports a loadCodeAssist answer of %s as bad_upstream_response, not a TypeError', async (body) => {
    const error = await discoverCodeAssistProject(clientAnswering(body), options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('bad_upstream_response');
  });

  it('reports a null onboardUser answer as bad_upstream_response', async () => {
    const error = await discoverCodeAssistProject(clientAnswering('{"allowedTiers":[{"id":"free-tier","isDefault":true}]}', 'null'), options()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad_upstream_response' });
  });
});
