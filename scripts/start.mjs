// `npm start`: builds when dist/ is missing or older than src/, then runs the gateway with any
// arguments given after `npm start --`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entryName of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entryName.name);
    latest = Math.max(latest, entryName.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

let built = 0;
try {
  built = statSync(entry).mtimeMs;
} catch {}
if (built < newest(path.join(root, 'src'))) {
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const run = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
