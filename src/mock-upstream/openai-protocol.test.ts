import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from './mock-upstream-types.js';
import { MULTIBYTE_REPLY } from './plan-reply.js';
import { startMockUpstream } from './start-mock-upstream.js';

const WEATHER_TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('mock upstream, OpenAI side (real openai SDK)', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream({ apiKeys: ['sk-good'], streamChunks: 5 });
    client = new OpenAI({ apiKey: 'sk-good', baseURL: `${mock.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers a non-stream chat completion with the echo reply, usage and x-request-id', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'ping pong' }] })
      .withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^req_mock/);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe('gpt-4o');
    expect(data.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello from mock! You said: ping pong' });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 });
  });

  it('gives every response its own id, also when the reply comes from the cache', async () => {
    const request = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'same' }] };
    const a = await client.chat.completions.create(request);
    const b = await client.chat.completions.create(request);
    expect(a.id).not.toBe(b.id);
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
  });

  it('streams the reply in streamChunks pieces with one id/created, role first, finish last', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hello there' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(new Set(chunks.map((c) => c.created)).size).toBe(1);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const contents = chunks.map((c) => c.choices[0]?.delta.content).filter((c) => c);
    expect(contents).toHaveLength(5);
    expect(contents.join('')).toBe('Hello from mock! You said: hello there');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('adds the choices: [] usage chunk with include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count me' }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('calls the first tool with {"city":"Paris"} (non-stream)', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o', tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    expect(call?.id).toMatch(/^call_/);
  });

  it('calls a tool without a city property with {} and honours a named tool_choice', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [WEATHER_TOOL, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
      tool_choice: { type: 'function', function: { name: 'now' } },
      messages: [{ role: 'user', content: 'time?' }],
    });
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: 'now', arguments: '{}' } });
  });

  it('answers with text when tool_choice is none', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o', tools: [WEATHER_TOOL], tool_choice: 'none', messages: [{ role: 'user', content: 'no tools' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: no tools');
  });

  it('streams tool-call arguments in several deltas', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o', stream: true, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather?' }],
    });
    const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas[0]?.id).toMatch(/^call_/);
    const argumentDeltas = deltas.slice(1).map((d) => d.function?.arguments);
    expect(argumentDeltas.length).toBeGreaterThan(1);
    expect(argumentDeltas.join('')).toBe('{"city":"Paris"}');
    expect(finish).toBe('tool_calls');
  });

  it('answers a tool result with "Tool said: ..."', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C, sunny' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Tool said: 18°C, sunny');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('adds reasoning_content (DeepSeek style) when reasoning_effort is set, streamed before the content', async () => {
    const completion = await client.chat.completions.create({
      model: 'o-mock', reasoning_effort: 'low', messages: [{ role: 'user', content: 'think' }],
    });
    const message = completion.choices[0]?.message as unknown as { reasoning_content: string; content: string };
    expect(message.reasoning_content).toBe('Mock reasoning about: think');
    expect(message.content).toBe('Hello from mock! You said: think');
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: 'o-mock', stream: true, reasoning_effort: 'low', messages: [{ role: 'user', content: 'think' }],
    });
    const order: string[] = [];
    let reasoning = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string | null } | undefined;
      if (delta?.reasoning_content) {
        reasoning += delta.reasoning_content;
        order.push('r');
      } else if (delta?.content) order.push('c');
    }
    expect(reasoning).toBe('Mock reasoning about: think');
    expect(order.join('')).toMatch(/^r+c+$/);
  });

  it('answers a max_tokens: 1 probe with one token and finish_reason length', async () => {
    for (const limit of [{ max_tokens: 1 }, { max_completion_tokens: 1 }]) {
      const completion = await client.chat.completions.create({ model: 'gpt-4o', ...limit, messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]?.finish_reason).toBe('length');
      expect(completion.usage?.completion_tokens).toBe(1);
    }
    const stream = await client.chat.completions.create({ model: 'gpt-4o', max_tokens: 1, stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const finishes: (string | null | undefined)[] = [];
    for await (const chunk of stream) finishes.push(chunk.choices[0]?.finish_reason);
    expect(finishes.at(-1)).toBe('length');
  });

  it('replies with multi-byte text for the [multibyte] marker', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'give me [multibyte] please' }] });
    expect(completion.choices[0]?.message.content).toBe(MULTIBYTE_REPLY);
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: '[multibyte]' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(MULTIBYTE_REPLY);
  });

  it('lists models and looks one up', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
    expect((await client.models.retrieve('gpt-4o')).object).toBe('model');
    await expect(client.models.retrieve('nope')).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('rejects an unknown key with 401 invalid_api_key', async () => {
    const bad = new OpenAI({ apiKey: 'sk-bad', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const error = await bad.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error' });
  });

  it('rejects a request without messages with 400 invalid_request_error', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error' });
  });

  it('records what it received', async () => {
    mock.resetRecords();
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'rec' }] });
    const [record] = mock.requests;
    expect(record).toMatchObject({ method: 'POST', path: '/v1/chat/completions', apiKey: 'sk-good', body: { model: 'gpt-4o' } });
    expect(record?.headers.authorization).toBe('Bearer sk-good');
    expect(mock.countFor('sk-good')).toBe(1);
  });
});
