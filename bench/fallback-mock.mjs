#!/usr/bin/env node
// Minimal stand-in for the project's mock upstream (src/mock-upstream), used by the bench runner
// ONLY when neither dist/mock-upstream/cli.js nor src/mock-upstream/cli.ts can be started.
// Same CLI shape: --port --host --stream-chunks; prints `listening <url>` on stdout.
//   POST /v1/chat/completions   OpenAI chat completion (stream: true -> N SSE chunks + [DONE])
//   POST /v1/messages           Anthropic messages (needs x-api-key + anthropic-version)
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'stream-chunks': { type: 'string', default: '20' },
  },
});
const CHUNKS = Number(args['stream-chunks']);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res, status, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function openai(res, body) {
  const id = 'chatcmpl-mock';
  const created = Math.floor(Date.now() / 1000);
  const model = body.model ?? 'mock-model';
  if (!body.stream) {
    return json(res, 200, {
      id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the mock upstream.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 },
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const frame = (delta, finish) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let out = frame({ role: 'assistant', content: '' }, null);
  for (let i = 0; i < CHUNKS; i++) out += frame({ content: `tok${i} ` }, null);
  out += frame({}, 'stop') + 'data: [DONE]\n\n';
  res.end(out);
}

function anthropic(req, res, body) {
  if (!req.headers['x-api-key'] || !req.headers['anthropic-version']) {
    return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'x-api-key and anthropic-version required' } });
  }
  const id = 'msg_mock';
  const model = body.model ?? 'mock-model';
  if (!body.stream) {
    return json(res, 200, {
      id, type: 'message', role: 'assistant', model,
      content: [{ type: 'text', text: 'Hello from the mock upstream.' }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 9, output_tokens: 7 },
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  let out = ev('message_start', { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 0 } } });
  out += ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < CHUNKS; i++) out += ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `tok${i} ` } });
  out += ev('content_block_stop', { index: 0 });
  out += ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CHUNKS } });
  out += ev('message_stop', {});
  res.end(out);
}

const server = http.createServer(async (req, res) => {
  try {
    const raw = await readBody(req);
    const body = raw ? JSON.parse(raw) : {};
    const path = req.url.split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') return openai(res, body);
    if (req.method === 'POST' && path === '/v1/messages') return anthropic(req, res, body);
    json(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  } catch (err) {
    json(res, 400, { error: { message: String(err) } });
  }
});
server.keepAliveTimeout = 30_000;
server.listen(Number(args.port), args.host, () => {
  const { address, port } = server.address();
  process.stdout.write(`listening http://${address}:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
