import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/anthropic/fixture-io.js';
import { decodeAnthropicCountTokensRequest } from './decode-count-tokens-request.js';
import { decodeAnthropicMessagesRequest } from './decode-messages-request.js';

interface DecodeFixture {
  description: string;
  wire: unknown;
  canonical: ChatRequest | null;
}

describe('decodeAnthropicMessagesRequest: golden fixtures (wire → canonical)', () => {
  const fixtures = readFixtures<DecodeFixture>('anthropic/decode-request');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = decodeAnthropicMessagesRequest(fixture.data.wire);
      expect(actual).toEqual(expected(fixture, 'canonical', actual));
    });
  }
});

function rejection(body: unknown): GatewayError {
  try {
    decodeAnthropicMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

const base = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

describe('decodeAnthropicMessagesRequest: validation names the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', [], 'body'],
    ['missing model', { ...base, model: undefined }, 'model'],
    ['missing max_tokens', { ...base, max_tokens: undefined }, 'max_tokens'],
    ['fractional max_tokens', { ...base, max_tokens: 1.5 }, 'max_tokens'],
    ['messages not an array', { ...base, messages: {} }, 'messages'],
    ['bad role', { ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    ['bad block type', { ...base, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'messages[0].content[0].type'],
    ['text not a string', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 1 }] }] }, 'messages[0].content[0].text'],
    [
      'image without data',
      { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }] }] },
      'messages[0].content[0].source.data',
    ],
    [
      'tool_use in a user turn',
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] },
      'messages[0].content[0].type',
    ],
    [
      'tool_use input not an object',
      { ...base, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: [1] }] }] },
      'messages[1].content[0].input',
    ],
    [
      'tool_result without id',
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      'messages[0].content[0].tool_use_id',
    ],
    ['temperature not a number', { ...base, temperature: '0.5' }, 'temperature'],
    ['stop_sequences not strings', { ...base, stop_sequences: ['a', 2] }, 'stop_sequences[1]'],
    ['tool without schema', { ...base, tools: [{ name: 'x' }] }, 'tools[0].input_schema'],
    ['server tool', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    ['bad tool_choice', { ...base, tool_choice: { type: 'sometimes' } }, 'tool_choice.type'],
    ['tool_choice tool without name', { ...base, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
    ['thinking without budget', { ...base, thinking: { type: 'enabled' } }, 'thinking.budget_tokens'],
    ['bad thinking type', { ...base, thinking: { type: 'maybe' } }, 'thinking.type'],
    ['system block not text', { ...base, system: [{ type: 'image' }] }, 'system[0].type'],
    ['metadata not an object', { ...base, metadata: 'x' }, 'metadata'],
    ['stream not boolean', { ...base, stream: 'yes' }, 'stream'],
  ];
  for (const [name, body, param] of cases) {
    it(name, () => {
      const error = rejection(body);
      expect(error.code).toBe('invalid_request');
      expect(error.status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toContain(param);
    });
  }
});

describe('decodeAnthropicCountTokensRequest', () => {
  it('accepts a body without max_tokens and never streams', () => {
    const request = decodeAnthropicCountTokensRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(request.maxOutputTokens).toBeUndefined();
    expect(request.stream).toBe(false);
  });
});

describe('decodeAnthropicMessagesRequest: empty conversations and token limits', () => {
  it('rejects empty messages naming messages', () => {
    expect(rejection({ ...base, messages: [] })).toMatchObject({ code: 'invalid_request', status: 400, param: 'messages' });
  });

  it('rejects max_tokens below 1 naming max_tokens', () => {
    expect(rejection({ ...base, max_tokens: 0 })).toMatchObject({ status: 400, param: 'max_tokens', message: expect.stringContaining('>= 1') });
  });
});
