import { describe, expect, it } from 'vitest';
import { ChatBody } from './chat-body.js';

const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('ChatBody', () => {
  it('reads model, stream and messages without parsing, and parses on demand', () => {
    const chat = ChatBody.read(body({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }], temperature: 0 }));
    expect(chat).toMatchObject({ model: 'gpt-4o', stream: true, hasMessages: true });
    expect(chat.parsed).toEqual({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
    expect(chat.parsed).toBe(chat.parsed);
  });

  it('tells absent, mistyped and empty fields apart from good ones', () => {
    expect(ChatBody.read(body({ messages: [] }))).toMatchObject({ model: undefined, stream: false, hasMessages: false });
    expect(ChatBody.read(body({ model: 42, stream: 'true', messages: {} }))).toMatchObject({ model: null, stream: false, hasMessages: false });
  });

  it('falls back to JSON.parse for an escaped key and still finds the field', () => {
    expect(ChatBody.read(body('{"mod\\u0065l":"m","messages":[1]}'))).toMatchObject({ model: 'm', hasMessages: true });
  });

  it('refuses what is not a JSON object with the parser\'s own message', () => {
    expect(() => ChatBody.read(body('{"model":'))).toThrow(/request body is not valid JSON/);
    expect(() => ChatBody.read(body('[1,2]'))).toThrow(/must be a JSON object/);
  });

  it('takes the model from elsewhere when told (Gemini names it in the URL)', () => {
    const chat = ChatBody.of(body({ contents: [] }), { contents: [] }, 'gemini-2.5-pro');
    expect(chat.model).toBe('gemini-2.5-pro');
  });
});
