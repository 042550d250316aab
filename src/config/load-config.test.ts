import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliOptions } from './cli-options.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'poolgate-load-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(text: string, name = 'config.json'): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** Runs loadConfig expecting a ConfigError and returns it. */
async function configError(cli: CliOptions, env: NodeJS.ProcessEnv = {}): Promise<ConfigError> {
  const error: unknown = await loadConfig(cli, env, dir).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig: defaults and sources', () => {
  it('gives the defaults when there is no config file, env or CLI setting', async () => {
    const loaded = await loadConfig({}, {}, dir);
    expect(loaded.configFile).toBeUndefined();
    expect(loaded.config.SERVER_PORT).toBe(3000);
    expect(loaded.config.HOST).toBe('127.0.0.1');
    expect(loaded.config.MODEL_PROVIDER).toBe('openai-custom');
    expect(loaded.config.REQUEST_MAX_RETRIES).toBe(3);
    expect(loaded.config.MAX_ERROR_COUNT).toBe(3);
    expect(loaded.config.SELECTION_STRATEGY).toBe('round-robin');
    expect(loaded.poolsFile).toBe(path.join(dir, 'provider_pools.json'));
    expect(loaded.poolsFileExplicit).toBe(false);
  });

  it('reads config.json from the cwd when --config is not given', async () => {
    const file = await writeConfig('{"SERVER_PORT": 4100}');
    const loaded = await loadConfig({}, {}, dir);
    expect(loaded.configFile).toBe(file);
    expect(loaded.config.SERVER_PORT).toBe(4100);
  });

  it("accepts the seed's config.json example, with its // comment", async () => {
    await writeConfig('{\n"PROVIDER_POOLS_FILE_PATH": "provider_pools.json",\n"MODEL_PROVIDER": "openai-custom" // 这将从 openai-custom 池中选择一个实例\n}\n');
    const loaded = await loadConfig({}, {}, dir);
    expect(loaded.config.MODEL_PROVIDER).toBe('openai-custom');
    expect(loaded.config.PROVIDER_POOLS_FILE_PATH).toBe('provider_pools.json');
    expect(loaded.poolsFile).toBe(path.join(dir, 'provider_pools.json'));
    expect(loaded.poolsFileExplicit).toBe(true);
  });

  it('accepts the seed example on one line, and block comments and trailing commas', async () => {
    await writeConfig('{"PROVIDER_POOLS_FILE_PATH": "provider_pools.json", "MODEL_PROVIDER": "openai-custom" // comment\n }');
    expect((await loadConfig({}, {}, dir)).config.MODEL_PROVIDER).toBe('openai-custom');

    await writeConfig('/* poolgate */\n{\n  "SERVER_PORT": 4200, // port\n  "POOL_STRATEGIES": {"openai-custom-eu": "weighted",},\n}\n');
    const loaded = await loadConfig({}, {}, dir);
    expect(loaded.config.SERVER_PORT).toBe(4200);
    expect(loaded.config.POOL_STRATEGIES).toEqual({ 'openai-custom-eu': 'weighted' });
  });

  it('keeps unknown keys from files written for the original project', async () => {
    await writeConfig('{"SYSTEM_PROMPT_FILE_PATH": "input_system_prompt.txt", "CRON_NEAR_MINUTES": 15}');
    const loaded = await loadConfig({}, {}, dir);
    expect(loaded.config.SYSTEM_PROMPT_FILE_PATH).toBe('input_system_prompt.txt');
    expect(loaded.config.CRON_NEAR_MINUTES).toBe(15);
  });
});

