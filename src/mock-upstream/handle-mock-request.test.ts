import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from './mock-upstream-types.js';
import { startMockUpstream } from './start-mock-upstream.js';

describe('request pipeline: routing, validation, auth', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  const anthropicHeaders = { 'x-api-key': 'any', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };

  it('answers an unknown path with 404 in the OpenAI shape', async () => {
    for (const [method, path] of [['GET', '/v1/nope'], ['POST', '/v1/responses'], ['GET', '/v1/chat/completions'], ['DELETE', '/v1/models']] as const) {
      const response = await fetch(`${mock.url}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { message: expect.stringContaining(path), type: 'invalid_request_error', param: null, code: 'unknown_url' },
      });
    }
  });

  it('answers invalid JSON with 400 in the shape of the endpoint', async () => {
    const openai = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{nope' });
    expect(openai.status).toBe(400);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const anthropic = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders, body: '{nope' });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const count = await fetch(`${mock.url}/v1/messages/count_tokens`, { method: 'POST', headers: anthropicHeaders, body: '[' });
    expect(count.status).toBe(400);
  });

  it('accepts any key, or none, when apiKeys is omitted', async () => {
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'anon' }] }),
    });
    expect(response.status).toBe(200);
    expect(mock.requests.at(-1)?.apiKey).toBeUndefined();
  });

  it('serves /v1/models in the Anthropic shape only for Anthropic-looking requests', async () => {
    const openai = (await (await fetch(`${mock.url}/v1/models`, { headers: { authorization: 'Bearer x' } })).json()) as { object: string };
    expect(openai.object).toBe('list');
    const anthropic = (await (await fetch(`${mock.url}/v1/models?limit=5`, { headers: anthropicHeaders })).json()) as { has_more: boolean };
    expect(anthropic.has_more).toBe(false);
    expect(mock.requests.at(-1)?.path).toBe('/v1/models');
  });

  it('takes an Anthropic key from Authorization: Bearer when x-api-key is absent', async () => {
    const keyed = await startMockUpstream({ apiKeys: ['tok'] });
    try {
      const response = await fetch(`${keyed.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.status).toBe(200);
      const missing = await fetch(`${keyed.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
      expect(missing.status).toBe(401);
      expect(keyed.countFor('tok')).toBe(1);
      expect(keyed.countFor('')).toBe(1);
    } finally {
      await keyed.close();
    }
  });

  it('answers the Anthropic probe stream with one text delta and max_tokens', async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST', headers: anthropicHeaders,
      body: JSON.stringify({ model: 'm', max_tokens: 1, stream: true, messages: [{ role: 'user', content: 'long question here' }] }),
    });
    const text = await response.text();
    expect(text.match(/"type":"text_delta"/g)).toHaveLength(1);
    expect(text).toContain('"stop_reason":"max_tokens"');
  });
});
