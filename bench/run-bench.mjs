#!/usr/bin/env node
// `npm run bench` runner (see bench/README.md). Starts the mock upstream and every proxy under test
// pinned with taskset (load generator + mock on one core, proxy on the other), runs interleaved wrk
// rounds per scenario, samples CPU ticks and RSS from /proc, prints tables, ratios and one line per
// target, and writes everything to bench/results/<timestamp>.json.
//
// Exit code: 0 whenever the harness ran (failed targets are a report, not an error); 1 when the
// harness itself broke; 2 on bad arguments.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import {
  CLK_TCK,
  Service,
  cpuTicks,
  freePort,
  hasTaskset,
  killAllChildren,
  memKb,
  pinPid,
  pinned,
  resetPeakRss,
  rssSampler,
  run,
  sleep,
} from './lib/procs.mjs';
import { runWrk, wrkVersion } from './lib/wrk.mjs';
import { fmt, printTable } from './lib/report.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const NODE = process.execPath;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------
let cli;
try {
  cli = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      scenarios: { type: 'string' },
      targets: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  console.error(String(err.message));
  process.exit(2);
}
if (cli.help) {
  console.log(`usage: npm run bench [-- --quick] [--duration S] [--rounds N] [--warmup S]
                       [--scenarios id,id] [--targets direct,bare,portkey,poolgate]
env: BENCH_DURATION BENCH_ROUNDS BENCH_WARMUP BENCH_TTFB_N BENCH_SCENARIOS BENCH_TARGETS
     BENCH_LOADER_CPU BENCH_PROXY_CPU BENCH_POOL_SIZE BENCH_STREAM_CHUNKS BENCH_MOCK BENCH_MOCK_ARGS
     BENCH_POOLGATE_ARGS BENCH_POOLGATE_ELD_PATH BENCH_KEEP_TMP   (see bench/README.md)`);
  process.exit(0);
}

const num = (v, d) => (v == null || v === '' ? d : Number(v));
const quick = cli.quick || process.env.BENCH_QUICK === '1';
const cfg = {
  quick,
  durationS: num(cli.duration ?? process.env.BENCH_DURATION, quick ? 2 : 4),
  rounds: num(cli.rounds ?? process.env.BENCH_ROUNDS, quick ? 1 : 5),
  warmupS: num(cli.warmup ?? process.env.BENCH_WARMUP, quick ? 0.5 : 2),
  ttfbN: num(process.env.BENCH_TTFB_N, quick ? 60 : 240),
  streamChunks: num(process.env.BENCH_STREAM_CHUNKS, 20),
  largePool: num(process.env.BENCH_POOL_SIZE, 10_000),
  eldSeconds: num(process.env.BENCH_ELD_SECONDS, quick ? 3 : 6),
  loaderCpu: process.env.BENCH_LOADER_CPU ?? '0',
  proxyCpu: process.env.BENCH_PROXY_CPU ?? '1',
  scenarioFilter: (cli.scenarios ?? process.env.BENCH_SCENARIOS ?? '').split(',').filter(Boolean),
  targetFilter: (cli.targets ?? process.env.BENCH_TARGETS ?? '').split(',').filter(Boolean),
  mockChoice: process.env.BENCH_MOCK ?? 'auto',
  mockArgs: (process.env.BENCH_MOCK_ARGS ?? '').split(/\s+/).filter(Boolean),
  poolgateArgs: (process.env.BENCH_POOLGATE_ARGS ?? '').split(/\s+/).filter(Boolean),
  poolgateEldPath: process.env.BENCH_POOLGATE_ELD_PATH || null,
  keepTmp: process.env.BENCH_KEEP_TMP === '1',
};
for (const k of ['durationS', 'rounds', 'warmupS', 'ttfbN', 'streamChunks', 'largePool', 'eldSeconds']) {
  if (!Number.isFinite(cfg[k]) || cfg[k] < 0 || (k !== 'warmupS' && cfg[k] === 0)) {
    console.error(`bad value for ${k}: ${cfg[k]}`);
    process.exit(2);
  }
}
cfg.durationS = Math.max(1, Math.round(cfg.durationS)); // wrk takes whole seconds
cfg.eldSeconds = Math.max(1, Math.round(cfg.eldSeconds));

const cpuCount = os.cpus().length;
const canPin = hasTaskset() && cpuCount >= 2;
const LOADER = canPin ? cfg.loaderCpu : null;
const PROXY = canPin ? cfg.proxyCpu : null;

// Keys used on loopback only.
const UPSTREAM_OPENAI_KEY = 'sk-bench-upstream';
const UPSTREAM_ANTHROPIC_KEY = 'sk-ant-bench-upstream';
const POOLGATE_KEY = 'pg-bench-client-key';
const ANTHROPIC_VERSION = '2023-06-01';

// ---------------------------------------------------------------------------------------------
// Workloads (what a client sends) and targets (where it sends it)
// ---------------------------------------------------------------------------------------------
const PROMPT = 'Say hello in five words.';
const CLIENTS = {
  openai: {
    path: '/v1/chat/completions',
    body: (stream, model) => ({
      model: model ?? 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        { role: 'user', content: PROMPT },
      ],
      max_tokens: 32,
      temperature: 0,
      stream,
    }),
    upstreamHeaders: () => ({ authorization: `Bearer ${UPSTREAM_OPENAI_KEY}` }),
  },
  anthropic: {
    path: '/v1/messages',
    body: (stream, model) => ({
      model: model ?? 'claude-3-5-haiku-20241022',
      max_tokens: 32,
      system: 'You are a terse assistant.',
      messages: [{ role: 'user', content: PROMPT }],
      stream,
    }),
    upstreamHeaders: () => ({ 'x-api-key': UPSTREAM_ANTHROPIC_KEY, 'anthropic-version': ANTHROPIC_VERSION }),
  },
};

