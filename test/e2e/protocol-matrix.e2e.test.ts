import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { claudeInstance, openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

const weatherTool = { name: 'get_weather', description: 'Weather by city', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe.each([
  { upstreamPool: 'openai-custom', label: 'OpenAI upstream' },
  { upstreamPool: 'claude-custom', label: 'Anthropic upstream' },
])('clients through poolgate to an $label', ({ upstreamPool }) => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-o', 'sk-ant'], streamChunks: 5 });
    gateway = await startTestGateway(
      { 'openai-custom': [openAIInstance(upstream.url, 'sk-o')], 'claude-custom': [claudeInstance(upstream.url, 'sk-ant')] },
      { MODEL_PROVIDER: upstreamPool },
    );
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const upstreamKey = upstreamPool === 'openai-custom' ? 'sk-o' : 'sk-ant';

  it('OpenAI client: text, non-stream and stream', async () => {
    const before = upstream.countFor(upstreamKey);
    const completion = await openai.chat.completions.create({ model: 'm1', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'héllo 世界' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from mock! You said: héllo 世界');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const stream = await openai.chat.completions.create({ model: 'm1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: '[multibyte]' }] });
    let text = '';
    let usage = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage += chunk.usage?.completion_tokens ?? 0;
    }
    expect(text).toContain('你好');
    expect(text).not.toContain('\uFFFD');
    expect(usage).toBeGreaterThan(0);
    expect(upstream.countFor(upstreamKey) - before).toBe(2);
  });

  it('OpenAI client: a full tool round trip', async () => {
    const tools = [{ type: 'function' as const, function: { name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.schema } }];
    const first = await openai.chat.completions.create({ model: 'm1', tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args = call?.type === 'function' ? call.function.arguments : '';
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    const final = await openai.chat.completions.create({
      model: 'm1',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call!.id, type: 'function', function: { name: 'get_weather', arguments: args } }] },
        { role: 'tool', tool_call_id: call!.id, content: 'sunny, 21C' },
      ],
    });
    expect(final.choices[0]?.message.content).toBe('Tool said: sunny, 21C');
  });

  it('OpenAI Responses client: text, non-stream and stream', async () => {
    const response = await openai.responses.create({ model: 'm1', instructions: 'Be brief.', input: 'good morning' });
    expect(response.output_text).toBe('Hello from mock! You said: good morning');
    expect(response.status).toBe('completed');
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    const stream = await openai.responses.create({ model: 'm1', input: [{ role: 'user', content: '[multibyte]' }], stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toContain('你好');
    expect(text).not.toContain('\uFFFD');
  });

  it('OpenAI Responses client: a function call round trip', async () => {
    const tools = [{ type: 'function' as const, name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.schema, strict: false }];
    const first = await openai.responses.create({ model: 'm1', tools, input: 'Weather?' });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
    if (call?.type !== 'function_call') throw new Error('no function call');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    const final = await openai.responses.create({
      model: 'm1',
      tools,
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: 'foggy' },
      ],
    });
    expect(final.output_text).toBe('Tool said: foggy');
  });

  it('Anthropic client: text, non-stream and stream with the full event sequence', async () => {
    const message = await anthropic.messages.create({ model: 'claude-x', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hi there' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from mock! You said: hi there' });
    expect(message.stop_reason).toBe('end_turn');
    const events: string[] = [];
    const stream = anthropic.messages.stream({ model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: '[multibyte]' }] });
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    const text = final.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text).toContain('🌍');
    expect(text).not.toContain('\uFFFD');
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_start');
    expect(events).toContain('message_delta');
    expect(events.at(-1)).toBe('message_stop');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('Anthropic client: a full tool round trip, streamed', async () => {
    const tools = [{ name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.schema as Anthropic.Tool.InputSchema }];
    const first = await anthropic.messages.stream({ model: 'claude-x', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    const final = await anthropic.messages.create({
      model: 'claude-x',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as Anthropic.ToolUseBlock).id, content: 'rainy' }] },
      ],
    });
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Tool said: rainy' });
  });

  it('Anthropic client: errors arrive in Anthropic shape', async () => {
    const error = await anthropic.messages.create({ model: 'claude-x', max_tokens: 10, messages: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const wrongKey = new Anthropic({ baseURL: gateway.url, apiKey: 'nope', maxRetries: 0 });
    await expect(wrongKey.messages.create({ model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('Anthropic client: count_tokens and models in Anthropic shape', async () => {
    const count = await anthropic.messages.countTokens({ model: 'claude-x', messages: [{ role: 'user', content: 'count these words please' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await anthropic.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    expect(models.data[0]?.type).toBe('model');
  });
});

describe.each([
  { upstreamPool: 'openai-custom', label: 'OpenAI upstream' },
  { upstreamPool: 'claude-custom', label: 'Anthropic upstream' },
])('the Gemini SDK through poolgate to an $label', ({ upstreamPool }) => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let genai: GoogleGenAI;

  beforeAll(async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-o', 'sk-ant'], streamChunks: 5 });
    gateway = await startTestGateway(
      { 'openai-custom': [openAIInstance(upstream.url, 'sk-o')], 'claude-custom': [claudeInstance(upstream.url, 'sk-ant')] },
      { MODEL_PROVIDER: upstreamPool },
    );
    genai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gateway.url } });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('generates and streams text', async () => {
    const response = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'bonjour', config: { systemInstruction: 'Be brief.' } });
    expect(response.text).toBe('Hello from mock! You said: bonjour');
    expect(response.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
    let text = '';
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: '[multibyte]' })) text += chunk.text ?? '';
    expect(text).toContain('你好');
    expect(text).not.toContain('\uFFFD');
  });

  it('carries a function call round trip (Gemini has no call ids)', async () => {
    const tools = [{ functionDeclarations: [{ name: weatherTool.name, description: weatherTool.description, parametersJsonSchema: weatherTool.schema }] }];
    const first = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Weather?', config: { tools } });
    const call = first.functionCalls?.[0];
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    const final = await genai.models.generateContent({
      model: 'gemini-2.5-flash',
      config: { tools },
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: 'windy' } } }] },
      ],
    });
    expect(final.text).toContain('Tool said:');
    expect(final.text).toContain('windy');
  });

  it('counts tokens, lists models and reports errors as google.rpc.Status', async () => {
    const count = await genai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'count me' });
    expect(count.totalTokens).toBeGreaterThan(0);
    const models = await genai.models.list();
    const ids: string[] = [];
    for await (const model of models) ids.push(model.name ?? '');
    expect(ids.length).toBeGreaterThan(0);
    const wrong = new GoogleGenAI({ apiKey: 'nope', httpOptions: { baseUrl: gateway.url } });
    await expect(wrong.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })).rejects.toMatchObject({ status: 401 });
  });
});
