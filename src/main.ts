#!/usr/bin/env node
import { access } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from './app.js';
import type { CliOptions } from './config/cli-options.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import type { Demo } from './demo/start-demo.js';
import { addLoginCommand } from './login/login-command.js';
import { deprioritiseHelperThreads } from './process/deprioritise-helper-threads.js';

function integer(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} expects a non-negative integer, got "${value}"`);
    return Number(value);
  };
}

function buildCli(): Command {
  return new Command('poolgate')
    .description('AI API gateway over a pool of provider accounts: one endpoint, load balancing, failover, health checks.')
    .option('--config <file>', 'config.json to read (JSON with comments allowed); default ./config.json if present')
    .option('--provider-pools-file <file>', 'provider_pools.json (PROVIDER_POOLS_FILE_PATH)')
    .option('--model-provider <pool>', 'default pool for requests (MODEL_PROVIDER)')
    .option('--host <host>', 'address to bind (HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (SERVER_PORT, default 3000)', integer('--port'))
    .option('--api-key <key>', 'key clients must send (REQUIRED_API_KEY); generated at start if none is set')
    .option('--request-max-retries <n>', 'failover attempts after the first (REQUEST_MAX_RETRIES)', integer('--request-max-retries'))
    .option('--max-error-count <n>', 'consecutive failures before an instance cools down (MAX_ERROR_COUNT)', integer('--max-error-count'))
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (LOG_LEVEL)')
    .showHelpAfterError();
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function fail(message: string): never {
  process.stderr.write(`poolgate: configuration error\n${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const program = buildCli();
  program.exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
  // `poolgate login ...` runs a login; `poolgate [options]` without a subcommand runs the gateway.
  let ranSubcommand = false;
  program.enablePositionalOptions().action(() => undefined);
  addLoginCommand(program);
  program.hook('preSubcommand', () => {
    ranSubcommand = true;
  });
  await program.parseAsync(process.argv);
  if (ranSubcommand) return;
  const cli = program.opts<CliOptions>();

  let loaded;
  try {
    loaded = await loadConfig(cli);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { config } = loaded;
  const logger = pino({ level: config.LOG_LEVEL, base: undefined });

  let demo: Demo | undefined;
  let poolsFile = loaded.poolsFile;
  if (!loaded.poolsFileExplicit && !(await exists(poolsFile))) {
    // Loaded only when used: the demo pulls in the whole simulated upstream, which a gateway
    // serving real pools would otherwise carry in its heap for nothing.
    const { startDemo } = await import('./demo/start-demo.js');
    demo = await startDemo(path.resolve('.poolgate-demo'));
    poolsFile = demo.poolsFile;
  }

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      config,
      poolsFile,
      ...(loaded.configFile ? { configFile: loaded.configFile } : {}),
      reloadConfig: async () => (await loadConfig(cli)).config,
      logger,
    });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  // After start-up, so that the request log's worker and libuv's pool exist already.
  const helpers = await deprioritiseHelperThreads({ nice: config.HELPER_THREAD_NICE });
  if (helpers.applied) logger.info({ threads: helpers.threads.length, nice: config.HELPER_THREAD_NICE }, 'one CPU: helper threads run below the event loop');
  else logger.debug({ reason: helpers.reason }, 'helper threads keep their priority');

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`poolgate listening on ${gateway.url}`);
  out(`provider pools: ${poolsFile}${demo ? ' (built-in demo: 3 instances on a simulated upstream, one flaky)' : ''}`);
  if (gateway.unservedPools.length) out(`not served yet (kept in the file): ${gateway.unservedPools.join(', ')}`);
  if (gateway.apiKeyGenerated) out(`API key (generated for this run; set REQUIRED_API_KEY to fix one): ${gateway.apiKey}`);
  if (demo) {
    const key = gateway.apiKeyGenerated ? gateway.apiKey : '$POOLGATE_KEY';
    out(`try: curl -s ${gateway.url}/v1/chat/completions -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests and writing stats');
    void (async () => {
      await gateway.close();
      await demo?.upstream.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`poolgate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
