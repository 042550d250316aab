import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { claudeInstance, openAIInstance, startTestGateway, TEST_KEY, type TestGateway } from '../support/start-test-gateway.js';

// A 1x1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Every image block the upstream received, in its own format, as {mediaType, data}. */
function upstreamImages(body: unknown): Array<{ mediaType: string; data: string }> {
  const found: Array<{ mediaType: string; data: string }> = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const v = value as Record<string, unknown>;
    if (v.type === 'image' && typeof v.source === 'object' && v.source) {
      const source = v.source as Record<string, string>;
      found.push({ mediaType: source.media_type ?? '', data: source.data ?? '' });
    }
    if (v.type === 'image_url' && typeof v.image_url === 'object' && v.image_url) {
      const match = /^data:([^;]+);base64,(.*)$/.exec((v.image_url as { url: string }).url);
      if (match) found.push({ mediaType: match[1]!, data: match[2]! });
    }
    Object.values(v).forEach(visit);
  };
  visit(body);
  return found;
}

describe.each([
  { upstreamPool: 'openai-custom', key: 'sk-o' },
  { upstreamPool: 'claude-custom', key: 'sk-ant' },
])('images and thinking through poolgate to $upstreamPool', ({ upstreamPool, key }) => {
  let upstream: MockUpstream;
  let gateway: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let genai: GoogleGenAI;
  const lastUpstreamBody = () => upstream.requests.filter((r) => r.apiKey === key).at(-1)?.body;

  beforeAll(async () => {
    upstream = await startMockUpstream({ apiKeys: ['sk-o', 'sk-ant'], streamChunks: 4 });
    gateway = await startTestGateway(
      { 'openai-custom': [openAIInstance(upstream.url, 'sk-o')], 'claude-custom': [claudeInstance(`${upstream.url}/v1`, 'sk-ant')] },
      { MODEL_PROVIDER: upstreamPool },
    );
    openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: TEST_KEY, maxRetries: 0 });
    genai = new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: gateway.url } });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('an OpenAI client image reaches the upstream as a base64 image in its own format', async () => {
    const completion = await openai.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    expect(completion.choices[0]?.message.content).toContain('What is this?');
    expect(upstreamImages(lastUpstreamBody())).toEqual([{ mediaType: 'image/png', data: PNG }]);
  });

  it('an Anthropic client image reaches the upstream intact', async () => {
    await anthropic.messages.create({
      model: 'm',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'text', text: 'Describe' }] }],
    });
    expect(upstreamImages(lastUpstreamBody())).toEqual([{ mediaType: 'image/png', data: PNG }]);
  });

  it('a Gemini client inline image reaches the upstream intact', async () => {
    await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: PNG } }, { text: 'Describe' }] }] });
    expect(upstreamImages(lastUpstreamBody())).toEqual([{ mediaType: 'image/png', data: PNG }]);
  });

  it('an Anthropic client gets thinking back, and its signed thinking travels back unchanged next turn', async () => {
    const first = await anthropic.messages
      .stream({ model: 'm', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think first' }] })
      .finalMessage();
    const thinking = first.content.find((block) => block.type === 'thinking');
    expect(thinking).toBeDefined();
    expect((thinking as Anthropic.ThinkingBlock).thinking).toContain('Mock reasoning about: Think first');
    expect(first.content.some((block) => block.type === 'text')).toBe(true);
    await anthropic.messages.create({
      model: 'm',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Think first' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: 'And now?' },
      ],
    });
    const sent = JSON.stringify(lastUpstreamBody());
    if (upstreamPool === 'claude-custom') {
      // Same protocol: the signature must come back byte for byte or Anthropic rejects the turn.
      expect(sent).toContain((thinking as Anthropic.ThinkingBlock).signature);
    } else {
      expect(sent).toContain('Mock reasoning about: Think first');
    }
  });

  it('an OpenAI client asking for reasoning gets the reasoning text', async () => {
    const completion = await openai.chat.completions.create({ model: 'm', reasoning_effort: 'high', messages: [{ role: 'user', content: 'Reason' }] });
    const message = completion.choices[0]?.message as { content: string | null; reasoning_content?: string };
    expect(message.content).toContain('Reason');
    expect(message.reasoning_content).toContain('Mock reasoning about: Reason');
  });
});