/** Target kinds. `service` names a process in SERVICES; headers() is evaluated once ports are known. */
const T = {
  direct: () => ({ name: 'direct', service: 'mock', headers: (c) => CLIENTS[c].upstreamHeaders() }),
  bare: () => ({ name: 'bare', service: 'bare', headers: (c) => CLIENTS[c].upstreamHeaders() }),
  portkey: () => ({
    name: 'portkey',
    service: 'portkey',
    headers: () => ({
      authorization: `Bearer ${UPSTREAM_OPENAI_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${services.mock.url}/v1`,
    }),
  }),
  poolgate: (service = 'pg-openai', name = 'poolgate') => ({
    name,
    service,
    headers: (c) =>
      c === 'anthropic'
        ? { 'x-api-key': POOLGATE_KEY, authorization: `Bearer ${POOLGATE_KEY}`, 'anthropic-version': ANTHROPIC_VERSION }
        : { authorization: `Bearer ${POOLGATE_KEY}` },
  }),
};

const SCENARIOS = [
  {
    id: 'fast-nonstream',
    title: 'Fast path OpenAI -> OpenAI, non-streaming, c=16',
    kind: 'wrk', connections: 16, client: 'openai', stream: false,
    targets: [T.direct(), T.bare(), T.portkey(), T.poolgate()],
  },
  {
    id: 'fast-stream',
    title: `Fast path OpenAI -> OpenAI, streaming (${cfg.streamChunks} chunks), c=16`,
    kind: 'wrk', connections: 16, client: 'openai', stream: true,
    targets: [T.direct(), T.bare(), T.portkey(), T.poolgate()],
  },
  {
    id: 'latency-c1',
    title: 'Latency, non-streaming, c=1',
    kind: 'wrk', connections: 1, client: 'openai', stream: false,
    targets: [T.direct(), T.bare(), T.portkey(), T.poolgate()],
  },
  {
    id: 'rss-c64',
    title: 'Peak RSS, non-streaming, c=64 (RSS of the proxy; of the mock for direct)',
    kind: 'wrk', connections: 64, client: 'openai', stream: false,
    targets: [T.direct(), T.bare(), T.portkey(), T.poolgate()],
  },
  {
    id: 'ttfb',
    title: `Streaming time to first body byte, one request at a time (${cfg.streamChunks} chunks)`,
    kind: 'ttfb', client: 'openai', stream: true,
    targets: [T.direct(), T.bare(), T.portkey(), T.poolgate()],
  },
  {
    id: 'conv-openai-to-anthropic',
    title: 'Conversion: OpenAI client -> poolgate -> Anthropic upstream (bare: same request, OpenAI upstream), c=16',
    kind: 'wrk', connections: 16, client: 'openai', stream: false, model: 'claude-3-5-haiku-20241022',
    targets: [T.bare(), T.poolgate('pg-claude')],
  },
  {
    id: 'conv-anthropic-to-openai',
    title: 'Conversion: Anthropic client -> poolgate -> OpenAI upstream (bare: same request, Anthropic upstream), c=16',
    kind: 'wrk', connections: 16, client: 'anthropic', stream: false, model: 'gpt-4o-mini',
    targets: [T.bare(), T.poolgate('pg-openai')],
  },
  {
    // No target of its own: Claude Code and other Anthropic clients always stream, so this tracks
    // the cost of the conversion path where users feel it (README, issue 5 closing notes).
    id: 'conv-stream-anthropic-to-openai',
    title: `Conversion, streaming (${cfg.streamChunks} chunks): Anthropic client -> poolgate -> OpenAI upstream (bare: same request, Anthropic upstream), c=16`,
    kind: 'wrk', connections: 16, client: 'anthropic', stream: true, model: 'gpt-4o-mini',
    targets: [T.bare(), T.poolgate('pg-openai')],
  },
  {
    // No target either: OpenAI clients (Cline, Cherry Studio) streaming from Claude accounts.
    id: 'conv-stream-openai-to-anthropic',
    title: `Conversion, streaming (${cfg.streamChunks} chunks): OpenAI client -> poolgate -> Anthropic upstream (bare: same request, OpenAI upstream), c=16`,
    kind: 'wrk', connections: 16, client: 'openai', stream: true, model: 'claude-3-5-haiku-20241022',
    targets: [T.bare(), T.poolgate('pg-claude')],
  },
  {
    id: 'pool-scale',
    title: `Pool size: 3 vs ${cfg.largePool} instances, non-streaming, c=16 (+ event-loop delay)`,
    kind: 'wrk', connections: 16, client: 'openai', stream: false, eld: true,
    targets: [T.poolgate('pg-scale', 'poolgate-3'), T.poolgate('pg-large', `poolgate-${cfg.largePool}`)],
  },
]
  .filter((s) => cfg.scenarioFilter.length === 0 || cfg.scenarioFilter.includes(s.id))
  .map((s) => ({
    ...s,
    targets: s.targets.filter(
      (t) => cfg.targetFilter.length === 0 || cfg.targetFilter.some((f) => t.name === f || t.name.startsWith(`${f}-`)),
    ),
  }))
  .filter((s) => s.targets.length > 0);

// ---------------------------------------------------------------------------------------------
// Services (long-running processes)
// ---------------------------------------------------------------------------------------------
let tmp;
const services = {}; // name -> { name, cpu, url, svc: Service, failed: string|null, readyMs, ... }

function poolFile(name, openaiCount, claudeCount) {
  const mock = services.mock.url;
  const base = { checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null };
  const pools = {
    'openai-custom': Array.from({ length: openaiCount }, (_, i) => ({
      uuid: randomUUID(),
      OPENAI_BASE_URL: `${mock}/v1`,
      OPENAI_API_KEY: `${UPSTREAM_OPENAI_KEY}-${i}`,
      ...base,
    })),
    'claude-custom': Array.from({ length: claudeCount }, (_, i) => ({
      uuid: randomUUID(),
      CLAUDE_BASE_URL: mock,
      CLAUDE_API_KEY: `${UPSTREAM_ANTHROPIC_KEY}-${i}`,
      ...base,
    })),
  };
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'provider_pools.json');
  writeFileSync(file, JSON.stringify(pools, null, 2));
  return file;
}

/**
 * `eld`: load bench/eld-probe.mjs into the process. Only the pool-size scenario's two services
 * carry it: its 1 ms timers wake the loop 2,000 times a second, which costs a few µs a request
 * (measured: +5% CPU per request at c=16, +10% at c=1) that would otherwise be charged to poolgate
 * alone in the scenarios that compare it with other proxies.
 */
