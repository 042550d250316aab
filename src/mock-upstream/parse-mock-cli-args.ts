import { parseArgs } from 'node:util';
import type { MockUpstreamOptions } from './mock-upstream-types.js';

export const MOCK_CLI_USAGE = 'usage: mock-upstream [--port N] [--host H] [--stream-chunks N] [--seed N] [--api-key K]...';

/** `--port`, `--host`, `--stream-chunks`, `--seed`, repeatable `--api-key`. Throws on anything else. */
export function parseMockCliArgs(argv: string[]): MockUpstreamOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'stream-chunks': { type: 'string' },
      seed: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
    },
  });
  const options: MockUpstreamOptions = {};
  if (values.port !== undefined) options.port = integer('--port', values.port, 0, 65535);
  if (values.host !== undefined) options.host = values.host;
  if (values['stream-chunks'] !== undefined) options.streamChunks = integer('--stream-chunks', values['stream-chunks'], 1, 100_000);
  if (values.seed !== undefined) options.seed = integer('--seed', values.seed, 0, 0xffffffff);
  if (values['api-key'] !== undefined) options.apiKeys = values['api-key'];
  return options;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new Error(`${flag} must be an integer from ${min} to ${max}, got '${text}'`);
  return value;
}
