import { describe, expect, it } from 'vitest';
import { MULTIBYTE_REPLY, planReply } from './plan-reply.js';
import type { ReplyInput } from './reply-input.js';

const BASE: ReplyInput = {
  model: 'm', stream: false, includeUsage: false, lastUserText: 'hi', toolResultText: undefined,
  toolToCall: undefined, thinking: false, probe: false, promptChars: 40,
};

describe('planReply', () => {
  it('echoes the last user text', () => {
    expect(planReply(BASE)).toMatchObject({ text: 'Hello from mock! You said: hi', finish: 'stop', inputTokens: 10, reasoning: undefined });
  });

  it('answers a probe with one token and finish length, ignoring tools and thinking', () => {
    const reply = planReply({ ...BASE, probe: true, thinking: true, toolToCall: { name: 't', hasCity: true } });
    expect(reply).toMatchObject({ text: 'Hi', finish: 'length', outputTokens: 1, toolCall: undefined, reasoning: undefined, singleChunk: true });
  });

  it('calls the tool with a city when the schema has one', () => {
    expect(planReply({ ...BASE, toolToCall: { name: 'w', hasCity: true } }).toolCall)
      .toEqual({ name: 'w', argumentsJson: '{"city":"Paris"}', input: { city: 'Paris' } });
    expect(planReply({ ...BASE, toolToCall: { name: 'w', hasCity: false } })).toMatchObject({
      toolCall: { argumentsJson: '{}' }, finish: 'tool_call', text: undefined,
    });
  });

  it('answers tool results before anything else but the probe', () => {
    expect(planReply({ ...BASE, toolResultText: '42', lastUserText: '[multibyte]' })).toMatchObject({ text: 'Tool said: 42', finish: 'stop' });
  });

  it('honours the multibyte marker, splitting characters only when streamed', () => {
    expect(planReply({ ...BASE, lastUserText: 'x [multibyte]' })).toMatchObject({ text: MULTIBYTE_REPLY, splitCharacters: false });
    expect(planReply({ ...BASE, stream: true, lastUserText: '[multibyte]' }).splitCharacters).toBe(true);
  });

  it('adds reasoning and counts its tokens inside the output tokens', () => {
    const plain = planReply(BASE);
    const thinking = planReply({ ...BASE, thinking: true });
    expect(thinking.reasoning).toBe('Mock reasoning about: hi');
    expect(thinking.reasoningTokens).toBe(Math.ceil(thinking.reasoning!.length / 4));
    expect(thinking.outputTokens).toBe(plain.outputTokens + thinking.reasoningTokens);
  });
});