describe('loadConfig: precedence CLI > env > config.json > defaults', () => {
  it('resolves each layer in order, for a numeric setting', async () => {
    await writeConfig('{"SERVER_PORT": 1111}');
    const env = { POOLGATE_SERVER_PORT: '2222' };
    expect((await loadConfig({ port: 3333 }, env, dir)).config.SERVER_PORT).toBe(3333);
    expect((await loadConfig({}, env, dir)).config.SERVER_PORT).toBe(2222);
    expect((await loadConfig({}, {}, dir)).config.SERVER_PORT).toBe(1111);
    await rm(path.join(dir, 'config.json'));
    expect((await loadConfig({}, {}, dir)).config.SERVER_PORT).toBe(3000);
  });

  it('applies every CLI option over env and file', async () => {
    await writeConfig(
      JSON.stringify({ HOST: 'file-host', MODEL_PROVIDER: 'claude-custom', REQUIRED_API_KEY: 'file-key', REQUEST_MAX_RETRIES: 1, MAX_ERROR_COUNT: 1, LOG_LEVEL: 'warn' }),
    );
    const env = {
      POOLGATE_HOST: 'env-host',
      POOLGATE_MODEL_PROVIDER: 'gemini-cli-oauth',
      POOLGATE_REQUIRED_API_KEY: 'env-key',
      POOLGATE_REQUEST_MAX_RETRIES: '2',
      POOLGATE_MAX_ERROR_COUNT: '2',
      POOLGATE_LOG_LEVEL: 'error',
    };
    const cli: CliOptions = {
      host: 'cli-host',
      modelProvider: 'openai-qwen-oauth',
      apiKey: 'cli-key',
      requestMaxRetries: 5,
      maxErrorCount: 6,
      logLevel: 'debug',
    };
    const fromCli = (await loadConfig(cli, env, dir)).config;
    expect([fromCli.HOST, fromCli.MODEL_PROVIDER, fromCli.REQUIRED_API_KEY, fromCli.REQUEST_MAX_RETRIES, fromCli.MAX_ERROR_COUNT, fromCli.LOG_LEVEL]).toEqual([
      'cli-host',
      'openai-qwen-oauth',
      'cli-key',
      5,
      6,
      'debug',
    ]);
    const fromEnv = (await loadConfig({}, env, dir)).config;
    expect([fromEnv.HOST, fromEnv.MODEL_PROVIDER, fromEnv.REQUIRED_API_KEY, fromEnv.REQUEST_MAX_RETRIES, fromEnv.MAX_ERROR_COUNT, fromEnv.LOG_LEVEL]).toEqual([
      'env-host',
      'gemini-cli-oauth',
      'env-key',
      2,
      2,
      'error',
    ]);
    const fromFile = (await loadConfig({}, {}, dir)).config;
    expect([fromFile.HOST, fromFile.MODEL_PROVIDER, fromFile.REQUIRED_API_KEY, fromFile.REQUEST_MAX_RETRIES, fromFile.MAX_ERROR_COUNT, fromFile.LOG_LEVEL]).toEqual([
      'file-host',
      'claude-custom',
      'file-key',
      1,
      1,
      'warn',
    ]);
  });

  it('parses env values as JSON except for string keys, and ignores other variables', async () => {
    const loaded = await loadConfig(
      {},
      {
        POOLGATE_SESSION_AFFINITY: 'true',
        POOLGATE_POOL_STRATEGIES: '{"claude-custom":"fill-first"}',
        // A numeric-looking API key must stay a string.
        POOLGATE_REQUIRED_API_KEY: '123456',
        POOLGATE_HOST: '0.0.0.0',
        SERVER_PORT: '9999',
        PATH: '/usr/bin',
      },
      dir,
    );
    expect(loaded.config.SESSION_AFFINITY).toBe(true);
    expect(loaded.config.POOL_STRATEGIES).toEqual({ 'claude-custom': 'fill-first' });
    expect(loaded.config.REQUIRED_API_KEY).toBe('123456');
    expect(loaded.config.HOST).toBe('0.0.0.0');
    expect(loaded.config.SERVER_PORT).toBe(3000);
  });

  it('reads the file given by --config, relative to the cwd', async () => {
    const file = await writeConfig('{"SERVER_PORT": 5005}', 'conf/poolgate.json');
    await writeConfig('{"SERVER_PORT": 1}');
    const loaded = await loadConfig({ config: 'conf/poolgate.json' }, {}, dir);
    expect(loaded.configFile).toBe(file);
    expect(loaded.config.SERVER_PORT).toBe(5005);
  });
});

