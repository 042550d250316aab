import { describe, expect, it } from 'vitest';
import { encodeAnthropicCountTokens } from './encode-count-tokens.js';
import { encodeAnthropicModel, encodeAnthropicModels } from './encode-models.js';

describe('encodeAnthropicModels', () => {
  it('lists models in one page with first/last ids', () => {
    expect(encodeAnthropicModels(['claude-a', { id: 'claude-b', displayName: 'Claude B', createdAt: '2025-09-29T00:00:00Z' }])).toEqual({
      data: [
        { type: 'model', id: 'claude-a', display_name: 'claude-a', created_at: '1970-01-01T00:00:00Z' },
        { type: 'model', id: 'claude-b', display_name: 'Claude B', created_at: '2025-09-29T00:00:00Z' },
      ],
      has_more: false,
      first_id: 'claude-a',
      last_id: 'claude-b',
    });
  });

  it('handles an empty list', () => {
    expect(encodeAnthropicModels([])).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
  });

  it('encodes one model for GET /v1/models/{id}', () => {
    expect(encodeAnthropicModel('x').type).toBe('model');
  });
});

describe('encodeAnthropicCountTokens', () => {
  it('answers {input_tokens} as a whole non-negative number', () => {
    expect(encodeAnthropicCountTokens(12.4)).toEqual({ input_tokens: 12 });
    expect(encodeAnthropicCountTokens(-3)).toEqual({ input_tokens: 0 });
  });
});
