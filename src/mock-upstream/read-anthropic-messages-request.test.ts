import { describe, expect, it } from 'vitest';
import { readAnthropicMessagesRequest } from './read-anthropic-messages-request.js';

const TOOL = { name: 'w', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };

describe('readAnthropicMessagesRequest', () => {
  it('requires model, max_tokens (not for count_tokens) and messages', () => {
    const messages = [{ role: 'user', content: 'x' }];
    expect(readAnthropicMessagesRequest({ max_tokens: 5, messages })).toMatchObject({ ok: false, message: 'model: Field required' });
    expect(readAnthropicMessagesRequest({ model: 'm', messages })).toMatchObject({ ok: false, message: 'max_tokens: Field required' });
    expect(readAnthropicMessagesRequest({ model: 'm', messages }, true)).toMatchObject({ ok: true });
    expect(readAnthropicMessagesRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] })).toMatchObject({ ok: false });
  });

  it('reads text blocks, system and thinking', () => {
    const read = readAnthropicMessagesRequest({
      model: 'm', max_tokens: 5, system: [{ type: 'text', text: 'sys' }], thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }],
    });
    expect(read).toMatchObject({ ok: true, input: { lastUserText: 'a\nb', thinking: true, promptChars: 6 } });
  });

  it('treats tool_result blocks in the last user message as the tool result', () => {
    const read = readAnthropicMessagesRequest({
      model: 'm', max_tokens: 5, tools: [TOOL],
      messages: [
        { role: 'user', content: 'question' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'w', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'sunny' }, { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'dry' }] }] },
      ],
    });
    expect(read).toMatchObject({ ok: true, input: { toolResultText: 'sunny\ndry', toolToCall: undefined, lastUserText: 'question' } });
  });

  it('picks the first tool, the named tool_choice, or none', () => {
    const messages = [{ role: 'user', content: 'q' }];
    const other = { name: 'z', input_schema: { type: 'object' } };
    expect(readAnthropicMessagesRequest({ model: 'm', max_tokens: 5, tools: [TOOL, other], messages }))
      .toMatchObject({ input: { toolToCall: { name: 'w', hasCity: true } } });
    expect(readAnthropicMessagesRequest({ model: 'm', max_tokens: 5, tools: [TOOL, other], tool_choice: { type: 'tool', name: 'z' }, messages }))
      .toMatchObject({ input: { toolToCall: { name: 'z', hasCity: false } } });
    expect(readAnthropicMessagesRequest({ model: 'm', max_tokens: 5, tools: [TOOL], tool_choice: { type: 'none' }, messages }))
      .toMatchObject({ input: { toolToCall: undefined } });
  });
});
