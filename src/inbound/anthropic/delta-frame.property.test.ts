import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deltaFrame } from './encode-messages-stream.js';

describe('deltaFrame', () => {
  it('is byte for byte the frame JSON.stringify makes of the whole event, for any text', () => {
    const deltaKinds = fc.constantFrom(
      ['text_delta', 'text'],
      ['thinking_delta', 'thinking'],
      ['signature_delta', 'signature'],
      ['input_json_delta', 'partial_json'],
    );
    // Full Unicode, lone surrogates, quotes, backslashes, control characters and line breaks.
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\n\n', '\u2028', '\ud800', '</script>'));
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), deltaKinds, text, (index, [type, field], value) => {
        const event = { type: 'content_block_delta', index, delta: { type, [field]: value } };
        expect(deltaFrame(index, type, field, value)).toBe(`event: content_block_delta\ndata: ${JSON.stringify(event)}\n\n`);
      }),
      { numRuns: 2000 },
    );
  });
});
