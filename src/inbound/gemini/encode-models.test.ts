import { describe, expect, it } from 'vitest';
import { encodeGeminiCountTokens } from './encode-count-tokens.js';
import { encodeGeminiModel, encodeGeminiModels } from './encode-models.js';

describe('encodeGeminiModels', () => {
  it('prefixes names with models/ and advertises generateContent', () => {
    expect(encodeGeminiModels(['gemini-2.5-flash', { id: 'models/x', displayName: 'X', outputTokenLimit: 8192 }])).toEqual({
      models: [
        { name: 'models/gemini-2.5-flash', version: '001', displayName: 'gemini-2.5-flash', supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'] },
        { name: 'models/x', version: '001', displayName: 'X', outputTokenLimit: 8192, supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'] },
      ],
    });
    expect(encodeGeminiModel('a').name).toBe('models/a');
  });
});

describe('encodeGeminiCountTokens', () => {
  it('answers {totalTokens}', () => {
    expect(encodeGeminiCountTokens(31.2)).toEqual({ totalTokens: 31 });
    expect(encodeGeminiCountTokens(40, 10)).toEqual({ totalTokens: 40, cachedContentTokenCount: 10 });
  });
});
