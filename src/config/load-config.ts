import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLI_TO_CONFIG_KEY, type CliOptions } from './cli-options.js';
import { ConfigError } from './config-error.js';
import { configSchema, type GatewayConfig } from './config-schema.js';
import { formatZodIssues } from './format-zod-issues.js';
import { parseJsonc } from './parse-jsonc.js';

const ENV_PREFIX = 'POOLGATE_';

/** Keys whose environment value is always a string, even when it looks like a number. */
const STRING_KEYS = new Set(['REQUIRED_API_KEY', 'HOST', 'MODEL_PROVIDER', 'PROVIDER_POOLS_FILE_PATH', 'SELECTION_STRATEGY', 'LOG_LEVEL', 'REQUEST_LOG_PATH']);

export interface LoadedConfig {
  config: GatewayConfig;
  /** Absolute path of the config file read, if any. */
  configFile: string | undefined;
  /** Absolute path of provider_pools.json: the configured one, else the working directory's (which may not exist). */
  poolsFile: string;
  /** Whether the pools path came from an explicit setting (then a missing file is an error). */
  poolsFileExplicit: boolean;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file}: cannot be read: ${(error as Error).message}`, file);
  }
}

function envLayer(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    const key = name.slice(ENV_PREFIX.length);
    if (STRING_KEYS.has(key)) {
      layer[key] = raw;
      continue;
    }
    try {
      layer[key] = JSON.parse(raw);
    } catch {
      layer[key] = raw;
    }
  }
  return layer;
}

function cliLayer(cli: CliOptions): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [option, key] of Object.entries(CLI_TO_CONFIG_KEY)) {
    const value = cli[option as keyof CliOptions];
    if (value !== undefined) layer[key] = value;
  }
  return layer;
}

/** Reads config.json (JSONC) and validates it; the raw object is returned for layering. */
async function readConfigFile(file: string, required: boolean): Promise<Record<string, unknown> | undefined> {
  const text = await readOptional(file);
  if (text === undefined) {
    if (required) throw new ConfigError(`${file}: config file is missing`, file);
    return undefined;
  }
  const value = parseJsonc(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: (root) = ${JSON.stringify(value)}: expected a JSON object`, file);
  }
  return value as Record<string, unknown>;
}

/**
 * Builds the effective configuration. Precedence: CLI > environment (POOLGATE_*) > config.json >
 * defaults. A bad value is reported with its source, field path, value and expectation.
 */
export async function loadConfig(cli: CliOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<LoadedConfig> {
  const configFile = path.resolve(cwd, cli.config ?? 'config.json');
  const fileRaw = await readConfigFile(configFile, cli.config !== undefined);
  const fileLayer = fileRaw ?? {};
  const fileResult = configSchema.safeParse(fileLayer);
  if (!fileResult.success) throw new ConfigError(formatZodIssues(configFile, fileLayer, fileResult.error.issues), configFile);

  const environment = envLayer(env);
  const envResult = configSchema.safeParse({ ...fileLayer, ...environment });
  if (!envResult.success) {
    throw new ConfigError(formatZodIssues(`environment (${ENV_PREFIX}*)`, { ...fileLayer, ...environment }, envResult.error.issues), undefined);
  }
  const cliValues = cliLayer(cli);
  const merged = { ...fileLayer, ...environment, ...cliValues };
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatZodIssues('command line', merged, result.error.issues));
  const config = result.data;

  // Paths from the file are relative to the file; from the CLI or env, relative to the cwd.
  let poolsFile: string;
  let poolsFileExplicit = false;
  if (cliValues.PROVIDER_POOLS_FILE_PATH !== undefined || environment.PROVIDER_POOLS_FILE_PATH !== undefined) {
    poolsFile = path.resolve(cwd, config.PROVIDER_POOLS_FILE_PATH!);
    poolsFileExplicit = true;
  } else if (fileLayer.PROVIDER_POOLS_FILE_PATH !== undefined) {
    poolsFile = path.resolve(path.dirname(configFile), config.PROVIDER_POOLS_FILE_PATH!);
    poolsFileExplicit = true;
  } else {
    poolsFile = path.resolve(cwd, 'provider_pools.json');
  }
  return { config, configFile: fileRaw !== undefined ? configFile : undefined, poolsFile, poolsFileExplicit };
}
