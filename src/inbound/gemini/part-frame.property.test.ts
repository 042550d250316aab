import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGeminiStreamEncoder } from './encode-generate-content-stream.js';

// Full Unicode, lone surrogates, quotes, backslashes, control characters and line breaks.
const text = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom('"', '\\', '\r\n', '\u2028', '\ud800', '</script>'));
const name = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('gemini-2.5-pro', 'models/a"b', ''));

const frame = (part: object, model: string, responseId: string): string =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }], modelVersion: model, responseId })}\r\n\r\n`;

describe('Gemini one-part frames', () => {
  it('are byte for byte what JSON.stringify makes of the whole response, for any text, model and response id', () => {
    fc.assert(
      fc.property(name, name, fc.array(fc.tuple(fc.boolean(), text), { minLength: 1, maxLength: 4 }), (model, responseId, deltas) => {
        const encoder = createGeminiStreamEncoder({ clientModel: model });
        const out: string[] = [];
        encoder.push({ type: 'start', id: responseId, model: 'upstream', created: 0 }, out);
        encoder.push({ type: 'reasoning-start', index: 0 }, out);
        encoder.push({ type: 'text-start', index: 1 }, out);
        const expected: string[] = [];
        for (const [thought, value] of deltas) {
          encoder.push(thought ? { type: 'reasoning-delta', index: 0, text: value } : { type: 'text-delta', index: 1, text: value }, out);
          expected.push(frame(thought ? { text: value, thought: true } : { text: value }, model, responseId));
        }
        expect(out).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('take the response id of the start event, and the fallback before it', () => {
    const encoder = createGeminiStreamEncoder({ clientModel: 'm', fallbackResponseId: 'fallback' });
    const out: string[] = [];
    encoder.push({ type: 'text-start', index: 0 }, out);
    encoder.push({ type: 'text-delta', index: 0, text: 'a' }, out);
    encoder.push({ type: 'start', id: 'r2', model: 'm', created: 0 }, out);
    encoder.push({ type: 'text-delta', index: 0, text: 'b' }, out);
    expect(out).toEqual([frame({ text: 'a' }, 'm', 'fallback'), frame({ text: 'b' }, 'm', 'r2')]);
  });
});
