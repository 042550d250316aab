import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { estimateInputTokens } from './count-tokens-estimate.js';

const request = (text: string): ChatRequest => ({ model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text }] }] });

describe('estimateInputTokens (a local estimate, not a tokenizer)', () => {
  it('counts about 4 ASCII characters per token', () => {
    const tokens = estimateInputTokens(request('a'.repeat(400)));
    expect(tokens).toBeGreaterThanOrEqual(100);
    expect(tokens).toBeLessThan(110);
  });

  it('counts a CJK character or an emoji as about one token', () => {
    expect(estimateInputTokens(request('世界'.repeat(50)))).toBeGreaterThanOrEqual(100);
    expect(estimateInputTokens(request('👋'))).toBeLessThan(estimateInputTokens(request('👋👋')));
  });

  it('grows with system, tools and images', () => {
    const plain = estimateInputTokens(request('hi'));
    const rich = estimateInputTokens({
      ...request('hi'),
      system: [{ type: 'text', text: 'Be brief.' }],
      tools: [{ name: 'get_weather', description: 'Weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] }],
    });
    expect(rich).toBeGreaterThan(plain + 1000);
  });
});
