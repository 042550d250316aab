import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from './mock-upstream-types.js';
import { MULTIBYTE_REPLY, SIGNATURE } from './plan-reply.js';
import { startMockUpstream } from './start-mock-upstream.js';

const WEATHER_TOOL: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather by city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('mock upstream, Anthropic side (real @anthropic-ai/sdk)', () => {
  let mock: MockUpstream;
  let client: Anthropic;

  beforeAll(async () => {
    mock = await startMockUpstream({ apiKeys: ['ak-good'], streamChunks: 4 });
    client = new Anthropic({ apiKey: 'ak-good', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a non-stream message with the echo reply, usage and request-id', async () => {
    const { data, response } = await client.messages
      .create({ model: 'claude-mock', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'ping pong' }] })
      .withResponse();
    expect(response.headers.get('request-id')).toMatch(/^req_mock/);
    expect(data).toMatchObject({
      type: 'message', role: 'assistant', model: 'claude-mock', stop_reason: 'end_turn', stop_sequence: null,
      content: [{ type: 'text', text: 'Hello from mock! You said: ping pong' }],
      usage: { input_tokens: 5, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(data.id).toMatch(/^msg_/);
  });

  it('streams the full event sequence, text in streamChunks deltas', async () => {
    const stream = await client.messages.create({
      model: 'claude-mock', max_tokens: 256, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
    });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'message_start', 'content_block_start',
      'content_block_delta', 'content_block_delta', 'content_block_delta', 'content_block_delta',
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    const text = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [])).join('');
    expect(text).toBe('Hello from mock! You said: hello there');
    const delta = events.find((e) => e.type === 'message_delta');
    expect(delta).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 10 } });
  });

  it('sends a ping after the first content_block_start on the wire', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'ak-good', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const names = [...(await response.text()).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.at(-1)).toBe('message_stop');
  });

  it('puts a signed thinking block first when thinking is enabled (non-stream and stream)', async () => {
    const request = {
      model: 'claude-mock', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: 'ponder' }],
    };
    const message = await client.messages.create(request);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Mock reasoning about: ponder', signature: SIGNATURE },
      { type: 'text', text: 'Hello from mock! You said: ponder' },
    ]);
    const streamed = await client.messages.stream(request).finalMessage();
    expect(streamed.content).toEqual(message.content);

    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of await client.messages.create({ ...request, stream: true })) events.push(event);
    const deltaTypes = events.flatMap((e) => (e.type === 'content_block_delta' ? [`${e.index}:${e.delta.type}`] : []));
    expect(deltaTypes.filter((t) => t === '0:thinking_delta').length).toBeGreaterThan(1);
    expect(deltaTypes.indexOf('0:signature_delta')).toBe(deltaTypes.lastIndexOf('0:thinking_delta') + 1);
    expect(deltaTypes.at(-1)).toBe('1:text_delta');
  });

  it('calls the first tool with {city: "Paris"} (non-stream and stream)', async () => {
    const request = { model: 'claude-mock', max_tokens: 256, tools: [WEATHER_TOOL], messages: [{ role: 'user' as const, content: 'Weather?' }] };
    const message = await client.messages.create(request);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'Paris' } }]);

    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of await client.messages.create({ ...request, stream: true })) events.push(event);
    const fragments = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta' ? [e.delta.partial_json] : []));
    expect(fragments.filter((f) => f !== '').length).toBeGreaterThan(1);
    expect(fragments.join('')).toBe('{"city":"Paris"}');
    const final = await client.messages.stream(request).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(final.stop_reason).toBe('tool_use');
  });

  it('calls a tool without a city property with {} and answers text for tool_choice none', async () => {
    const now: Anthropic.Tool = { name: 'now', input_schema: { type: 'object', properties: {} } };
    const called = await client.messages.create({
      model: 'm', max_tokens: 64, tools: [now, WEATHER_TOOL], messages: [{ role: 'user', content: 'time?' }],
    });
    expect(called.content[0]).toMatchObject({ type: 'tool_use', name: 'now', input: {} });
    const streamed = await client.messages.stream({
      model: 'm', max_tokens: 64, tools: [now], messages: [{ role: 'user', content: 'time?' }],
    }).finalMessage();
    expect(streamed.content[0]).toMatchObject({ type: 'tool_use', name: 'now', input: {} });
    const text = await client.messages.create({
      model: 'm', max_tokens: 64, tools: [now], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'no' }],
    });
    expect(text.content[0]).toMatchObject({ type: 'text' });
  });

  it('answers a tool_result with "Tool said: ..."', async () => {
    const message = await client.messages.create({
      model: 'claude-mock',
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: '18°C, sunny' }] }] },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Tool said: 18°C, sunny' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('answers a max_tokens: 1 probe with stop_reason max_tokens', async () => {
    const message = await client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(1);
  });

  it('replies with multi-byte text for the [multibyte] marker, streamed intact through the SDK', async () => {
    const final = await client.messages.stream({ model: 'm', max_tokens: 64, messages: [{ role: 'user', content: '[multibyte]' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: MULTIBYTE_REPLY }]);
  });

  it('counts tokens consistently with the usage of a reply', async () => {
    const params = { model: 'm', system: 'Be brief.', messages: [{ role: 'user' as const, content: 'ping pong' }] };
    const counted = await client.messages.countTokens(params);
    const message = await client.messages.create({ ...params, max_tokens: 100 });
    expect(counted.input_tokens).toBe(message.usage.input_tokens);
  });

  it('lists models in the Anthropic shape and looks one up', async () => {
    const page = await client.models.list();
    expect(page.data[0]).toMatchObject({ type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5' });
    expect((await client.models.retrieve('claude-haiku-4-5-20251001')).id).toBe('claude-haiku-4-5-20251001');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('rejects an unknown key with 401 authentication_error', async () => {
    const bad = new Anthropic({ apiKey: 'ak-bad', baseURL: mock.url, maxRetries: 0 });
    const error = await bad.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('rejects a request without max_tokens with 400 invalid_request_error', async () => {
    const error = await client.messages.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  it('requires the anthropic-version header', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'ak-good', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('anthropic-version') } });
  });

  it('records the x-api-key as the request key', async () => {
    mock.resetRecords();
    await client.messages.create({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
    expect(mock.requests.at(-1)).toMatchObject({ path: '/v1/messages', apiKey: 'ak-good' });
    expect(mock.requests.at(-1)?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
