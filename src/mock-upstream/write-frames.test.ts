import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from './mock-upstream-types.js';
import { MULTIBYTE_REPLY } from './plan-reply.js';
import { startMockUpstream } from './start-mock-upstream.js';

interface TaggedBody {
  body: Buffer;
  /** For each body byte, the index of the socket read that delivered it. */
  readOf: number[];
  reads: number;
}

/** Sends a raw HTTP/1.1 request and keeps, per body byte, which socket `data` event carried it. */
async function rawRequest(port: number, path: string, headers: Record<string, string>, body: string): Promise<TaggedBody> {
  const socket = connect(port, '127.0.0.1');
  const reads: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => reads.push(chunk));
  const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', 'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.write(`${head}\r\n\r\n${body}`);
  await new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  const raw = Buffer.concat(reads);
  const tags = reads.flatMap((chunk, index) => Array<number>(chunk.length).fill(index));
  let at = raw.indexOf('\r\n\r\n') + 4;
  expect(raw.subarray(0, at).toString()).toMatch(/transfer-encoding: chunked/i);
  const bodyParts: Buffer[] = [];
  const readOf: number[] = [];
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = parseInt(raw.subarray(at, lineEnd).toString(), 16);
    at = lineEnd + 2;
    if (size === 0) break;
    bodyParts.push(raw.subarray(at, at + size));
    readOf.push(...tags.slice(at, at + size));
    at += size + 2;
  }
  return { body: Buffer.concat(bodyParts), readOf, reads: reads.length };
}

/** How many multi-byte characters have their bytes spread over more than one socket read. */
function charactersCutAcrossReads({ body, readOf }: TaggedBody): number {
  let cut = 0;
  for (let i = 0; i < body.length; i++) {
    const lead = body[i] as number;
    if (lead < 0xc0) continue;
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (readOf[i] !== readOf[i + length - 1]) cut += 1;
    i += length - 1;
  }
  return cut;
}

describe('multibyte replies are written with characters cut across socket writes', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream({ streamChunks: 8 });
  });
  afterAll(() => mock.close());

  it('OpenAI stream: many reads, characters split between them, text intact once decoded', async () => {
    const tagged = await rawRequest(mock.port, '/v1/chat/completions', {},
      JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'please [multibyte]' }] }));
    expect(tagged.reads).toBeGreaterThan(2);
    expect(charactersCutAcrossReads(tagged)).toBeGreaterThan(0);
    const text = tagged.body.toString('utf8');
    expect(text).not.toContain('\ufffd');
    const content = [...text.matchAll(/^data: (\{.*\})$/gm)]
      .map((m) => JSON.parse(m[1] as string) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    expect(content).toBe(MULTIBYTE_REPLY);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('Anthropic stream: same, through text_delta events', async () => {
    const tagged = await rawRequest(mock.port, '/v1/messages', { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      JSON.stringify({ model: 'claude-mock', max_tokens: 64, stream: true, messages: [{ role: 'user', content: '[multibyte]' }] }));
    expect(charactersCutAcrossReads(tagged)).toBeGreaterThan(0);
    const text = tagged.body.toString('utf8');
    const deltas = [...text.matchAll(/^data: (\{.*\})$/gm)]
      .map((m) => JSON.parse(m[1] as string) as { type: string; delta?: { text?: string } })
      .filter((event) => event.type === 'content_block_delta')
      .map((event) => event.delta?.text ?? '');
    expect(deltas.join('')).toBe(MULTIBYTE_REPLY);
  });

  it('a plain stream is written in one go (the fast path)', async () => {
    const tagged = await rawRequest(mock.port, '/v1/chat/completions', {},
      JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'plain ünï 你好' }] }));
    expect(tagged.body.toString()).toContain('"finish_reason":"stop"');
    expect(tagged.body.toString()).toContain('你');
    expect(charactersCutAcrossReads(tagged)).toBe(0);
  });
});
