/** Options given on the command line; each overrides the same setting from env and config.json. */
export interface CliOptions {
  config?: string;
  providerPoolsFile?: string;
  modelProvider?: string;
  host?: string;
  port?: number;
  apiKey?: string;
  requestMaxRetries?: number;
  maxErrorCount?: number;
  logLevel?: string;
}

export const CLI_TO_CONFIG_KEY: Record<Exclude<keyof CliOptions, 'config'>, string> = {
  providerPoolsFile: 'PROVIDER_POOLS_FILE_PATH',
  modelProvider: 'MODEL_PROVIDER',
  host: 'HOST',
  port: 'SERVER_PORT',
  apiKey: 'REQUIRED_API_KEY',
  requestMaxRetries: 'REQUEST_MAX_RETRIES',
  maxErrorCount: 'MAX_ERROR_COUNT',
  logLevel: 'LOG_LEVEL',
};
