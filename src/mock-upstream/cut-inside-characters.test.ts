import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutInsideCharacters } from './cut-inside-characters.js';

describe('cutInsideCharacters', () => {
  it('cuts after the lead byte of each multi-byte character', () => {
    const pieces = cutInsideCharacters(Buffer.from('aé你🌍'));
    expect(pieces.map((p) => p.toString('hex'))).toEqual(['61c3', 'a9e4', 'bda0f0', '9f8c8d']);
  });

  it('keeps ASCII whole', () => {
    expect(cutInsideCharacters(Buffer.from('plain ascii')).map(String)).toEqual(['plain ascii']);
    expect(cutInsideCharacters(Buffer.alloc(0))).toHaveLength(1);
  });

  it('concatenates back, and every boundary is inside a character', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      const bytes = Buffer.from(text);
      const pieces = cutInsideCharacters(bytes);
      expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
      for (const piece of pieces.slice(1)) {
        // A continuation byte (0b10xxxxxx) right after a cut means the cut split a character.
        if (piece.length > 0) expect((piece[0] as number) & 0xc0).toBe(0x80);
      }
    }));
  });
});
