import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '../../canonical/index.js';
import { expected, readFixtures } from '../../../test/fixtures/gemini/fixture-io.js';
import { decodeGeminiCountTokensRequest } from './decode-count-tokens-request.js';
import { decodeGeminiRequest } from './decode-generate-content-request.js';

interface DecodeFixture {
  description: string;
  modelFromPath: string;
  stream: boolean;
  wire: unknown;
  canonical: ChatRequest | null;
}

describe('decodeGeminiRequest: golden fixtures (wire → canonical)', () => {
  const fixtures = readFixtures<DecodeFixture>('gemini/decode-request');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, () => {
      const actual = decodeGeminiRequest(fixture.data.wire, fixture.data.modelFromPath, fixture.data.stream);
      expect(actual).toEqual(expected(fixture, 'canonical', actual));
    });
  }
});

describe('decodeGeminiRequest: tool-call id synthesis', () => {
  const body = {
    contents: [
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: [{ functionCall: { name: 'a', args: {} } }, { functionCall: { name: 'a', args: { n: 2 } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'a', response: { output: '1' } } }, { functionResponse: { name: 'a', response: { output: '2' } } }] },
    ],
  };

  it('is deterministic across requests that repeat the history', () => {
    expect(decodeGeminiRequest(body, 'm', false)).toEqual(decodeGeminiRequest(structuredClone(body), 'm', false));
  });

  it('pairs each response with its call (same name → same order)', () => {
    const request = decodeGeminiRequest(body, 'm', false);
    const calls = request.messages[1]!.content.map((part) => (part.type === 'tool-call' ? part.id : ''));
    const results = request.messages[2]!.content.map((part) => (part.type === 'tool-result' ? part.toolCallId : ''));
    expect(new Set(calls).size).toBe(2);
    expect(results).toEqual(calls);
  });

  it('keeps a client-given call id', () => {
    const withIds = structuredClone(body);
    (withIds.contents[1]!.parts[0] as { functionCall: { id?: string } }).functionCall.id = 'call_client';
    const request = decodeGeminiRequest(withIds, 'm', false);
    expect(request.messages[1]!.content[0]).toMatchObject({ id: 'call_client' });
    expect(request.messages[2]!.content[0]).toMatchObject({ toolCallId: 'call_client' });
  });
});

function rejection(body: unknown): GatewayError {
  try {
    decodeGeminiRequest(body, 'models/gemini-2.5-flash', false);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeGeminiRequest: validation names the field', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'x', 'body'],
    ['contents not an array', { contents: {} }, 'contents'],
    ['bad role', { contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'contents[0].role'],
    ['unknown part', { contents: [{ role: 'user', parts: [{ executableCode: {} }] }] }, 'contents[0].parts[0]'],
    ['inlineData without data', { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png' } }] }] }, 'contents[0].parts[0].inlineData.data'],
    ['call in a user turn', { contents: [{ role: 'user', parts: [{ functionCall: { name: 'a' } }] }] }, 'contents[0].parts[0].functionCall'],
    ['call args not an object', { contents: [{ role: 'model', parts: [{ functionCall: { name: 'a', args: 'x' } }] }] }, 'contents[0].parts[0].functionCall.args'],
    ['declaration without name', { contents: [], tools: [{ functionDeclarations: [{}] }] }, 'tools[0].functionDeclarations[0].name'],
    ['bad calling mode', { contents: [], toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } }, 'toolConfig.functionCallingConfig.mode'],
    ['temperature not a number', { contents: [], generationConfig: { temperature: 'hot' } }, 'generationConfig.temperature'],
    ['system part not text', { contents: [], systemInstruction: { parts: [{ inlineData: {} }] } }, 'systemInstruction.parts[0].text'],
  ];
  for (const [name, body, param] of cases) {
    it(name, () => {
      const error = rejection(body);
      expect(error).toMatchObject({ code: 'invalid_request', status: 400, param });
    });
  }
});

describe('decodeGeminiCountTokensRequest', () => {
  it('accepts bare contents', () => {
    const request = decodeGeminiCountTokensRequest({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, 'models/gemini-2.5-flash');
    expect(request).toMatchObject({ model: 'gemini-2.5-flash', stream: false, messages: [{ role: 'user' }] });
  });

  it('accepts a whole generateContentRequest (system and tools are counted)', () => {
    const request = decodeGeminiCountTokensRequest(
      { generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [], systemInstruction: { parts: [{ text: 's' }] } } },
      'models/gemini-2.5-flash',
    );
    expect(request.system).toEqual([{ type: 'text', text: 's' }]);
    expect(request.extensions).toBeUndefined();
  });
});

describe('decodeGeminiRequest: empty conversations', () => {
  it.each([['missing', {}], ['empty', { contents: [] }]])('rejects %s contents naming contents', (_name, body) => {
    expect(rejection(body)).toMatchObject({ code: 'invalid_request', status: 400, param: 'contents' });
  });

  it('countTokens still accepts a request without contents', () => {
    expect(decodeGeminiCountTokensRequest({}, 'models/gemini-2.5-flash').messages).toEqual([]);
  });
});