function poolgateService(name, { provider, openaiCount, claudeCount, eld = false }) {
  return async () => {
    const main = path.join(ROOT, 'dist', 'main.js');
    if (!existsSync(main)) throw new Error('dist/main.js not found (poolgate not built yet)');
    const port = await freePort();
    const file = poolFile(name, openaiCount, claudeCount);
    const eldFile = path.join(tmp, name, 'eld.json');
    const argv = pinned(PROXY, [
      NODE,
      ...(eld ? ['--import', path.join(BENCH_DIR, 'eld-probe.mjs')] : []),
      main,
      '--provider-pools-file', file,
      '--model-provider', provider,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--api-key', POOLGATE_KEY,
      ...cfg.poolgateArgs,
    ]);
    const svc = new Service(name, argv, {
      cwd: path.join(tmp, name),
      env: eld ? { BENCH_ELD_FILE: eldFile } : {},
      readyRe: /poolgate listening on (http:\/\/127\.0\.0\.1:\d+)/,
      readyTimeoutMs: 60_000,
    });
    const m = await svc.start();
    return { svc, url: m[1], eldFile: eld ? eldFile : null, poolFile: file, instances: openaiCount + claudeCount };
  };
}

const SERVICE_DEFS = {
  mock: { cpu: () => LOADER, start: startMock },
  bare: {
    cpu: () => PROXY,
    start: async () => {
      const port = await freePort();
      const svc = new Service('bare', pinned(PROXY, [
        NODE, path.join(BENCH_DIR, 'bare-proxy.mjs'), '--upstream', services.mock.url, '--port', String(port),
      ]), { readyRe: /listening (http:\/\/\S+)/ });
      const m = await svc.start();
      return { svc, url: m[1] };
    },
  },
  portkey: {
    cpu: () => PROXY,
    start: async () => {
      const entry = path.join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
      if (!existsSync(entry)) throw new Error('@portkey-ai/gateway is not installed (npm install)');
      const port = await freePort();
      const svc = new Service('portkey', pinned(PROXY, [
        NODE, '--import', path.join(BENCH_DIR, 'loopback-only.mjs'), entry, `--port=${port}`, '--headless',
      ]), { readyRe: /Ready for connections/, readyTimeoutMs: 30_000, cwd: tmp });
      await svc.start();
      const version = portkeyVersions();
      if (!String(version.honoNodeServer).startsWith('1.13.')) {
        log(`  WARNING: Portkey resolves @hono/node-server ${version.honoNodeServer}; versions after 1.13 fail its streaming ` +
          `with "TypeError: immutable" (package.json "overrides" pins 1.13)`);
      }
      return { svc, url: `http://127.0.0.1:${port}`, version };
    },
  },
  'pg-openai': { cpu: () => PROXY, start: poolgateService('pg-openai', { provider: 'openai-custom', openaiCount: 3, claudeCount: 3 }) },
  'pg-claude': { cpu: () => PROXY, start: poolgateService('pg-claude', { provider: 'claude-custom', openaiCount: 3, claudeCount: 3 }) },
  'pg-scale': { cpu: () => PROXY, start: poolgateService('pg-scale', { provider: 'openai-custom', openaiCount: 3, claudeCount: 3, eld: true }) },
  'pg-large': { cpu: () => PROXY, start: poolgateService('pg-large', { provider: 'openai-custom', openaiCount: cfg.largePool, claudeCount: 3, eld: true }) },
};

function portkeyVersions() {
  const v = (p) => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  };
  const nested = v('@portkey-ai/gateway/node_modules/@hono/node-server');
  return { gateway: v('@portkey-ai/gateway'), honoNodeServer: nested ?? v('@hono/node-server'), hono: v('hono') };
}

/** The mock upstream: the project's compiled CLI, else its TS source via tsx, else bench/fallback-mock.mjs. */
async function startMock() {
  const port = await freePort();
  const common = ['--host', '127.0.0.1', '--port', String(port), '--stream-chunks', String(cfg.streamChunks), ...cfg.mockArgs];
  const candidates = [
    { kind: 'dist', file: path.join(ROOT, 'dist', 'mock-upstream', 'cli.js'), argv: (f) => [NODE, f, ...common] },
    { kind: 'tsx', file: path.join(ROOT, 'src', 'mock-upstream', 'cli.ts'), argv: (f) => [NODE, '--import', 'tsx', f, ...common] },
    { kind: 'fallback', file: path.join(BENCH_DIR, 'fallback-mock.mjs'), argv: (f) => [NODE, f, ...common] },
  ].filter((c) => cfg.mockChoice === 'auto' || c.kind === cfg.mockChoice);
  const tried = [];
  for (const c of candidates) {
    if (!existsSync(c.file)) {
      tried.push(`${c.kind}: ${path.relative(ROOT, c.file)} missing`);
      continue;
    }
    const svc = new Service(`mock(${c.kind})`, pinned(LOADER, c.argv(c.file)), {
      cwd: ROOT,
      readyRe: /listening\s+(https?:\/\/\S+)/,
      readyTimeoutMs: 20_000,
    });
    try {
      const m = await svc.start();
      const url = m[1].replace(/\/+$/, '');
      const checks = await checkMock(url);
      if (checks) {
        await svc.stop();
        tried.push(`${c.kind}: ${checks}`);
        continue;
      }
      return { svc, url, kind: c.kind, file: path.relative(ROOT, c.file), tried };
    } catch (err) {
      await svc.stop();
      tried.push(`${c.kind}: ${err.message}`);
    }
  }
  throw new Error(`no mock upstream could be started: ${tried.join('; ')}`);
}

async function checkMock(url) {
  for (const [client, stream] of [['openai', false], ['openai', true], ['anthropic', false]]) {
    const r = await preflight(`${url}${CLIENTS[client].path}`, CLIENTS[client].upstreamHeaders(), CLIENTS[client].body(stream), client, stream);
    if (!r.ok) return `${client}${stream ? ' stream' : ''} check failed: ${r.reason}`;
  }
  return null;
}

async function ensureService(name) {
  const s = services[name];
  if (s) return s;
  const def = SERVICE_DEFS[name];
  const t0 = performance.now();
  try {
    const started = await def.start();
    services[name] = { name, cpu: def.cpu(), failed: null, readyMs: Math.round(performance.now() - t0), ...started };
    const s2 = services[name];
    log(`  started ${name} pid ${s2.svc.pid} on cpu ${s2.cpu ?? 'any'} at ${s2.url} (${s2.readyMs} ms)${s2.kind ? ` [${s2.kind}: ${s2.file}]` : ''}`);
  } catch (err) {
    services[name] = { name, cpu: def.cpu(), failed: err.message, url: null, svc: null };
    log(`  ${name} failed to start: ${err.message}`);
  }
  return services[name];
}

