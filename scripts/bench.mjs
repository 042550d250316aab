#!/usr/bin/env node
// `npm run bench`: build (tsc) so dist/main.js and dist/mock-upstream/cli.js are current, then run
// bench/run-bench.mjs pinned to the load-generator core. All arguments pass through
// (e.g. `npm run bench -- --quick`). `--no-build` or BENCH_SKIP_BUILD=1 skips the build.
// A failed build is reported but does not stop the run: the runner marks whatever cannot start as n/a.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build') || process.env.BENCH_SKIP_BUILD === '1';
const runnerArgs = args.filter((a) => a !== '--no-build');

if (!skipBuild) {
  process.stdout.write('bench: npm run build\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const b = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
  if (b.status !== 0) {
    const out = `${b.stdout ?? ''}${b.stderr ?? ''}`.trim().split('\n');
    process.stdout.write(
      `bench: build reported errors (exit ${b.status}); running with whatever dist/ holds:\n` +
        `${out.slice(0, 15).map((l) => `  ${l}`).join('\n')}${out.length > 15 ? `\n  ... ${out.length - 15} more lines` : ''}\n`,
    );
  }
}

const runner = [path.join(root, 'bench', 'run-bench.mjs'), ...runnerArgs];
const loaderCpu = process.env.BENCH_LOADER_CPU ?? '0';
const pin = os.cpus().length >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
const argv = pin ? ['taskset', '-c', loaderCpu, process.execPath, ...runner] : [process.execPath, ...runner];
const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
