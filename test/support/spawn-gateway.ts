import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxLoader = path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs the real CLI (src/main.ts through tsx) as a child process. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'src', 'main.ts'), ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function spawnGateway(args: string[], cwd: string, env: Record<string, string> = {}): Promise<SpawnedGateway> {
  const child = runCli(args, cwd, env);
  const output = collect(child);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output()}`)), 15_000);
    child.stdout?.on('data', () => {
      const match = /poolgate listening on (\S+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${output()}`));
    });
  });
  return { child, url, output };
}