async function stopService(name) {
  const s = services[name];
  if (s?.svc) {
    s.exitedBeforeStop = s.svc.exited;
    await s.svc.stop();
    s.stopped = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Checks and measurements
// ---------------------------------------------------------------------------------------------
/** One request through fetch, validating that the answer is a real completion of the right shape. */
async function preflight(url, headers, body, client, stream, timeoutMs = 15_000) {
  let text = '';
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body ?? []) text += decoder.decode(chunk, { stream: true });
    } catch (err) {
      const events = text.split('\n').filter((l) => l.startsWith('data:')).length;
      return {
        ok: false,
        reason: `HTTP ${res.status} but the response did not end within ${timeoutMs / 1000} s ` +
          `(${text.length} B${stream ? `, ${events} SSE data lines${/data: \[DONE\]/.test(text) ? ' incl. [DONE]' : ''}` : ''} received): ${err.name}`,
      };
    }
    const short = text.replace(/\s+/g, ' ').slice(0, 300);
    if (res.status !== 200) return { ok: false, reason: `HTTP ${res.status}: ${short}` };
    if (!stream) {
      let j;
      try {
        j = JSON.parse(text);
      } catch {
        return { ok: false, reason: `response is not JSON: ${short}` };
      }
      const content = client === 'openai' ? j?.choices?.[0]?.message?.content : j?.content?.find?.((p) => p.type === 'text')?.text;
      if (typeof content !== 'string' || content.length === 0) return { ok: false, reason: `no completion text in: ${short}` };
      return { ok: true, detail: `${text.length} B` };
    }
    const ctype = res.headers.get('content-type') ?? '';
    if (!ctype.includes('text/event-stream')) return { ok: false, reason: `content-type ${ctype}: ${short}` };
    const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim());
    const end = client === 'openai' ? data.includes('[DONE]') : /"type"\s*:\s*"message_stop"/.test(text);
    if (!end) return { ok: false, reason: `stream did not finish (${data.length} data lines): ${short}` };
    if (data.length < 3) return { ok: false, reason: `only ${data.length} SSE events` };
    return { ok: true, detail: `${data.length} SSE events, ${text.length} B`, events: data.length };
  } catch (err) {
    return { ok: false, reason: `request failed: ${err.cause?.message ?? err.message}` };
  }
}

