import { describe, expect, it } from 'vitest';
import type { ChatRequest, ChatResponse } from '../../canonical/index.js';
import { expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIResponsesResponse } from './encode-responses-response.js';

interface Fixture {
  description: string;
  clientModel: string;
  canonical: ChatResponse;
  wire: unknown;
}

describe('encodeOpenAIResponsesResponse golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai-responses/encode-response')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      const actual = encodeOpenAIResponsesResponse(testCase.fixture.canonical, testCase.fixture.clientModel);
      expectGolden(testCase, 'wire', actual, (a, b) => expect(a).toEqual(b));
    });
  }
});

describe('encodeOpenAIResponsesResponse: the request settings the response repeats', () => {
  const response: ChatResponse = {
    id: 'chatcmpl-1',
    model: 'gpt-4o',
    created: 1,
    content: [{ type: 'text', text: 'hi' }],
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1 },
  };

  it('repeats instructions, tools, tool_choice, parallel_tool_calls, temperature and top_p', () => {
    const request: ChatRequest = {
      model: 'gpt-4o',
      stream: false,
      system: [{ type: 'text', text: 'Be terse.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'get_weather', description: 'Weather now', inputSchema: { type: 'object', properties: {} }, strict: true }],
      toolChoice: { type: 'tool', name: 'get_weather' },
      parallelToolCalls: false,
      temperature: 0.2,
      topP: 0.9,
    };
    expect(encodeOpenAIResponsesResponse(response, 'gpt-4o', request)).toMatchObject({
      instructions: 'Be terse.',
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: {} }, strict: true }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      temperature: 0.2,
      top_p: 0.9,
    });
  });

  it('gives the API defaults for what the request left out', () => {
    const request: ChatRequest = { model: 'gpt-4o', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], toolChoice: { type: 'required' } };
    expect(encodeOpenAIResponsesResponse(response, 'gpt-4o', request)).toMatchObject({
      instructions: null,
      tools: [],
      tool_choice: 'required',
      parallel_tool_calls: true,
      temperature: null,
      top_p: null,
    });
  });
});
