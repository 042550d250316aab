import Anthropic, { APIError, BadRequestError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArray, readFixtures } from '../../../test/fixtures/anthropic/fixture-io.js';
import { GatewayError, type ChatRequest, type ChatResponse, type StreamEvent } from '../../canonical/index.js';
import { decodeAnthropicUpstreamStream } from '../../upstream/claude-custom/decode-messages-stream.js';
import { encodeAnthropicUpstreamRequest } from '../../upstream/claude-custom/encode-messages-request.js';
import { decodeAnthropicMessagesRequest } from './decode-messages-request.js';
import { encodeAnthropicError } from './encode-error.js';
import { encodeAnthropicMessagesResponse } from './encode-messages-response.js';
import { encodeAnthropicMessagesStream } from './encode-messages-stream.js';

/**
 * SDK acceptance: the codec's output, served over real HTTP on 127.0.0.1, must be consumed by the
 * official `@anthropic-ai/sdk` exactly like api.anthropic.com's. The requested model name picks the
 * scenario; every request the SDK sends must also pass our own request decoder.
 */

const response: ChatResponse = {
  id: 'msg_01XYZ',
  model: 'upstream-model',
  created: 0,
  content: [
    { type: 'reasoning', text: 'User wants weather.', signature: 'EqQB' },
    { type: 'text', text: 'Checking 世界 🌍' },
    { type: 'tool-call', id: 'toolu_01A', name: 'get_weather', argumentsJson: '{"city":"Paris"}' },
  ],
  finishReason: 'tool-calls',
  rawFinishReason: 'tool_use',
  usage: { inputTokens: 1000, outputTokens: 57, cachedInputTokens: 600, cacheCreationInputTokens: 300 },
};

const streamEvents: StreamEvent[] = [
  { type: 'start', id: 'msg_02', model: 'upstream-model', created: 0, usage: { inputTokens: 20 } },
  { type: 'reasoning-start', index: 0 },
  { type: 'reasoning-delta', index: 0, text: 'Hmm…' },
  { type: 'reasoning-signature', index: 0, signature: 'sig' },
  { type: 'reasoning-end', index: 0 },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Bonjour ' },
  { type: 'text-delta', index: 1, text: '世界 👋' },
  { type: 'text-end', index: 1 },
  { type: 'tool-call-start', index: 2, id: 'toolu_9', name: 'get_weather' },
  { type: 'tool-call-delta', index: 2, argumentsJson: '{"city":' },
  { type: 'tool-call-delta', index: 2, argumentsJson: '"Paris"}' },
  { type: 'tool-call-end', index: 2 },
  { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 20, outputTokens: 30 } },
];

const midStreamError: StreamEvent[] = [
  { type: 'start', id: 'msg_03', model: 'm', created: 0 },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Part' },
  { type: 'error', error: new GatewayError('overloaded', 'Overloaded') },
];

const received: ChatRequest[] = [];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function writeStream(res: ServerResponse, frames: AsyncIterable<string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for await (const frame of frames) res.write(frame);
  res.end();
}

function writeError(res: ServerResponse, error: GatewayError): void {
  const encoded = encodeAnthropicError(error);
  res.writeHead(encoded.status, encoded.headers);
  res.end(encoded.body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let request: ChatRequest;
  try {
    request = decodeAnthropicMessagesRequest(await readBody(req));
  } catch (error) {
    writeError(res, error as GatewayError);
    return;
  }
  received.push(request);
  const model = request.model;
  switch (model) {
    case 'overloaded':
      return writeError(res, new GatewayError('overloaded', 'Overloaded'));
    case 'rate-limited':
      return writeError(res, new GatewayError('rate_limited', 'Too many requests', { retryAfterMs: 3000 }));
    case 'mid-stream-error':
      return writeStream(res, encodeAnthropicMessagesStream(fromArray(midStreamError), { clientModel: model }));
    case 'upstream-pipe': {
      // Full path: an upstream Anthropic SSE script → canonical events → client SSE.
      const fixture = readFixtures<{ sse: string[] }>('anthropic/upstream-stream').find((f) => f.name === 'thinking-text-tool')!;
      const body = fromArray([new TextEncoder().encode(fixture.data.sse.map((line) => `${line}\n`).join(''))]);
      return writeStream(res, encodeAnthropicMessagesStream(decodeAnthropicUpstreamStream(body), { clientModel: model }));
    }
    default:
      if (request.stream) return writeStream(res, encodeAnthropicMessagesStream(fromArray(streamEvents), { clientModel: model }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(encodeAnthropicMessagesResponse(response, model)));
  }
}

let server: Server;
let client: Anthropic;

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const params = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 1024,
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
});

