import { describe, expect, it } from 'vitest';
import { encodeOpenAIModel, encodeOpenAIModels } from './encode-models.js';

describe('encodeOpenAIModels', () => {
  it('lists models in the OpenAI list shape, in order', () => {
    expect(encodeOpenAIModels(['gpt-4o', 'claude-sonnet-4-5'])).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-4o', object: 'model', created: 0, owned_by: 'poolgate' },
        { id: 'claude-sonnet-4-5', object: 'model', created: 0, owned_by: 'poolgate' },
      ],
    });
  });

  it('an empty pool is an empty list', () => {
    expect(encodeOpenAIModels([])).toEqual({ object: 'list', data: [] });
  });

  it('one model is one element of data', () => {
    expect(encodeOpenAIModel('m')).toEqual(encodeOpenAIModels(['m']).data[0]);
  });
});
