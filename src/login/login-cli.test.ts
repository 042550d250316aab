import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQwenMock, type QwenMock } from '../../test/mocks/qwen-mock.js';
import { collect, exitOf, runCli } from '../../test/support/spawn-gateway.js';

describe('the poolgate CLI with the login subcommand', () => {
  let mock: QwenMock;
  let dir: string;
  beforeAll(async () => {
    mock = await startQwenMock();
    dir = await mkdtemp(path.join(tmpdir(), 'login-cli-'));
  });
  afterAll(async () => mock.close());

  it('--help still describes the gateway options and lists login', async () => {
    const child = runCli(['--help'], dir);
    const output = collect(child);
    expect(await exitOf(child)).toBe(0);
    expect(output()).toContain('--provider-pools-file');
    expect(output()).toContain('--port');
    expect(output()).toMatch(/login\s/);
    const login = runCli(['login', '--help'], dir);
    const loginOutput = collect(login);
    expect(await exitOf(login)).toBe(0);
    expect(loginOutput()).toMatch(/qwen[\s\S]*gemini[\s\S]*kiro/);
  });

  it('without a subcommand still runs the gateway path (a missing pools file exits 2)', async () => {
    const child = runCli(['--provider-pools-file', path.join(dir, 'missing.json')], dir);
    const output = collect(child);
    expect(await exitOf(child)).toBe(2);
    expect(output()).toMatch(/missing\.json: provider pools file is missing/);
  });

  it('login qwen: the user approves the printed URL; creds and one pools entry appear', async () => {
    const poolsFile = path.join(dir, 'provider_pools.json');
    const credsFile = path.join(dir, 'q', 'creds.json');
    const child = runCli(['login', 'qwen', '--oauth-base-url', mock.oauthUrl, '--creds-file', credsFile, '--provider-pools-file', poolsFile, '--poll-interval-ms', '20'], dir);
    const output = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /^\s+(http\S+)$/m.exec(output());
        if (match) {
          clearInterval(timer);
          resolve(match[1]!);
        }
      }, 20);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error(output()));
      });
    });
    await fetch(`${url}&action=approve`);
    expect(await exitOf(child)).toBe(0);
    expect(output()).toMatch(/Added openai-qwen-oauth instance/);
    const pools = JSON.parse(await readFile(poolsFile, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    expect(Object.keys(pools)).toEqual(['openai-qwen-oauth']);
    expect(pools['openai-qwen-oauth']).toHaveLength(1);
    expect(pools['openai-qwen-oauth']![0]!.QWEN_OAUTH_CREDS_FILE_PATH).toBe('./q/creds.json');
    expect(pools['openai-qwen-oauth']![0]!.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(await readFile(credsFile, 'utf8'))).toMatchObject({ access_token: expect.any(String) });
  });
});
