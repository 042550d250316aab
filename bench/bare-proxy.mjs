#!/usr/bin/env node
// Reference proxy for `npm run bench`: node:http server + one undici Pool to the upstream.
// Forwards method, path, headers and body; pipes the response back (SSE streams included).
// No auth, no routing, no retries, no logging, no metrics: the practical ceiling for a Node proxy.
//
//   node bench/bare-proxy.mjs --upstream http://127.0.0.1:9000 [--host 127.0.0.1] [--port 0]
//
// Prints `listening http://HOST:PORT` on stdout once it accepts connections.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values: args } = parseArgs({
  options: {
    upstream: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    connections: { type: 'string', default: '256' },
  },
});
if (!args.upstream) {
  console.error('usage: bare-proxy.mjs --upstream <origin> [--host h] [--port p]');
  process.exit(2);
}

const upstream = new Pool(args.upstream, {
  connections: Number(args.connections),
  pipelining: 1,
  keepAliveTimeout: 30_000,
});

// Hop-by-hop headers (RFC 9110 §7.6.1) plus `host`, which undici derives from the origin.
const HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding',
  'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'host',
]);

function strip(headers) {
  const out = {};
  for (const name in headers) if (!HOP.has(name)) out[name] = headers[name];
  return out;
}

const server = http.createServer((req, res) => {
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  upstream.stream(
    {
      method: req.method,
      path: req.url,
      headers: strip(req.headers),
      body: hasBody ? req : null,
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, strip(headers));
      return res; // undici writes each upstream chunk straight into the client response
    },
    (err) => {
      if (!err) return;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `bare-proxy upstream error: ${err.message}` } }));
      } else {
        res.destroy(err);
      }
    },
  );
});
server.keepAliveTimeout = 30_000;

server.listen(Number(args.port), args.host, () => {
  const { address, port } = server.address();
  process.stdout.write(`listening http://${address}:${port}\n`);
});

const stop = () => {
  server.close();
  upstream.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
