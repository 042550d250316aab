import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, type ChatResponse, type StreamEvent } from '../../canonical/index.js';
import { fromArray } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIResponsesRequest } from './decode-responses-request.js';
import { encodeOpenAIError } from '../openai/encode-error.js';
import { encodeOpenAIResponsesResponse } from './encode-responses-response.js';
import { encodeOpenAIResponsesStream } from './encode-responses-stream.js';

/**
 * Our Responses output served over HTTP and consumed by the real `openai` SDK: its
 * ResponseStream accumulator rejects any event that does not fit the snapshot it builds, so a
 * successful `finalResponse()` proves the event sequence is well formed. The request body the
 * SDK sends is also run through our decoder.
 */

const START: StreamEvent = { type: 'start', id: 'chatcmpl-r', model: 'upstream', created: 1_730_000_000 };
const USAGE = { inputTokens: 30, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 };

const STREAMS: Record<string, StreamEvent[]> = {
  full: [
    START,
    { type: 'reasoning-start', index: 0 },
    { type: 'reasoning-delta', index: 0, text: 'Weather needs a tool.' },
    { type: 'reasoning-end', index: 0 },
    { type: 'text-start', index: 1 },
    { type: 'text-delta', index: 1, text: 'Checking ' },
    { type: 'text-delta', index: 1, text: 'Paris 🌦' },
    { type: 'text-end', index: 1 },
    { type: 'tool-call-start', index: 2, id: 'call_1', name: 'get_weather' },
    { type: 'tool-call-delta', index: 2, argumentsJson: '{"city":' },
    { type: 'tool-call-delta', index: 2, argumentsJson: '"Paris"}' },
    { type: 'tool-call-end', index: 2 },
    { type: 'finish', finishReason: 'tool-calls', usage: USAGE },
  ],
  'mid-error': [
    START,
    { type: 'text-start', index: 0 },
    { type: 'text-delta', index: 0, text: 'Part' },
    { type: 'error', error: new GatewayError('upstream_error', 'upstream answered HTTP 500') },
  ],
  'early-error': [{ type: 'error', error: new GatewayError('rate_limited', 'Rate limit reached') }],
};

const RESPONSE: ChatResponse = {
  id: 'chatcmpl-plain',
  model: 'upstream',
  created: 1_730_000_000,
  content: [{ type: 'text', text: 'Plain answer.' }],
  finishReason: 'stop',
  usage: USAGE,
};

let lastDecoded: ReturnType<typeof decodeOpenAIResponsesRequest> | undefined;

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of request) text += chunk;
  const body = JSON.parse(text) as Record<string, unknown>;
  try {
    lastDecoded = decodeOpenAIResponsesRequest(body);
  } catch (error) {
    const encoded = encodeOpenAIError(error as GatewayError);
    response.writeHead(encoded.status, encoded.headers).end(encoded.body);
    return;
  }
  const model = String(body.model);
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(encodeOpenAIResponsesResponse(RESPONSE, model)));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for await (const frame of encodeOpenAIResponsesStream(fromArray(STREAMS[model]!), { clientModel: model })) response.write(frame);
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

describe('the openai SDK accepts our Responses output', () => {
  it('ResponseStream accumulates reasoning, text and a function call into the final response', async () => {
    const stream = client.responses.stream({
      model: 'full',
      instructions: 'Be brief.',
      input: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }],
    });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('Checking Paris 🌦');
    expect(final.status).toBe('completed');
    expect(final.model).toBe('full');
    expect(final.output_text).toBe('Checking Paris 🌦');
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(final.output[2]).toMatchObject({ call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 20, total_tokens: 50 });
    // The SDK's request body decoded by our decoder.
    expect(lastDecoded?.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(lastDecoded?.tools?.[0]?.name).toBe('get_weather');
  });

  it('a mid-stream failure arrives as response.failed with the error', async () => {
    const events: string[] = [];
    let failed: OpenAI.Responses.Response | undefined;
    const stream = await client.responses.create({ model: 'mid-error', input: 'x', stream: true });
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'response.failed') failed = event.response;
    }
    expect(events.at(-1)).toBe('response.failed');
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toEqual({ code: 'upstream_error', message: 'upstream answered HTTP 500' });
  });

  it('an error before the response was created raises an APIError', async () => {
    const stream = await client.responses.create({ model: 'early-error', input: 'x', stream: true });
    const consume = async (): Promise<void> => {
      for await (const _event of stream) {
        // drain
      }
    };
    const error = await consume().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Rate limit reached');
  });

  it('parses a non-streaming response, with output_text', async () => {
    const response = await client.responses.create({ model: 'plain', input: 'x' });
    expect(response.output_text).toBe('Plain answer.');
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(10);
  });

  it('previous_response_id is rejected as a 400 the SDK raises as BadRequestError', async () => {
    const error = await client.responses.create({ model: 'plain', input: 'x', previous_response_id: 'resp_1' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('previous_response_id');
  });
});
