import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { bareModelId, encodeCodeAssistCountTokensProbe, encodeCodeAssistRequest } from './encode-code-assist-request.js';

const request: ChatRequest = {
  model: 'models/gemini-2.5-pro',
  system: [{ type: 'text', text: 'Be brief.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  maxOutputTokens: 100,
  stream: false,
};

describe('encodeCodeAssistRequest', () => {
  it('wraps the Gemini request as {model, project, request} with a bare model id', () => {
    expect(encodeCodeAssistRequest(request, 'proj-1')).toEqual({
      model: 'gemini-2.5-pro',
      project: 'proj-1',
      request: {
        contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        generationConfig: { maxOutputTokens: 100 },
      },
    });
  });
  it('omits the project when none is known', () => {
    expect(encodeCodeAssistRequest({ ...request, model: 'gemini-2.5-flash' }, undefined)).not.toHaveProperty('project');
  });
  it('countTokens keeps the models/ prefix inside request', () => {
    expect(encodeCodeAssistCountTokensProbe('gemini-2.5-flash')).toEqual({ request: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'ping' }] }] } });
    expect(bareModelId('models/x')).toBe('x');
    expect(bareModelId('x')).toBe('x');
  });
});