describe('@anthropic-ai/sdk accepts the Anthropic codec', () => {
  it('non-streaming: typed message with thinking, text, tool_use and Anthropic usage', async () => {
    const message = await client.messages.create(params('my-claude'));
    expect(message.model).toBe('my-claude');
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(message.content[2]).toMatchObject({ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } });
    expect(message.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 600, cache_creation_input_tokens: 300, output_tokens: 57 });
    expect(received.at(-1)?.system?.[0]?.cacheControl).toEqual({ type: 'ephemeral' });
  });

  it('streaming: MessageStream assembles the final message from our frames', async () => {
    const stream = client.messages.stream({ ...params('my-claude'), stream: true });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const message = await stream.finalMessage();
    expect(texts.join('')).toBe('Bonjour 世界 👋');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Hmm…', signature: 'sig' },
      { type: 'text', text: 'Bonjour 世界 👋' },
      { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 20, output_tokens: 30 });
  });

  it('streaming through the upstream decoder end to end', async () => {
    const message = await client.messages.stream({ ...params('upstream-pipe'), stream: true }).finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(message.content[2]).toMatchObject({ input: { city: 'Paris' } });
    expect(message.stop_reason).toBe('tool_use');
  });

  it('full tool round trip: the signed thinking and tool id come back verbatim in the next upstream turn', async () => {
    const first = await client.messages.stream({ ...params('upstream-pipe'), stream: true }).finalMessage();
    const call = first.content.find((block) => block.type === 'tool_use')!;
    await client.messages.create({
      ...params('my-claude'),
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 4096,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C' }] },
      ],
    });
    const upstream = encodeAnthropicUpstreamRequest(received.at(-1)!) as { messages: Anthropic.MessageParam[]; thinking: unknown };
    expect(upstream.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(upstream.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'User wants...', signature: 'EqQB...' },
        { type: 'text', text: 'Checking' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
    expect(upstream.messages[2]).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: '18°C' }] });
  });

  it('a mid-stream error raises the SDK APIError with the Anthropic error type', async () => {
    const stream = client.messages.stream({ ...params('mid-stream-error'), stream: true });
    const error = await stream.finalMessage().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('overloaded_error');
    expect((error as APIError).message).toContain('Overloaded');
  });

  it('the raw event iterator also throws on the error event', async () => {
    const events = await client.messages.create({ ...params('mid-stream-error'), stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of events) seen.push(event.type);
      })(),
    ).rejects.toBeInstanceOf(APIError);
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });

  it('529 overloaded → InternalServerError with status 529 and type overloaded_error', async () => {
    const error = await client.messages.create(params('overloaded')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 529, type: 'overloaded_error' });
  });

  it('429 → RateLimitError carrying retry-after', async () => {
    const error = await client.messages.create(params('rate-limited')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect((error as RateLimitError).headers?.get('retry-after')).toBe('3');
    expect((error as RateLimitError).type).toBe('rate_limit_error');
  });

  it('an invalid request is rejected by our decoder as a typed 400', async () => {
    const body = { ...params('x'), temperature: 'hot' } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    const error = await client.messages.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((error as BadRequestError).message).toContain('temperature');
  });
});
