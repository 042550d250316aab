import Anthropic from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockFault, type MockUpstream } from '../../src/mock-upstream/index.js';
import { postAndStall } from '../support/post-and-stall.js';
import { claudeInstance, eventually, openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

/** Streams text through the client of the other protocol; `onText` sees each piece as it arrives. */
type StreamText = (onText: (text: string) => void, signal?: AbortSignal) => Promise<void>;

// Both conversion directions: the stream is decoded from one protocol and encoded into the other.
describe.each([
  { client: 'Anthropic', upstreamPool: 'openai-custom' },
  { client: 'OpenAI', upstreamPool: 'claude-custom' },
])('a converted stream: $client client from $upstreamPool', ({ client, upstreamPool }) => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let streamText: StreamText;
  const key = 'sk-conv';
  const instance = () => gateway.registry.instance(`uuid-${key}`)!;

  async function setup(fault: MockFault | undefined, streamChunks = 6): Promise<void> {
    upstream = await startMockUpstream({ apiKeys: [key], faults: fault ? { '*': fault } : {}, streamChunks });
    const entry = upstreamPool === 'openai-custom' ? openAIInstance(upstream.url, key) : claudeInstance(upstream.url, key);
    gateway = await startTestGateway({ [upstreamPool]: [entry] }, { MODEL_PROVIDER: upstreamPool, REQUEST_MAX_RETRIES: 0 });
    const content = 'tell me a story';
    if (client === 'Anthropic') {
      const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
      streamText = async (onText, signal) => {
        const stream = await anthropic.messages.create({ model: 'claude-x', max_tokens: 100, stream: true, messages: [{ role: 'user', content }] }, { signal });
        for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') onText(event.delta.text);
      };
    } else {
      const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
      streamText = async (onText, signal) => {
        const stream = await openai.chat.completions.create({ model: 'gpt-x', stream: true, messages: [{ role: 'user', content }] }, { signal });
        for await (const chunk of stream) {
          const text = chunk.choices[0]?.delta.content;
          if (text) onText(text);
        }
      };
    }
  }

  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('ends with an error the SDK raises when the upstream breaks off mid-way, and counts it against the instance', async () => {
    // Five frames in: text has gone out in both protocols (Anthropic opens with message_start,
    // ping and content_block_start), so the break is past the commit point.
    await setup({ kind: 'drop-mid-stream', afterChunks: 5 });
    let text = '';
    await expect(streamText((piece) => (text += piece))).rejects.toThrow();
    expect(text.length).toBeGreaterThan(0);
    await eventually(() => instance().stats.errorCount === 1 && instance().inflight === 0);
  });

  it('forwards each piece as it arrives (no buffering)', async () => {
    await setup({ kind: 'slow-chunks', delayMs: 120 });
    const arrivals: number[] = [];
    await streamText(() => arrivals.push(Date.now()));
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    // Six chunks 120 ms apart: buffering would deliver them together at the end.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(300);
  });

  it('frees the instance at once, without counting an error, when the client leaves mid-stream', async () => {
    // Six chunks 400 ms apart: the upstream would go on for about two more seconds.
    await setup({ kind: 'slow-chunks', delayMs: 400 });
    const controller = new AbortController();
    let pieces = 0;
    let leftAt = 0;
    // The SDKs end the iteration quietly or with an abort error, depending on where it is cut.
    await streamText(() => {
      if (++pieces === 2) {
        leftAt = Date.now();
        controller.abort();
      }
    }, controller.signal).catch(() => undefined);
    expect(pieces).toBe(2);
    await eventually(() => instance().inflight === 0);
    expect(Date.now() - leftAt).toBeLessThan(1_000);
    expect(instance().stats.errorCount).toBe(0);
  });
});

describe('a converted stream to a client that stalls', () => {
  let upstream: MockUpstream | undefined;
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('arrives whole: the gateway holds the upstream back and goes on', async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-big'], streamChunks: 6 });
    gateway = await startTestGateway({ 'openai-custom': [openAIInstance(upstream.url, 'sk-big')] }, { MODEL_PROVIDER: 'openai-custom' });
    const said = 'x'.repeat(4 * 1024 * 1024);
    const body = JSON.stringify({ model: 'claude-x', max_tokens: 100, stream: true, messages: [{ role: 'user', content: said }] });
    const headers = { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    const text = await postAndStall(`${gateway.url}/v1/messages`, headers, body);
    const frames = text.split('\n\n').filter((frame) => frame.length > 0);
    const data = frames.map((frame) => JSON.parse(frame.split('\n')[1]!.slice('data: '.length)) as { type: string; delta?: { text?: string } });
    expect(data.at(-1)!.type).toBe('message_stop');
    const content = data.map((event) => (event.type === 'content_block_delta' ? (event.delta?.text ?? '') : '')).join('');
    expect(content).toBe(`Hello from mock! You said: ${said}`);
  });
});

describe('a converted stream whose upstream fails inside the read that carried its first text', () => {
  let server: Server | undefined;
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('still delivers the text, then an error the SDK raises, and counts it against the instance', async () => {
    // Role chunk, text chunk and an in-stream error in one write: the decoder hands them over as
    // one batch, past the commit point, so the error must be written, not failed over.
    const chunk = (delta: Record<string, unknown>) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
    const body = chunk({ role: 'assistant', content: '' }) + chunk({ content: 'partial answer' }) + `data: ${JSON.stringify({ error: { message: 'upstream overloaded', type: 'server_error' } })}\n\n`;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    gateway = await startTestGateway({ 'openai-custom': [openAIInstance(`http://127.0.0.1:${port}`, 'sk-one')] }, { MODEL_PROVIDER: 'openai-custom', REQUEST_MAX_RETRIES: 0 });
    const anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
    let text = '';
    await expect(
      (async () => {
        const stream = await anthropic.messages.create({ model: 'claude-x', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] });
        for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      })(),
    ).rejects.toThrow(/overloaded/);
    expect(text).toBe('partial answer');
    await eventually(() => gateway!.registry.instance('uuid-sk-one')!.stats.errorCount === 1);
  });
});
