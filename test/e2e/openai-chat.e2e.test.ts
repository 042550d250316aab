import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

describe('OpenAI Chat Completions through poolgate (openai SDK)', () => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-a', 'sk-b'], streamChunks: 8 });
    gateway = await startTestGateway({ 'openai-custom': [openAIInstance(upstream.url, 'sk-a'), openAIInstance(upstream.url, 'sk-b')] });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('answers a non-streaming completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Bonjour' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: Bonjour');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams, ending with [DONE], with the usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'stream please' }],
    });
    let text = '';
    let usageChunks = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usageChunks++;
    }
    expect(text).toBe('Hello from mock! You said: stream please');
    expect(finish).toBe('stop');
    expect(usageChunks).toBe(1);
  });

  it('keeps multi-byte characters intact when the upstream splits them across reads', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: '[multibyte]' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).not.toContain('\uFFFD');
    expect(text).toContain('你好');
    expect(text).toContain('🌍');
  });

  it('carries tool calls both ways (call, result, final answer)', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, tools, messages: [{ role: 'user', content: 'Weather?' }] });
    let args = '';
    let id = '';
    let name = '';
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.id) id = call.id;
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    const final = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
        { role: 'tool', tool_call_id: id, content: 'sunny' },
      ],
    });
    expect(final.choices[0]?.message.content).toBe('Tool said: sunny');
  });

  it('accepts the key as Bearer, x-api-key, x-goog-api-key and ?key=, and rejects a wrong one', async () => {
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const post = (headers: Record<string, string>, query = '') =>
      fetch(`${gateway.url}/v1/chat/completions${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({ 'x-api-key': TEST_KEY })).status).toBe(200);
    expect((await post({ 'x-goog-api-key': TEST_KEY })).status).toBe(200);
    expect((await post({}, `?key=${TEST_KEY}`)).status).toBe(200);
    const denied = await post({ authorization: 'Bearer nope' });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const bad = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('reports bad input in OpenAI shape with a 400', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: '{"model": "m", "messages": ',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/not valid JSON/);
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({ status: 400 });
  });

  it('lists models and reports health', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', pools: [{ pool: 'openai-custom', instances: 2 }] });
  });

  it('returns an unknown route as a 404 in OpenAI shape', async () => {
    const response = await fetch(`${gateway.url}/v1/nope`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('/v1/nope') } });
  });

  it('answers a pool prefix with broken percent-encoding with a 404 and keeps serving', async () => {
    const response = await fetch(`${gateway.url}/%E0%A4/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('no served pool named "%E0%A4"') } });
    const after = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
    expect(after.choices[0]?.message.content).toBeTruthy();
  });

  it('also rejects a Gemini model path with broken percent-encoding as a 400', async () => {
    const response = await fetch(`${gateway.url}/v1beta/models/gem%zz:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('percent-encoding') } });
  });

  it('answers an unknown path in the shape of the protocol the client speaks', async () => {
    const gemini = await fetch(`${gateway.url}/v1beta/models/gemini-2.5-pro`, { headers: { 'x-goog-api-key': TEST_KEY } });
    expect(gemini.status).toBe(404);
    expect(await gemini.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const anthropic = await fetch(`${gateway.url}/v1/models/claude-sonnet-4`, { headers: { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' } });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});
