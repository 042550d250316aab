// wrk driver: one round = one wrk run, parsed from the JSON line printed by bench/wrk-post.lua.
import { run, pinned } from './procs.mjs';

export async function wrkVersion() {
  const r = await run(['wrk', '-v'], { timeoutMs: 5000 });
  return /wrk\s+(\S+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown';
}

/**
 * @returns {Promise<{requests:number,rps:number,durationS:number,bytes:number,
 *   errors:{connect:number,read:number,write:number,status:number,timeout:number},errorCount:number,
 *   latencyMs:{min:number,mean:number,max:number,p50:number,p75:number,p90:number,p99:number,p999:number}}>}
 */
export async function runWrk({ url, connections, durationS, luaScript, bodyFile, headersFile, cpu, timeoutS = 10 }) {
  const argv = pinned(cpu, [
    'wrk',
    '-t1',
    `-c${connections}`,
    `-d${durationS}s`,
    `--timeout`,
    `${timeoutS}s`,
    '-s',
    luaScript,
    url,
  ]);
  const r = await run(argv, {
    env: { BENCH_BODY_FILE: bodyFile, BENCH_HEADERS_FILE: headersFile },
    timeoutMs: (durationS + timeoutS + 30) * 1000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) {
    throw new Error(`wrk produced no result (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 400)}`);
  }
  const j = JSON.parse(line.slice('BENCH_JSON '.length));
  const durationSec = j.duration_us / 1e6;
  const ms = (us) => us / 1000;
  const e = j.errors;
  return {
    requests: j.requests,
    durationS: durationSec,
    rps: durationSec > 0 ? j.requests / durationSec : 0,
    bytes: j.bytes,
    errors: e,
    errorCount: e.connect + e.read + e.write + e.status + e.timeout,
    latencyMs: {
      min: ms(j.latency_us.min),
      mean: ms(j.latency_us.mean),
      max: ms(j.latency_us.max),
      p50: ms(j.latency_us.p50),
      p75: ms(j.latency_us.p75),
      p90: ms(j.latency_us.p90),
      p99: ms(j.latency_us.p99),
      p999: ms(j.latency_us.p999),
    },
  };
}
