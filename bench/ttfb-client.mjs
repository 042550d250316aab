#!/usr/bin/env node
// Time-to-first-byte client for `npm run bench`: sends N streaming requests one at a time over one
// keep-alive connection and measures, per request, the time from writing the request to the first
// response BODY byte (the first SSE bytes, not the status line) and to the end of the stream.
//
//   node bench/ttfb-client.mjs --url URL --body-file F --headers-file F [--n 200] [--warmup 20]
//
// Prints one line: `BENCH_JSON {"n":..,"ttfbMs":{p50,p90,p99,mean,min,max},"totalMs":{...},"errors":..,
//   "samples":{"ttfbMs":[..],"totalMs":[..]}}`.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'body-file': { type: 'string' },
    'headers-file': { type: 'string' },
    n: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
  },
});

const url = new URL(args.url);
const body = readFileSync(args['body-file']);
const headers = { 'content-length': String(body.length) };
for (const line of readFileSync(args['headers-file'], 'utf8').split('\n')) {
  const m = /^([^:]+):\s*(.*?)\s*$/.exec(line);
  if (m) headers[m[1].toLowerCase()] = m[2];
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let tFirst = 0n;
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers, agent },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk) => {
          if (tFirst === 0n) tFirst = process.hrtime.bigint();
          bytes += chunk.length;
        });
        res.on('end', () => {
          const tEnd = process.hrtime.bigint();
          const ok = res.statusCode === 200 && bytes > 0;
          resolve({
            ok,
            status: res.statusCode,
            ttfbMs: Number(tFirst - t0) / 1e6,
            totalMs: Number(tEnd - t0) / 1e6,
          });
        });
        res.on('error', (err) => resolve({ ok: false, error: String(err) }));
      },
    );
    req.on('error', (err) => resolve({ ok: false, error: String(err) }));
    req.end(body);
  });
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { p50: q(50), p90: q(90), p99: q(99), mean, min: s[0], max: s[s.length - 1] };
}

const round3 = (x) => Math.round(x * 1000) / 1000;
const n = Number(args.n);
const warmup = Number(args.warmup);
const ttfb = [];
const total = [];
let errors = 0;
let lastError = null;
for (let i = 0; i < warmup + n; i++) {
  const r = await once();
  if (!r.ok) {
    errors++;
    lastError = r.error ?? `status ${r.status}`;
    continue;
  }
  if (i >= warmup) {
    ttfb.push(r.ttfbMs);
    total.push(r.totalMs);
  }
}
agent.destroy();
process.stdout.write(
  `BENCH_JSON ${JSON.stringify({
    n: ttfb.length,
    errors,
    lastError,
    ttfbMs: stats(ttfb),
    totalMs: stats(total),
    samples: { ttfbMs: ttfb.map(round3), totalMs: total.map(round3) },
  })}\n`,
);