describe('loadConfig: errors', () => {
  it('rejects a string port, naming file, field, value and expectation', async () => {
    const file = await writeConfig('{\n  "SERVER_PORT": "abc"\n}');
    const error = await configError({});
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain('SERVER_PORT');
    expect(error.message).toContain('"abc"');
    expect(error.message).toMatch(/expected number/);
  });

  it('rejects a negative REQUEST_MAX_RETRIES', async () => {
    const file = await writeConfig('{"REQUEST_MAX_RETRIES": -1}');
    const error = await configError({});
    expect(error.message).toContain(`${file}: REQUEST_MAX_RETRIES = -1:`);
    expect(error.message).toMatch(/expected .*>=\s*0/);
  });

  it('rejects an unknown selection strategy, listing the allowed ones', async () => {
    const file = await writeConfig('{"SELECTION_STRATEGY": "random"}');
    const error = await configError({});
    expect(error.message).toContain(`${file}: SELECTION_STRATEGY = "random":`);
    for (const name of ['round-robin', 'weighted', 'priority', 'fill-first', 'least-inflight']) expect(error.message).toContain(name);
  });

  it('names the nested field path of a bad value', async () => {
    const file = await writeConfig('{"POOL_STRATEGIES": {"openai-custom-eu": "random"}}');
    const error = await configError({});
    expect(error.message).toContain(`${file}: POOL_STRATEGIES.openai-custom-eu = "random":`);
  });

  it('reports every bad field, one per line', async () => {
    await writeConfig('{"SERVER_PORT": "abc", "REQUEST_MAX_RETRIES": -1}');
    const error = await configError({});
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => line.includes('SERVER_PORT = "abc"'))).toBe(true);
    expect(lines.some((line) => line.includes('REQUEST_MAX_RETRIES = -1'))).toBe(true);
  });

  it('names the environment as the source of a bad env value', async () => {
    const error = await configError({}, { POOLGATE_SERVER_PORT: 'abc' });
    expect(error.message).toContain('POOLGATE_');
    expect(error.message).toContain('SERVER_PORT = "abc"');
    expect(error.message).toMatch(/expected number/);
  });

  it('names the command line as the source of a bad CLI value', async () => {
    const error = await configError({ port: 70000 });
    expect(error.message).toContain('command line');
    expect(error.message).toContain('SERVER_PORT = 70000');
    expect(error.message).toMatch(/<=\s*65535/);
  });

  it('names a missing --config file as missing', async () => {
    const error = await configError({ config: 'nope.json' });
    const file = path.join(dir, 'nope.json');
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/missing/);
  });

  it('reports invalid JSON with line and column', async () => {
    const file = await writeConfig('{\n  "SERVER_PORT": 3000\n  "HOST": "x"\n}\n');
    const error = await configError({});
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain('line 3, column 3');
  });

  it('rejects a config file whose root is not an object', async () => {
    await writeConfig('[1, 2]');
    const error = await configError({});
    expect(error.message).toContain('(root)');
    expect(error.message).toMatch(/expected a JSON object/);
  });
});

describe('loadConfig: provider pools path resolution', () => {
  it('resolves a path from config.json against the config file directory', async () => {
    await writeConfig('{"PROVIDER_POOLS_FILE_PATH": "pools/provider_pools.json"}', 'etc/config.json');
    const loaded = await loadConfig({ config: 'etc/config.json' }, {}, dir);
    expect(loaded.poolsFile).toBe(path.join(dir, 'etc', 'pools', 'provider_pools.json'));
    expect(loaded.poolsFileExplicit).toBe(true);
  });

  it('resolves a path from the environment against the cwd', async () => {
    await writeConfig('{"PROVIDER_POOLS_FILE_PATH": "from-file.json"}', 'etc/config.json');
    const loaded = await loadConfig({ config: 'etc/config.json' }, { POOLGATE_PROVIDER_POOLS_FILE_PATH: 'env/pools.json' }, dir);
    expect(loaded.poolsFile).toBe(path.join(dir, 'env', 'pools.json'));
    expect(loaded.poolsFileExplicit).toBe(true);
  });

  it('resolves a path from the CLI against the cwd, over env and file', async () => {
    await writeConfig('{"PROVIDER_POOLS_FILE_PATH": "from-file.json"}', 'etc/config.json');
    const loaded = await loadConfig(
      { config: 'etc/config.json', providerPoolsFile: 'cli/pools.json' },
      { POOLGATE_PROVIDER_POOLS_FILE_PATH: 'env/pools.json' },
      dir,
    );
    expect(loaded.config.PROVIDER_POOLS_FILE_PATH).toBe('cli/pools.json');
    expect(loaded.poolsFile).toBe(path.join(dir, 'cli', 'pools.json'));
    expect(loaded.poolsFileExplicit).toBe(true);
  });

  it('keeps an absolute path as it is', async () => {
    const absolute = path.join(tmpdir(), 'elsewhere', 'pools.json');
    await writeConfig(JSON.stringify({ PROVIDER_POOLS_FILE_PATH: absolute }), 'etc/config.json');
    expect((await loadConfig({ config: 'etc/config.json' }, {}, dir)).poolsFile).toBe(absolute);
  });

  it('defaults to provider_pools.json in the cwd, not explicit, when nothing names it', async () => {
    await writeConfig('{"SERVER_PORT": 4000}', 'etc/config.json');
    const loaded = await loadConfig({ config: 'etc/config.json' }, {}, dir);
    expect(loaded.poolsFile).toBe(path.join(dir, 'provider_pools.json'));
    expect(loaded.poolsFileExplicit).toBe(false);
  });
});
