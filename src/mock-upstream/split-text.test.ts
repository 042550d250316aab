import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from './split-text.js';

describe('splitText', () => {
  it('splits into the requested number of near-equal pieces', () => {
    expect(splitText('abcdefgh', 4)).toEqual(['ab', 'cd', 'ef', 'gh']);
    expect(splitText('abcdefghij', 3).map((p) => p.length)).toEqual([3, 4, 3]);
  });

  it('returns fewer pieces for short text and none for empty text', () => {
    expect(splitText('ab', 20)).toEqual(['a', 'b']);
    expect(splitText('', 5)).toEqual([]);
  });

  it('never cuts a surrogate pair', () => {
    expect(splitText('🌍🚀x', 3)).toEqual(['🌍', '🚀', 'x']);
  });

  it('always concatenates back to the text with non-empty, well-formed pieces', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 40 }), (text, n) => {
      const pieces = splitText(text, n);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBe(Math.min(n, Array.from(text).length));
      for (const piece of pieces) {
        expect(piece.length).toBeGreaterThan(0);
        expect(Buffer.from(piece).toString()).toBe(piece); // no lone surrogate
      }
    }));
  });
});
