import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonStringSlot } from './json-string-slot.js';

type Doc = { a?: { content?: unknown }; content?: unknown };
const readA = (document: unknown): unknown => (document as Doc | null)?.a?.content;

const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\\"', '"\\', '\n', '\u2028', '\ud800', '","content":"x', '\u0000poolgate-slot\u0000'),
);

const chunk = (text: string, id = 'c1'): string => JSON.stringify({ id, a: { content: text }, n: null });

describe('JsonStringSlot', () => {
  it('decodes any text of a chunk that repeats the learned one around it, as JSON.parse would', () => {
    fc.assert(
      fc.property(anyText, anyText, (learned, next) => {
        const slot = new JsonStringSlot('content', readA);
        slot.learn(chunk(learned));
        expect(slot.match(chunk(next))).toBe(next);
      }),
      { numRuns: 2000 },
    );
  });

  it('never answers differently from JSON.parse, whatever stands where the string was', () => {
    const filler = fc.oneof(
      anyText.map((text) => JSON.stringify(text)),
      fc.constantFrom('"a","content":"b"', '"a" ', '"\\"', '"x"}', '"x\\\\"', '"\\u00"', '"a"+"b"', '1', 'null', '""'),
      fc.string(),
    );
    fc.assert(
      fc.property(anyText, filler, (learned, middle) => {
        const slot = new JsonStringSlot('content', readA);
        const template = chunk(learned);
        slot.learn(template);
        const open = template.indexOf('"content":"') + '"content":'.length;
        const close = template.length - ',"n":null}'.length - 1; // the closing `}` of `a` sits before it
        const data = template.slice(0, open) + middle + template.slice(close);
        const matched = slot.match(data);
        if (matched === undefined) return;
        expect(readA(JSON.parse(data))).toBe(matched);
      }),
      { numRuns: 3000 },
    );
  });

  it('answers nothing for a chunk that differs anywhere else', () => {
    const slot = new JsonStringSlot('content', readA);
    slot.learn(chunk('hello'));
    expect(slot.match(chunk('world'))).toBe('world');
    expect(slot.match(chunk('world', 'c2'))).toBeUndefined();
    expect(slot.match(chunk('world') + ' ')).toBeUndefined();
    expect(slot.match(' ' + chunk('world'))).toBeUndefined();
  });

  it('learns nothing when the key is not where the reader looks', () => {
    const slot = new JsonStringSlot('content', readA);
    // The only raw `"content":"` is a top-level key; the reader wants a.content.
    const top = (text: string) => JSON.stringify({ content: text, a: { content: 1 } });
    slot.learn(top('x'));
    expect(slot.match(top('y'))).toBeUndefined();
    // A later duplicate key wins in JSON.parse, so the first occurrence is not the value read.
    const duplicate = (text: string) => `{"a":{"content":${JSON.stringify(text)},"content" : "last"}}`;
    slot.learn(duplicate('x'));
    expect(slot.match(duplicate('y'))).toBeUndefined();
  });

  it('learns nothing when the key occurs twice', () => {
    const slot = new JsonStringSlot('content', readA);
    const twice = (text: string) => JSON.stringify({ a: { content: text }, b: { content: 'other' } });
    slot.learn(twice('x'));
    expect(slot.match(twice('y'))).toBeUndefined();
  });

  it('refuses a token with a bad escape, leaving the error to the caller\'s parse', () => {
    const slot = new JsonStringSlot('content', readA);
    slot.learn(chunk('x'));
    expect(slot.match(chunk('x').replace('"x"', '"\\q"'))).toBeUndefined();
    expect(slot.match(chunk('x').replace('"x"', '"a\nb"'))).toBeUndefined();
  });

  it('gives up learning after three templates in a row that matched nothing', () => {
    const slot = new JsonStringSlot('content', readA);
    const varying = (i: number) => JSON.stringify({ a: { content: 'same' }, n: i });
    let parses = 0;
    const counting = new JsonStringSlot('content', (document) => {
      parses++;
      return readA(document);
    });
    for (let i = 0; i < 10; i++) {
      expect(counting.match(varying(i))).toBeUndefined();
      counting.learn(varying(i));
    }
    expect(parses).toBe(3);
    // A template that keeps matching keeps being learned.
    for (let i = 0; i < 10; i++) {
      slot.learn(chunk(`t${i}`));
      expect(slot.match(chunk(`u${i}`))).toBe(`u${i}`);
    }
  });
});
