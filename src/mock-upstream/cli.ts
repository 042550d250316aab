#!/usr/bin/env node
import { parseMockCliArgs, MOCK_CLI_USAGE } from './parse-mock-cli-args.js';
import { startMockUpstream } from './start-mock-upstream.js';

/**
 * Standalone mock upstream for the benchmark: prints `listening <url>` on one stdout line and runs
 * until SIGINT / SIGTERM. `node dist/mock-upstream/cli.js --port 0` or `npx tsx src/mock-upstream/cli.ts`.
 */
async function main(): Promise<void> {
  let options;
  try {
    options = parseMockCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${MOCK_CLI_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const mock = await startMockUpstream(options);
  process.stdout.write(`listening ${mock.url}\n`);
  const stop = (): void => {
    void mock.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`mock upstream failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
