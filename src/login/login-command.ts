import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { loginKiro, KiroLoginMethod } from './kiro-login.js';
import { LoginError } from './login-error.js';
import { defaultLoginIo, type LoginIo, type LoginResult } from './login-io.js';

export interface LoginCommandIo extends LoginIo {
  /** Error lines (default stderr). */
  err(line: string): void;
}

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} expects a non-negative integer, got "${value}"`);
    return Number(value);
  };
}

function kiroMethod(value: string): KiroLoginMethod {
  if (value === 'builder-id' || value === 'google' || value === 'github') return value;
  throw new InvalidArgumentError(`expected builder-id, google or github, got "${value}"`);
}

interface CommonOptions {
  credsFile?: string;
  providerPoolsFile: string;
}

function report(io: LoginCommandIo, result: LoginResult): void {
  io.out(`Credentials written to ${result.credsFile} (mode 0600).`);
  io.out(
    result.added
      ? `Added ${result.poolKey} instance ${result.uuid} to ${result.poolsFile}.`
      : `${result.poolsFile} already has a ${result.poolKey} instance${result.uuid ? ` (${result.uuid})` : ''} using these credentials; left it as it was.`,
  );
}

async function run(io: LoginCommandIo, flow: () => Promise<LoginResult>): Promise<void> {
  try {
    report(io, await flow());
  } catch (error) {
    if (!(error instanceof LoginError)) throw error;
    io.err(`poolgate login: ${error.message}`);
    process.exitCode = 1;
  }
}

/**
 * The flows are imported when their subcommand runs, so the gateway, which only registers the
 * commands, does not keep three OAuth clients in its heap.
 *
 * `poolgate login gemini|kiro|qwen`: runs a provider's OAuth login, writes its creds file and adds
 * an instance to provider_pools.json. URLs are printed, never opened; every endpoint can be
 * pointed elsewhere (for tests: mock authorization servers on 127.0.0.1).
 */
export function addLoginCommand(program: Command, io: LoginCommandIo = { ...defaultLoginIo(), err: (line) => process.stderr.write(`${line}\n`) }): Command {
  const login = program
    .command('login')
    .description('log in to an OAuth provider, write its credentials file and add an instance to provider_pools.json');
  const common = (command: Command, credsDefault: string) =>
    command
      .option('--creds-file <file>', `where to write the credentials (default ${credsDefault})`)
      .option('--provider-pools-file <file>', 'provider_pools.json to add the instance to (created if missing)', './provider_pools.json');
  const poolsFile = (options: CommonOptions) => path.resolve(options.providerPoolsFile);

  common(login.command('qwen').description('Qwen Code OAuth (device authorization with PKCE) → openai-qwen-oauth'), '~/.qwen/oauth_creds.json')
    .option('--oauth-base-url <url>', 'Qwen OAuth server (default https://chat.qwen.ai)')
    .option('--device-code-url <url>', 'device authorization endpoint (default {oauth-base-url}/api/v1/oauth2/device/code)')
    .option('--token-url <url>', 'token endpoint (default {oauth-base-url}/api/v1/oauth2/token)')
    .option('--client-id <id>', 'OAuth client id (default Qwen Code\'s public client)')
    .option('--poll-interval-ms <ms>', 'first wait between token polls (default 2000)', positiveInteger('--poll-interval-ms'))
    .action(async (options: CommonOptions & { oauthBaseUrl?: string; deviceCodeUrl?: string; tokenUrl?: string; clientId?: string; pollIntervalMs?: number }) => {
      const { loginQwen } = await import('./qwen-login.js');
      await run(io, () => loginQwen({ ...options, poolsFile: poolsFile(options) }, io));
    });

  common(login.command('gemini').description('Google OAuth for gemini-cli (loopback redirect with PKCE) → gemini-cli-oauth'), '~/.gemini/oauth_creds.json')
    .option('--auth-url <url>', 'authorization endpoint (default Google\'s)')
    .option('--token-url <url>', 'token endpoint (default https://oauth2.googleapis.com/token)')
    .option('--client-id <id>', 'OAuth client id (default gemini-cli\'s public client)')
    .option('--client-secret <secret>', 'OAuth client secret of that client')
    .option('--project-id <id>', 'Google Cloud project to record as PROJECT_ID')
    .option('--port <port>', 'loopback port for the redirect (default random)', positiveInteger('--port'))
    .option('--timeout-ms <ms>', 'how long to wait for the redirect (default 300000)', positiveInteger('--timeout-ms'))
    .action(async (options: CommonOptions & { authUrl?: string; tokenUrl?: string; clientId?: string; clientSecret?: string; projectId?: string; port?: number; timeoutMs?: number }) => {
      const { loginGemini } = await import('./gemini-login.js');
      await run(io, () => loginGemini({ ...options, poolsFile: poolsFile(options) }, io));
    });

  common(login.command('kiro').description('Kiro: AWS Builder ID (device code) or Google/GitHub (PKCE, loopback) → claude-kiro-oauth'), '~/.aws/sso/cache/kiro-auth-token.json')
    .option('--method <method>', 'builder-id | google | github', kiroMethod, 'builder-id' as KiroLoginMethod)
    .option('--region <region>', 'AWS region (default us-east-1)')
    .option('--oidc-url <url>', 'Builder ID: AWS SSO-OIDC base URL (default https://oidc.{region}.amazonaws.com)')
    .option('--start-url <url>', 'Builder ID: start URL (default https://view.awsapps.com/start)')
    .option('--auth-service-url <url>', 'social: Kiro auth service (default https://prod.{region}.auth.desktop.kiro.dev)')
    .option('--auth-url <url>', 'social: login page (default {auth-service-url}/login)')
    .option('--token-url <url>', 'social: code exchange (default {auth-service-url}/oauth/token)')
    .option('--poll-interval-ms <ms>', 'Builder ID: first wait between token polls (default the server\'s interval)', positiveInteger('--poll-interval-ms'))
    .option('--port <port>', 'social: loopback port for the redirect (default random)', positiveInteger('--port'))
    .option('--timeout-ms <ms>', 'social: how long to wait for the redirect (default 300000)', positiveInteger('--timeout-ms'))
    .action(async (options: CommonOptions & Omit<Parameters<typeof loginKiro>[0], 'poolsFile'>) => {
      const { loginKiro } = await import('./kiro-login.js');
      await run(io, () => loginKiro({ ...options, poolsFile: poolsFile(options) }, io));
    });

  return login;
}