function writeRequestFiles(dir, scenario, target) {
  const body = JSON.stringify(CLIENTS[scenario.client].body(scenario.stream, scenario.model));
  const headers = { 'content-type': 'application/json', ...target.headers(scenario.client) };
  mkdirSync(dir, { recursive: true });
  const bodyFile = path.join(dir, `${scenario.id}.${target.name}.body.json`);
  const headersFile = path.join(dir, `${scenario.id}.${target.name}.headers.txt`);
  writeFileSync(bodyFile, body);
  writeFileSync(headersFile, Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
  return { body, headers, bodyFile, headersFile };
}

async function wrkRound(scenario, target, durationS) {
  const s = services[target.service];
  const mock = services.mock;
  const pid = s.svc.pid;
  const peakResetOk = resetPeakRss(pid);
  const c0 = cpuTicks(pid);
  const m0 = cpuTicks(mock.svc.pid);
  const stopSampler = rssSampler(pid, 50);
  let w;
  let sampledKb;
  try {
    w = await runWrk({
      url: target.url,
      connections: scenario.connections,
      durationS,
      luaScript: path.join(BENCH_DIR, 'wrk-post.lua'),
      bodyFile: target.files.bodyFile,
      headersFile: target.files.headersFile,
      cpu: LOADER,
    });
  } finally {
    sampledKb = stopSampler();
  }
  const c1 = cpuTicks(pid);
  const m1 = cpuTicks(mock.svc.pid);
  const { hwmKb, rssKb } = memKb(pid);
  const tickUs = 1e6 / CLK_TCK;
  const proxyTicks = target.service === 'mock' ? null : c1 - c0;
  return {
    ...w,
    proxyTicks,
    mockTicks: m1 - m0,
    cpuUsPerReq: proxyTicks == null || !w.requests ? null : (proxyTicks * tickUs) / w.requests,
    mockCpuUsPerReq: w.requests ? ((m1 - m0) * tickUs) / w.requests : null,
    peakRssKb: peakResetOk ? Math.max(hwmKb || 0, sampledKb) : sampledKb,
    peakRssMethod: peakResetOk ? 'VmHWM after clear_refs reset, max with 50 ms VmRSS samples' : '50 ms VmRSS samples',
    rssAfterKb: rssKb,
    alive: s.svc.alive(),
  };
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarizeWrk(rounds) {
  const requests = rounds.reduce((a, r) => a + r.requests, 0);
  const errors = rounds.reduce((a, r) => a + r.errorCount, 0);
  const tickUs = 1e6 / CLK_TCK;
  const proxyTicks = rounds.every((r) => r.proxyTicks != null) ? rounds.reduce((a, r) => a + r.proxyTicks, 0) : null;
  const mockTicks = rounds.reduce((a, r) => a + r.mockTicks, 0);
  const errorRate = requests + errors > 0 ? errors / (requests + errors) : 0;
  return {
    rounds: rounds.length,
    requests,
    rps: median(rounds.map((r) => r.rps)),
    rpsRounds: rounds.map((r) => Math.round(r.rps)),
    p50Ms: median(rounds.map((r) => r.latencyMs.p50)),
    p99Ms: median(rounds.map((r) => r.latencyMs.p99)),
    cpuUsPerReq: proxyTicks == null || !requests ? null : (proxyTicks * tickUs) / requests,
    mockCpuUsPerReq: requests ? (mockTicks * tickUs) / requests : null,
    peakRssMb: Math.max(...rounds.map((r) => r.peakRssKb)) / 1024,
    errors,
    errorRate,
    invalid: errorRate > 0.01 ? `${(errorRate * 100).toFixed(1)}% of requests failed` : null,
  };
}

async function readEld(s) {
  if (!s?.eldFile || !s.svc?.alive()) return null;
  let prevSeq = 0;
  try {
    prevSeq = JSON.parse(readFileSync(s.eldFile, 'utf8')).seq;
  } catch {}
  s.svc.proc.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(20);
    try {
      const j = JSON.parse(readFileSync(s.eldFile, 'utf8'));
      if (j.seq > prevSeq) return j;
    } catch {}
  }
  return null;
}

/** Optional hook for the event-loop delay poolgate reports about itself (BENCH_POOLGATE_ELD_PATH). */
async function readPoolgateEldHook(s) {
  if (!cfg.poolgateEldPath || !s?.url) return null;
  try {
    const res = await fetch(`${s.url}${cfg.poolgateEldPath}`, {
      headers: { authorization: `Bearer ${POOLGATE_KEY}` },
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    let maxMs = null;
    try {
      const j = JSON.parse(text);
      maxMs = j.maxMs ?? j.eventLoopDelayMaxMs ?? j.eventLoopDelay?.maxMs ?? null;
    } catch {
      const m = /^[a-z_]*event_?loop[a-z_]*max[a-z_]*(?:\{[^}]*\})?\s+([0-9.eE+-]+)/im.exec(text);
      if (m) maxMs = Number(m[1]) * (/seconds/.test(m[0]) ? 1000 : 1);
    }
    return { status: res.status, maxMs, raw: text.slice(0, 2000) };
  } catch (err) {
    return { error: err.message };
  }
}

async function runWrkScenario(scenario, ready) {
  const durationWarm = Math.max(1, Math.round(cfg.warmupS));
  if (cfg.warmupS > 0) {
    for (const t of ready) await runWrk({
      url: t.url, connections: scenario.connections, durationS: durationWarm,
      luaScript: path.join(BENCH_DIR, 'wrk-post.lua'), bodyFile: t.files.bodyFile, headersFile: t.files.headersFile, cpu: LOADER,
    }).catch(() => null);
  }
  if (scenario.eld) {
    for (const t of ready) {
      t.eldWindows = [];
      await readEld(services[t.service]); // open the first window after the warmup
    }
  }
  for (let r = 0; r < cfg.rounds; r++) {
    for (const t of ready) {
      if (t.status !== 'ok') continue;
      if (!services[t.service].svc.alive()) {
        t.status = 'n/a';
        t.reason = `target crashed${services[t.service].svc.lastLines()}`;
        continue;
      }
      try {
        const round = await wrkRound(scenario, t, cfg.durationS);
        t.rounds.push(round);
        log(`    round ${r + 1}/${cfg.rounds} ${t.name.padEnd(16)} ${fmt.int(round.rps).padStart(7)} req/s  p50 ${fmt.ms(round.latencyMs.p50)} ms  p99 ${fmt.ms(round.latencyMs.p99)} ms  cpu ${fmt.us(round.cpuUsPerReq ?? round.mockCpuUsPerReq)} us/req${round.errorCount ? `  errors ${round.errorCount}` : ''}`);
        if (scenario.eld) {
          const e = await readEld(services[t.service]);
          if (e) t.eldWindows.push(e);
        }
      } catch (err) {
        t.status = 'n/a';
        t.reason = `wrk failed: ${err.message}`;
      }
    }
  }
  if (scenario.eld) {
    // Under saturating load the loop delay mostly shows batching and GC (the bare proxy too shows
    // 10-50 ms maxima on these machines), so the verdict uses a light-load phase: c=1 for
    // BENCH_ELD_SECONDS (longer than poolgate's 5 s stats max-wait) then 2 s idle (its 1 s debounce),
    // so at least one stats write of the whole pool falls inside the window.
    for (const t of ready) {
      if (t.status !== 'ok') continue;
      const s = services[t.service];
      const underLoad = (t.eldWindows ?? []).map((w) => w.cpuBlockMaxMs).filter((x) => x != null);
      const underLoadWall = (t.eldWindows ?? []).map((w) => w.maxMs).filter((x) => x != null);
      await readEld(s); // close the load window, open the light-load one
      let light = null;
      try {
        const w = await runWrk({
          url: t.url, connections: 1, durationS: cfg.eldSeconds,
          luaScript: path.join(BENCH_DIR, 'wrk-post.lua'), bodyFile: t.files.bodyFile, headersFile: t.files.headersFile, cpu: LOADER,
        });
        await sleep(2000);
        light = await readEld(s);
        if (light) light.requests = w.requests;
      } catch (err) {
        light = { error: err.message };
      }
      t.eld = {
        maxMs: light?.cpuBlockMaxMs ?? null, // the verdict: longest on-CPU stall (see bench/eld-probe.mjs)
        wallMaxMs: light?.maxMs ?? null, // monitorEventLoopDelay max, preemption by other processes included
        lightLoad: light,
        underLoadMaxMs: underLoad.length ? Math.max(...underLoad) : null,
        underLoadWallMaxMs: underLoadWall.length ? Math.max(...underLoadWall) : null,
        underLoadWindows: t.eldWindows,
        hook: await readPoolgateEldHook(s),
      };
      delete t.eldWindows;
      log(`    event loop ${t.name.padEnd(16)} c=1 ${cfg.eldSeconds} s + 2 s idle: on-CPU stall max ${fmt.ms(t.eld.maxMs)} ms ` +
        `(wall delay max ${fmt.ms(t.eld.wallMaxMs)}, p99 ${fmt.ms(light?.p99Ms)} ms); under c=${scenario.connections}: ` +
        `stall max ${fmt.ms(t.eld.underLoadMaxMs)} ms (wall ${fmt.ms(t.eld.underLoadWallMaxMs)} ms)`);
    }
  }
  for (const t of ready) if (t.rounds.length) t.summary = summarizeWrk(t.rounds);
}

async function runTtfbScenario(scenario, ready) {
  const perRound = Math.ceil(cfg.ttfbN / cfg.rounds);
  for (let r = 0; r < cfg.rounds; r++) {
    for (const t of ready) {
      if (t.status !== 'ok') continue;
      const res = await run(pinned(LOADER, [
        NODE, path.join(BENCH_DIR, 'ttfb-client.mjs'),
        '--url', t.url, '--body-file', t.files.bodyFile, '--headers-file', t.files.headersFile,
        '--n', String(perRound), '--warmup', r === 0 ? '20' : '5',
      ]), { timeoutMs: 120_000 });
      const line = res.stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
      if (!line) {
        t.status = 'n/a';
        t.reason = `ttfb client failed: ${(res.stderr || res.stdout).slice(0, 300)}`;
        continue;
      }
      const j = JSON.parse(line.slice(11));
      t.rounds.push(j);
      log(`    round ${r + 1}/${cfg.rounds} ${t.name.padEnd(16)} TTFB p50 ${fmt.ms(j.ttfbMs.p50)} ms  p99 ${fmt.ms(j.ttfbMs.p99)} ms  total p50 ${fmt.ms(j.totalMs.p50)} ms${j.errors ? `  errors ${j.errors} (${j.lastError})` : ''}`);
    }
  }
  for (const t of ready) {
    if (!t.rounds.length) continue;
    const ttfb = t.rounds.flatMap((r) => r.samples.ttfbMs).sort((a, b) => a - b);
    const total = t.rounds.flatMap((r) => r.samples.totalMs).sort((a, b) => a - b);
    const q = (s, p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
    const errors = t.rounds.reduce((a, r) => a + r.errors, 0);
    t.summary = {
      n: ttfb.length,
      ttfbP50Ms: q(ttfb, 50),
      ttfbP90Ms: q(ttfb, 90),
      ttfbP99Ms: q(ttfb, 99),
      ttfbMeanMs: ttfb.reduce((a, b) => a + b, 0) / ttfb.length,
      totalP50Ms: q(total, 50),
      errors,
      invalid: errors > 0.01 * (ttfb.length + errors) ? `${errors} failed requests` : null,
    };
    for (const r of t.rounds) delete r.samples; // keep the JSON small
  }
}

async function runScenario(scenario) {
  log(`\n== ${scenario.title}`);
  const dir = path.join(tmp, 'requests');
  const ready = [];
  scenario.results = [];
  for (const spec of scenario.targets) {
    const s = await ensureService(spec.service);
    const t = { name: spec.name, service: spec.service, status: 'ok', reason: null, rounds: [], headers: spec.headers };
    scenario.results.push(t);
    if (s.failed) {
      t.status = 'n/a';
      t.reason = `target failed to start: ${s.failed}`;
      continue;
    }
    if (!s.svc.alive()) {
      t.status = 'n/a';
      t.reason = `target crashed earlier${s.svc.lastLines()}`;
      continue;
    }
    t.url = `${s.url}${CLIENTS[scenario.client].path}`;
    t.files = writeRequestFiles(dir, scenario, t);
    const pf = await preflight(t.url, t.files.headers, JSON.parse(t.files.body), scenario.client, scenario.stream);
    t.preflight = pf;
    if (!pf.ok) {
      t.status = 'n/a';
      t.reason = `preflight failed: ${pf.reason}`;
      log(`  ${t.name}: ${t.reason}`);
      continue;
    }
    log(`  ${t.name}: preflight ok (${pf.detail})`);
    ready.push(t);
  }
  if (ready.length) {
    if (scenario.kind === 'wrk') await runWrkScenario(scenario, ready);
    else await runTtfbScenario(scenario, ready);
  }
  for (const t of scenario.results) {
    delete t.headers;
    if (t.files) t.files = { request: JSON.parse(t.files.body), headers: redact(t.files.headers) };
  }
}

function redact(h) {
  const out = {};
  for (const [k, v] of Object.entries(h)) out[k] = /authorization|api-key/i.test(k) ? v.replace(/(\S{6})\S+$/, '$1…') : v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ratios and targets
// ---------------------------------------------------------------------------------------------
function find(scenarioId, targetName) {
  const sc = SCENARIOS.find((s) => s.id === scenarioId);
  if (!sc) return { na: `scenario ${scenarioId} not run` };
  const t = sc.results?.find((r) => r.name === targetName);
  if (!t) return { na: `${targetName} not run in ${scenarioId}` };
  if (t.status !== 'ok' || !t.summary) return { na: `${targetName}: ${t.reason ?? 'no result'}` };
  if (t.summary.invalid) return { na: `${targetName}: ${t.summary.invalid}`, invalid: true, t };
  return { t };
}

/** value(a) op value(b). Missing numerator/denominator -> n/a; numerator with errors -> FAIL. */
function compare(a, b, f) {
  if (a.invalid) return { fail: a.na };
  if (a.na) return { na: a.na };
  if (b?.na) return { na: `reference ${b.na}` };
  const v = f(a.t.summary, b?.t.summary);
  return v == null || !Number.isFinite(v) ? { na: 'no value' } : { value: v };
}

const TARGETS = [
  { id: 'fast-nonstream-vs-bare', text: 'fast-path non-stream >= 0.8x bare', op: '>=', threshold: 0.8, unit: 'x',
    get: () => compare(find('fast-nonstream', 'poolgate'), find('fast-nonstream', 'bare'), (p, b) => p.rps / b.rps) },
  { id: 'fast-nonstream-vs-portkey', text: 'fast-path non-stream >= 15x portkey', op: '>=', threshold: 15, unit: 'x',
    get: () => compare(find('fast-nonstream', 'poolgate'), find('fast-nonstream', 'portkey'), (p, b) => p.rps / b.rps) },
  { id: 'fast-stream-vs-bare', text: 'fast-path stream >= 0.8x bare', op: '>=', threshold: 0.8, unit: 'x',
    get: () => compare(find('fast-stream', 'poolgate'), find('fast-stream', 'bare'), (p, b) => p.rps / b.rps) },
  { id: 'fast-stream-vs-portkey', text: 'fast-path stream >= 15x portkey', op: '>=', threshold: 15, unit: 'x',
    get: () => compare(find('fast-stream', 'poolgate'), find('fast-stream', 'portkey'), (p, b) => p.rps / b.rps) },
  { id: 'conv-openai-to-anthropic', text: 'conversion OpenAI->Anthropic >= 0.5x bare', op: '>=', threshold: 0.5, unit: 'x',
    get: () => compare(find('conv-openai-to-anthropic', 'poolgate'), find('conv-openai-to-anthropic', 'bare'), (p, b) => p.rps / b.rps) },
  { id: 'conv-anthropic-to-openai', text: 'conversion Anthropic->OpenAI >= 0.5x bare', op: '>=', threshold: 0.5, unit: 'x',
    get: () => compare(find('conv-anthropic-to-openai', 'poolgate'), find('conv-anthropic-to-openai', 'bare'), (p, b) => p.rps / b.rps) },
  { id: 'latency-c1-added-p50', text: 'added latency c=1 p50 <= 0.3 ms over direct', op: '<=', threshold: 0.3, unit: ' ms',
    get: () => compare(find('latency-c1', 'poolgate'), find('latency-c1', 'direct'), (p, d) => p.p50Ms - d.p50Ms) },
  { id: 'rss-c64-vs-bare', text: 'peak RSS c=64 <= 1.25x bare', op: '<=', threshold: 1.25, unit: 'x',
    get: () => compare(find('rss-c64', 'poolgate'), find('rss-c64', 'bare'), (p, b) => p.peakRssMb / b.peakRssMb) },
  { id: 'pool-scale', text: `pool of ${cfg.largePool} >= 0.95x pool of 3 req/s`, op: '>=', threshold: 0.95, unit: 'x',
    get: () => compare(find('pool-scale', `poolgate-${cfg.largePool}`), find('pool-scale', 'poolgate-3'), (l, s) => l.rps / s.rps) },
  { id: 'pool-scale-eld', text: `event-loop stall max with ${cfg.largePool} instances (stats writes) <= 10 ms`, op: '<=', threshold: 10, unit: ' ms',
    get: () => {
      const r = find('pool-scale', `poolgate-${cfg.largePool}`);
      if (r.na && !r.invalid) return { na: r.na };
      const v = r.t?.eld?.maxMs;
      return v == null ? { na: `no event-loop delay reading (${r.t?.eld?.lightLoad?.error ?? 'probe did not answer'})` } : { value: v };
    } },
  { id: 'ttfb-added-p50', text: 'stream TTFB p50 <= 1 ms over direct', op: '<=', threshold: 1, unit: ' ms',
    get: () => compare(find('ttfb', 'poolgate'), find('ttfb', 'direct'), (p, d) => p.ttfbP50Ms - d.ttfbP50Ms) },
];

function evaluateTargets() {
  return TARGETS.map((tg) => {
    let r;
    try {
      r = tg.get();
    } catch (err) {
      r = { na: `evaluation error: ${err.message}` };
    }
    const out = { id: tg.id, text: tg.text, op: tg.op, threshold: tg.threshold, unit: tg.unit.trim() };
    if (r.fail) return { ...out, value: null, status: 'FAIL', reason: r.fail };
    if (r.na) return { ...out, value: null, status: 'n/a', reason: r.na };
    const pass = tg.op === '>=' ? r.value >= tg.threshold : r.value <= tg.threshold;
    return { ...out, value: r.value, status: pass ? 'PASS' : 'FAIL', reason: null };
  });
}

function ratioLines() {
  const lines = [];
  const out = {};
  const rate = (sid, a, b, pick = (s) => s.rps) => {
    const x = find(sid, a);
    const y = find(sid, b);
    if (x.na || y.na) return null;
    return pick(x.t.summary) / pick(y.t.summary);
  };
  for (const sc of SCENARIOS) {
    if (sc.kind !== 'wrk' || !sc.results) continue;
    const pairs = sc.id === 'pool-scale'
      ? [[`poolgate-${cfg.largePool}`, 'poolgate-3']]
      : [['poolgate', 'bare'], ['poolgate', 'portkey'], ['poolgate', 'direct'], ['bare', 'direct'], ['portkey', 'direct']];
    const parts = [];
    for (const [a, b] of pairs) {
      const v = rate(sc.id, a, b);
      const cpu = rate(sc.id, a, b, (s) => s.cpuUsPerReq);
      const key = `${a}/${b}`;
      if (v != null) {
        out[`${sc.id} ${key} req/s`] = v;
        parts.push(`${key} ${fmt.x(v)}`);
      }
      if (cpu != null && b !== 'direct') {
        out[`${sc.id} ${key} cpu/req`] = cpu;
        parts.push(`(cpu/req ${fmt.x(cpu)})`);
      }
    }
    if (sc.id === 'latency-c1') {
      for (const a of ['bare', 'portkey', 'poolgate']) {
        const x = find(sc.id, a);
        const d = find(sc.id, 'direct');
        if (!x.na && !d.na) {
          const delta = x.t.summary.p50Ms - d.t.summary.p50Ms;
          out[`latency-c1 ${a} p50 added ms`] = delta;
          parts.push(`${a} p50 +${fmt.ms(delta)} ms`);
        }
      }
    }
    if (sc.id === 'rss-c64') {
      for (const [a, b] of [['poolgate', 'bare'], ['portkey', 'bare']]) {
        const v = rate(sc.id, a, b, (s) => s.peakRssMb);
        if (v != null) {
          out[`rss-c64 ${a}/${b} peak RSS`] = v;
          parts.push(`RSS ${a}/${b} ${fmt.x(v)}`);
        }
      }
    }
    if (parts.length) lines.push(`  ${sc.id.padEnd(26)} ${parts.join('  ')}`);
  }
  const tt = SCENARIOS.find((s) => s.id === 'ttfb');
  if (tt?.results) {
    const parts = [];
    for (const a of ['bare', 'portkey', 'poolgate']) {
      const x = find('ttfb', a);
      const d = find('ttfb', 'direct');
      if (x.na || d.na) continue;
      const delta = x.t.summary.ttfbP50Ms - d.t.summary.ttfbP50Ms;
      out[`ttfb ${a} p50 added ms`] = delta;
      parts.push(`${a} TTFB p50 +${fmt.ms(delta)} ms`);
    }
    if (parts.length) lines.push(`  ${'ttfb'.padEnd(26)} ${parts.join('  ')}`);
  }
  return { lines, ratios: out };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------
function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function printScenarioTable(sc) {
  log(`\n${sc.title}`);
  if (sc.kind === 'ttfb') {
    printTable(
      ['target', 'n', 'TTFB p50 ms', 'TTFB p90 ms', 'TTFB p99 ms', 'total p50 ms', 'errors'],
      sc.results.map((t) =>
        t.summary
          ? [t.name, String(t.summary.n), fmt.ms(t.summary.ttfbP50Ms), fmt.ms(t.summary.ttfbP90Ms), fmt.ms(t.summary.ttfbP99Ms), fmt.ms(t.summary.totalP50Ms), String(t.summary.errors)]
          : [t.name, `n/a (${t.reason})`],
      ),
      log,
    );
    return;
  }
  printTable(
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req', 'mock CPU us/req', 'peak RSS MB', 'errors', 'req/s per round'],
    sc.results.map((t) =>
      t.summary
        ? [
            t.name,
            fmt.int(t.summary.rps),
            fmt.ms(t.summary.p50Ms),
            fmt.ms(t.summary.p99Ms),
            t.summary.cpuUsPerReq == null ? '-' : fmt.us(t.summary.cpuUsPerReq),
            fmt.us(t.summary.mockCpuUsPerReq),
            t.summary.peakRssMb.toFixed(1),
            t.summary.errors ? `${t.summary.errors}${t.summary.invalid ? ' INVALID' : ''}` : '0',
            t.summary.rpsRounds.join(' '),
          ]
        : [t.name, `n/a (${t.reason})`],
    ),
    log,
  );
  for (const t of sc.results) {
    if (t.eld) {
      log(`  ${t.name}: event loop at c=1 + idle: on-CPU stall max ${fmt.ms(t.eld.maxMs)} ms, wall delay max ${fmt.ms(t.eld.wallMaxMs)} ms ` +
        `(p99 ${fmt.ms(t.eld.lightLoad?.p99Ms)} ms); under c=${sc.connections}: stall max ${fmt.ms(t.eld.underLoadMaxMs)} ms, ` +
        `wall max ${fmt.ms(t.eld.underLoadWallMaxMs)} ms` +
        (t.eld.hook ? `; poolgate's own figure: ${t.eld.hook.maxMs ?? t.eld.hook.error ?? 'unparsed'}` : ''));
    }
  }
}

const startedAt = new Date();
const loadavgAtStart = os.loadavg();
let exitCode = 0;
const cleanup = async () => {
  for (const name of Object.keys(services)) await stopService(name).catch(() => {});
  killAllChildren();
  if (tmp && !cfg.keepTmp) rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAllChildren();
    if (tmp && !cfg.keepTmp) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}

try {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'poolgate-bench-'));
  if (canPin) pinPid(process.pid, LOADER);
  const wrkV = await wrkVersion();
  const loadS = SCENARIOS.reduce((a, s) => {
    if (s.kind === 'ttfb') return a + s.targets.length * 3; // Portkey needs ~30 ms a request
    const perTarget = cfg.rounds * cfg.durationS + (cfg.warmupS > 0 ? Math.max(1, Math.round(cfg.warmupS)) : 0);
    return a + s.targets.length * (perTarget + (s.eld ? cfg.eldSeconds + 2 : 0));
  }, 0);
  log(`poolgate bench: ${SCENARIOS.length} scenarios, ${cfg.rounds} round(s) x ${cfg.durationS} s, warmup ${cfg.warmupS} s, ` +
    `about ${(loadS / 60).toFixed(1)} min`);
  log(`machine: ${cpuCount} cpus (${os.cpus()[0]?.model ?? '?'}), ` +
    `node ${process.version}, wrk ${wrkV}, CLK_TCK ${CLK_TCK}`);
  log(`load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on this machine shows up as noise)`);
  log(canPin
    ? `pinning: wrk + mock + runner on cpu ${LOADER}, proxy under test on cpu ${PROXY}`
    : `pinning: OFF (${cpuCount < 2 ? 'fewer than 2 cpus' : 'taskset not found'}) - ratios against direct are not meaningful`);

  // Start services lazily and stop them after their last scenario.
  const lastUse = {};
  SCENARIOS.forEach((s, i) => s.targets.forEach((t) => (lastUse[t.service] = i)));
  const mock = await ensureService('mock');
  if (mock.failed) throw new Error(mock.failed);
  if (mock.kind !== 'dist') log(`  NOTE: mock upstream is ${mock.kind} (${mock.file}); tried: ${mock.tried.join('; ') || '-'}`);
  for (let i = 0; i < SCENARIOS.length; i++) {
    await runScenario(SCENARIOS[i]);
    for (const [name, last] of Object.entries(lastUse)) if (last === i && name !== 'mock') await stopService(name);
  }

  log('\n================ results ================');
  log(`(req/s, p50, p99: median over rounds; CPU us/req: utime+stime of the proxy process over all rounds / requests; ` +
    `peak RSS: max over rounds)`);
  for (const sc of SCENARIOS) printScenarioTable(sc);

  const { lines, ratios } = ratioLines();
  log('\nratios (throughput unless noted):');
  for (const l of lines) log(l);

  const targets = evaluateTargets();

  const resultsDir = path.join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: cfg,
    machine: {
      cpus: cpuCount,
      model: os.cpus()[0]?.model,
      loadavgAtStart,
      loadavgAtEnd: os.loadavg(),
      node: process.version,
      wrk: wrkV,
      clkTck: CLK_TCK,
      pinning: canPin ? { loader: LOADER, proxy: PROXY } : null,
    },
    services: Object.fromEntries(Object.values(services).map((s) => [s.name, {
      ok: !s.failed,
      failed: s.failed,
      url: s.url,
      cpu: s.cpu,
      readyMs: s.readyMs,
      argv: s.svc?.argv,
      kind: s.kind,
      file: s.file,
      tried: s.tried,
      version: s.version,
      instances: s.instances,
      exitedBeforeStop: s.exitedBeforeStop ?? null,
    }])),
    scenarios: SCENARIOS.map((s) => ({
      id: s.id, title: s.title, kind: s.kind, connections: s.connections, client: s.client, stream: s.stream,
      targets: s.results,
    })),
    ratios,
    targets,
  };
  writeFileSync(file, JSON.stringify(json, null, 2));
  log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`results written to ${path.relative(process.cwd(), file)}\n`);
  for (const t of targets) {
    const v = t.value == null ? '' : `${t.unit === 'x' ? fmt.x(t.value) : `${fmt.ms(t.value)} ${t.unit}`} `;
    const why = t.reason ? ` (${t.reason.length > 160 ? `${t.reason.slice(0, 157)}...` : t.reason})` : '';
    log(`TARGET ${t.text}: ${v}${t.status}${why}`);
  }
  const count = (st) => targets.filter((t) => t.status === st).length;
  log(`SUMMARY ${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('n/a')} n/a`);
} catch (err) {
  console.error(`bench harness error: ${err.stack ?? err}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
