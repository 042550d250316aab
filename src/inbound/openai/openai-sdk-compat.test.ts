import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, type ChatResponse, type StreamEvent } from '../../canonical/index.js';
import { fromArray } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIChatResponse } from './encode-chat-response.js';
import { encodeOpenAIChatStream } from './encode-chat-stream.js';
import { encodeOpenAIError } from './encode-error.js';
import { encodeOpenAIModels } from './encode-models.js';

/**
 * Serves our encoders' output from a local HTTP server and consumes it with the real `openai`
 * SDK, proving the SDK's parsers and accumulators accept it. The scenario is chosen by the
 * requested model name.
 */

const START: StreamEvent = { type: 'start', id: 'chatcmpl-sdk', model: 'upstream', created: 1_730_000_000 };
const USAGE = { inputTokens: 20, outputTokens: 12, cachedInputTokens: 8, reasoningTokens: 4 };

const STREAMS: Record<string, StreamEvent[]> = {
  text: [
    START,
    { type: 'reasoning-start', index: 0 },
    { type: 'reasoning-delta', index: 0, text: 'Thinking…' },
    { type: 'reasoning-end', index: 0 },
    { type: 'text-start', index: 1 },
    { type: 'text-delta', index: 1, text: 'Hello, ' },
    { type: 'text-delta', index: 1, text: '世界 🌍' },
    { type: 'text-end', index: 1 },
    { type: 'finish', finishReason: 'stop', usage: USAGE },
  ],
  tools: [
    START,
    { type: 'tool-call-start', index: 0, id: 'call_a', name: 'get_weather' },
    { type: 'tool-call-delta', index: 0, argumentsJson: '{"city":' },
    { type: 'tool-call-delta', index: 0, argumentsJson: '"Paris"}' },
    { type: 'tool-call-end', index: 0 },
    { type: 'tool-call-start', index: 1, id: 'call_b', name: 'get_time' },
    { type: 'tool-call-delta', index: 1, argumentsJson: '{"tz":"CET"}' },
    { type: 'tool-call-end', index: 1 },
    { type: 'finish', finishReason: 'tool-calls', usage: USAGE },
  ],
  'mid-error': [
    START,
    { type: 'text-start', index: 0 },
    { type: 'text-delta', index: 0, text: 'Partial' },
    { type: 'error', error: new GatewayError('stream_interrupted', 'upstream went away') },
  ],
};

const RESPONSE: ChatResponse = {
  id: 'chatcmpl-plain',
  model: 'upstream',
  created: 1_730_000_000,
  content: [
    { type: 'text', text: 'Calling.' },
    { type: 'tool-call', id: 'call_z', name: 'lookup', argumentsJson: '{"q":"x"}' },
  ],
  finishReason: 'tool-calls',
  usage: USAGE,
};

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text) as Record<string, unknown>;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'GET' && request.url === '/v1/models') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(encodeOpenAIModels(['a', 'b'])));
    return;
  }
  const body = await readJson(request);
  const model = String(body.model);
  if (model === 'rate-limited') {
    const encoded = encodeOpenAIError(new GatewayError('rate_limited', 'Slow down', { retryAfterMs: 1200 }));
    response.writeHead(encoded.status, encoded.headers).end(encoded.body);
    return;
  }
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(encodeOpenAIChatResponse(RESPONSE, model)));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  for await (const frame of encodeOpenAIChatStream(fromArray(STREAMS[model]!), { clientModel: model, includeUsage })) {
    response.write(frame);
  }
  response.end();
}

let server: Server;
let client: OpenAI;

beforeAll(async () => {
  server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the openai SDK accepts our Chat Completions output', () => {
  it('raw stream iteration sees text, reasoning_content and the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'text',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let reasoning = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      text += delta?.content ?? '';
      reasoning += delta?.reasoning_content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello, 世界 🌍');
    expect(reasoning).toBe('Thinking…');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 12,
      total_tokens: 32,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it('the ChatCompletionStream accumulator assembles parallel tool calls', async () => {
    const runner = client.chat.completions.stream({ model: 'tools', messages: [{ role: 'user', content: 'hi' }] });
    const completion = await runner.finalChatCompletion();
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
    ]);
  });

  it('a mid-stream error frame raises an APIError after the partial content', async () => {
    const stream = await client.chat.completions.create({ model: 'mid-error', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    const error = await consume().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('upstream went away');
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_interrupted');
    expect(text).toBe('Partial');
  });

  it('parses a non-streaming completion', async () => {
    const completion = await client.chat.completions.create({ model: 'plain-client-name', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.model).toBe('plain-client-name');
    expect(completion.choices[0]!.message.content).toBe('Calling.');
    expect(completion.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: 'call_z', function: { name: 'lookup' } });
    expect(completion.usage?.total_tokens).toBe(32);
  });

  it('maps an error answer to RateLimitError with retry-after', async () => {
    const error = await client.chat.completions.create({ model: 'rate-limited', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.type).toBe('requests');
    expect(rateLimit.headers.get('retry-after')).toBe('2');
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['a', 'b']);
  });
});
