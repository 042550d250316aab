import { describe, expect, it } from 'vitest';
import { readOpenAIChatRequest } from './read-openai-chat-request.js';

const TOOL = { type: 'function', function: { name: 'w', description: 'weather', parameters: { type: 'object', properties: { city: {} } } } };

describe('readOpenAIChatRequest', () => {
  it('rejects bodies the real API rejects', () => {
    expect(readOpenAIChatRequest([])).toMatchObject({ ok: false });
    expect(readOpenAIChatRequest({ messages: [{ role: 'user', content: 'x' }] })).toMatchObject({ ok: false, message: expect.stringContaining('model') });
    expect(readOpenAIChatRequest({ model: 'm', messages: [] })).toMatchObject({ ok: false, message: expect.stringContaining('messages') });
    expect(readOpenAIChatRequest({ model: 'm', messages: [{ content: 'x' }] })).toMatchObject({ ok: false });
  });

  it('reads the last user text from string or text parts, and the stream flags', () => {
    const read = readOpenAIChatRequest({
      model: 'm', stream: true, stream_options: { include_usage: true }, reasoning_effort: 'high',
      messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'image_url', image_url: { url: 'x' } }, { type: 'text', text: 'two' }] }],
    });
    expect(read).toMatchObject({ ok: true, input: { lastUserText: 'one\ntwo', stream: true, includeUsage: true, thinking: true, toolToCall: undefined } });
  });

  it('joins trailing tool messages as the tool result and calls no tool then', () => {
    const read = readOpenAIChatRequest({
      model: 'm', tools: [TOOL],
      messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', tool_call_id: 'a', content: 'r1' }, { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'r2' }] }],
    });
    expect(read).toMatchObject({ ok: true, input: { toolResultText: 'r1\nr2', toolToCall: undefined, lastUserText: 'q' } });
  });

  it('picks the tool to call only when the last message is from the user', () => {
    const messages = [{ role: 'user', content: 'q' }];
    expect(readOpenAIChatRequest({ model: 'm', tools: [TOOL], messages })).toMatchObject({ input: { toolToCall: { name: 'w', hasCity: true } } });
    expect(readOpenAIChatRequest({ model: 'm', tools: [TOOL], messages: [...messages, { role: 'assistant', content: 'x' }] }))
      .toMatchObject({ input: { toolToCall: undefined } });
    expect(readOpenAIChatRequest({ model: 'm', tools: [TOOL], tool_choice: 'none', messages })).toMatchObject({ input: { toolToCall: undefined } });
  });

  it('spots probes and reasoning_effort none', () => {
    expect(readOpenAIChatRequest({ model: 'm', max_tokens: 1, reasoning_effort: 'none', messages: [{ role: 'user', content: 'x' }] }))
      .toMatchObject({ input: { probe: true, thinking: false } });
  });
});
