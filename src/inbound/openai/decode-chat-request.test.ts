import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { errorToJson, expectGolden, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIChatRequest } from './decode-chat-request.js';

interface Fixture {
  description: string;
  wire: unknown;
  canonical?: unknown;
  error?: unknown;
}

describe('decodeOpenAIChatRequest golden fixtures', () => {
  for (const testCase of readGoldenCases<Fixture>('openai/decode-chat-request')) {
    it(`${testCase.name}: ${testCase.fixture.description}`, () => {
      if (testCase.name.startsWith('error-')) {
        let thrown: unknown;
        try {
          decodeOpenAIChatRequest(testCase.fixture.wire);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(GatewayError);
        expectGolden(testCase, 'error', errorToJson(thrown), (a, b) => expect(a).toEqual(b));
      } else {
        const actual = decodeOpenAIChatRequest(testCase.fixture.wire);
        expectGolden(testCase, 'canonical', actual, (a, b) => expect(a).toEqual(b));
      }
    });
  }
});

describe('decodeOpenAIChatRequest', () => {
  it('rejects a body that is not an object', () => {
    for (const body of [null, [], 'text', 3]) {
      expect(() => decodeOpenAIChatRequest(body)).toThrow(/JSON object/);
    }
  });

  it('names nested fields in the error and sets param', () => {
    try {
      decodeOpenAIChatRequest({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 7 } }] }],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      const gatewayError = error as GatewayError;
      expect(gatewayError.code).toBe('invalid_request');
      expect(gatewayError.status).toBe(400);
      expect(gatewayError.param).toBe('messages[0].content[0].image_url.url');
      expect(gatewayError.message).toContain("'messages[0].content[0].image_url.url'");
    }
  });

  it('keeps a huge base64 image intact without copying it through a regex', () => {
    const data = 'A'.repeat(8 * 1024 * 1024);
    const request = decodeOpenAIChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${data}` } }] }],
    });
    const part = request.messages[0]!.content[0]!;
    expect(part).toMatchObject({ type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg' } });
    expect((part as { source: { data: string } }).source.data.length).toBe(data.length);
  });

  it('ignores stream_options when not streaming', () => {
    const request = decodeOpenAIChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream_options: { include_usage: true },
    });
    expect(request.stream).toBe(false);
    expect(request.includeUsage).toBeUndefined();
  });

  it('decodes a typical request quickly (hot path)', () => {
    const body = {
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      messages: Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? { role: 'user', content: `question ${i}` } : { role: 'assistant', content: `answer ${i}` },
      ),
    };
    const start = performance.now();
    for (let i = 0; i < 2000; i++) decodeOpenAIChatRequest(body);
    const perCallMs = (performance.now() - start) / 2000;
    expect(perCallMs).toBeLessThan(0.5);
  });
});

describe('decodeOpenAIChatRequest: token limits', () => {
  const messages = [{ role: 'user', content: 'hi' }];
  it.each([
    ['max_tokens', -5],
    ['max_tokens', 0],
    ['max_completion_tokens', 0],
  ])('rejects %s = %d, naming the field', (field, value) => {
    expect(() => decodeOpenAIChatRequest({ model: 'm', messages, [field]: value })).toThrow(
      expect.objectContaining({ code: 'invalid_request', status: 400, param: field, message: expect.stringContaining('>= 1') }),
    );
  });

  it('accepts 1', () => {
    expect(decodeOpenAIChatRequest({ model: 'm', messages, max_tokens: 1 }).maxOutputTokens).toBe(1);
  });
});
