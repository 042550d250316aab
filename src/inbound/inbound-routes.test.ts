import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.js';
import { openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../../test/support/start-test-gateway.js';

/** Inbound routes end to end against an OpenAI-compatible mock: what reaches the upstream and what the client sees. */
describe('inbound routes', () => {
  let upstream: MockUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-o'] });
    gateway = await startTestGateway({ 'openai-custom': [openAIInstance(upstream.url, 'sk-o')] }, { MODEL_PROVIDER: 'openai-custom' });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, 'x-api-key': TEST_KEY, 'x-goog-api-key': TEST_KEY },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  /** A 400 the gateway answered itself: nothing was sent upstream. */
  async function rejectedLocally(path: string, body: unknown): Promise<Record<string, unknown>> {
    const before = upstream.requests.length;
    const { status, json } = await post(path, body);
    expect(status).toBe(400);
    expect(upstream.requests.length).toBe(before);
    return json;
  }

  it('Anthropic: empty messages is an Anthropic 400 naming messages', async () => {
    const json = await rejectedLocally('/v1/messages', { model: 'm1', max_tokens: 10, messages: [] });
    expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages') } });
  });

  it('Anthropic: max_tokens 0 is a 400', async () => {
    await rejectedLocally('/v1/messages', { model: 'm1', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('Gemini: missing or empty contents is a Gemini 400 naming contents', async () => {
    for (const body of [{}, { contents: [] }]) {
      const json = await rejectedLocally('/v1beta/models/gemini-2.5-flash:generateContent', body);
      expect(json).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents') } });
    }
  });

  it('Gemini: countTokens still counts a request without contents', async () => {
    const { status, json } = await post('/v1beta/models/gemini-2.5-flash:countTokens', {
      generateContentRequest: { model: 'models/gemini-2.5-flash', systemInstruction: { parts: [{ text: 'count the system prompt' }] } },
    });
    expect(status).toBe(200);
    expect(json.totalTokens).toEqual(expect.any(Number));
  });

  it('Gemini: one models/ prefix of the path model is dropped', async () => {
    const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];
    expect((await post('/v1beta/models/models/models/gemini-2.5-flash:generateContent', { contents })).json.modelVersion).toBe('models/gemini-2.5-flash');
    expect((await post('/v1beta/models/gemini-2.5-flash:generateContent', { contents })).json.modelVersion).toBe('gemini-2.5-flash');
  });

  it('Responses: empty input, or only system/developer items, is an OpenAI 400 naming input', async () => {
    for (const input of [[], [{ role: 'system', content: 'Be brief.' }, { role: 'developer', content: 'No tools.' }]]) {
      const json = await rejectedLocally('/v1/responses', { model: 'm1', input });
      expect(json).toMatchObject({ error: { type: 'invalid_request_error', param: 'input' } });
    }
  });

  it('Responses: max_output_tokens below 1 and bodies that are no JSON object are 400s', async () => {
    await rejectedLocally('/v1/responses', { model: 'm1', input: 'hi', max_output_tokens: -1 });
    await rejectedLocally('/v1/responses', '{"model": "m1", "input": ');
    await rejectedLocally('/v1/responses', '[1]');
  });
});
