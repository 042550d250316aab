import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonKind, isNonEmptyArray, jsonKeys, scanJsonObject, stringAt } from './scan-json-object.js';

const KEYS = ['model', 'stream', 'messages'] as const;
const WANTED = jsonKeys(...KEYS);

function kindOf(value: unknown): JsonKind {
  if (value === undefined) return JsonKind.absent;
  if (typeof value === 'string') return JsonKind.string;
  if (typeof value === 'number') return JsonKind.number;
  if (value === true) return JsonKind.true;
  if (value === false) return JsonKind.false;
  if (value === null) return JsonKind.null;
  return Array.isArray(value) ? JsonKind.array : JsonKind.object;
}

function parseOrUndefined(text: Buffer): unknown {
  try {
    return JSON.parse(text.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the scan says what JSON.parse says: the same verdict (for objects) and the same fields. */
function expectAgreement(text: Buffer): void {
  const found = scanJsonObject(text, WANTED);
  const parsed = parseOrUndefined(text);
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  if (found === undefined) {
    // A refusal is allowed only for what is not a plain JSON object, or for an escaped top-level key.
    if (isObject) expect(text.toString('utf8')).toMatch(/\\/);
    return;
  }
  expect(isObject).toBe(true);
  const object = parsed as Record<string, unknown>;
  KEYS.forEach((key, index) => {
    const kind = found[index * 3]!;
    const start = found[index * 3 + 1]!;
    const end = found[index * 3 + 2]!;
    const value = Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
    expect(kind).toBe(kindOf(value));
    if (kind === JsonKind.absent) return;
    expect(JSON.parse(text.toString('utf8', start, end))).toEqual(value);
    if (kind === JsonKind.string) expect(stringAt(text, start, end)).toBe(value);
    if (kind === JsonKind.array) expect(isNonEmptyArray(text, start)).toBe((value as unknown[]).length > 0);
  });
}

const wantedValue = fc.oneof(fc.jsonValue(), fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 }));
const bodyObject = fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), wantedValue, { maxKeys: 6 });

describe('scanJsonObject', () => {
  it('agrees with JSON.parse on generated objects, compact and pretty-printed', () => {
    fc.assert(
      fc.property(bodyObject, fc.constantFrom(0, 2, '\t'), (object, indent) => {
        expectAgreement(Buffer.from(JSON.stringify(object, null, indent)));
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts what JSON.parse rejects: generated objects with one byte changed, inserted or removed', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'delete'), fc.constantFrom(...'{}[]",:\\/ \n\t0-.eE+tfnu\u0001ab\u00e9'.split('')));
    fc.assert(
      fc.property(bodyObject, edit, (object, [at, how, char]) => {
        const text = JSON.stringify(object);
        const i = text.length === 0 ? 0 : at % text.length;
        const edited = how === 'replace' ? text.slice(0, i) + char + text.slice(i + 1) : how === 'insert' ? text.slice(0, i) + char + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
        expectAgreement(Buffer.from(edited));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with JSON.parse on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => expectAgreement(Buffer.from(`{${text}`))), { numRuns: 2000 });
  });

  it.each([
    ['numbers', '{"a":-0,"b":1e5,"c":1.5E-3,"d":0.0,"model":"m"}', true],
    ['a leading zero', '{"a":01}', false],
    ['a bare minus', '{"a":-}', false],
    ['a dot without digits', '{"a":1.}', false],
    ['an exponent without digits', '{"a":1e}', false],
    ['a plus sign', '{"a":+1}', false],
    ['a raw control character in a string', '{"a":"x\u0001y"}', false],
    ['an unknown escape', '{"a":"\\x"}', false],
    ['a short unicode escape', '{"a":"\\u12"}', false],
    ['a trailing comma in an object', '{"a":1,}', false],
    ['a trailing comma in an array', '{"a":[1,]}', false],
    ['trailing garbage', '{"a":1} x', false],
    ['two objects', '{}{}', false],
    ['a byte-order mark', '\ufeff{}', false],
    ['nothing', '', false],
    ['an array at the top', '[1]', false],
    ['surrounding whitespace', ' \n\t{ } \r\n', true],
    ['truncated literal', '{"a":tru}', false],
    ['an unclosed string', '{"a":"abc', false],
    ['an unclosed object', '{"a":{"b":1}', false],
    ['a mismatched bracket', '{"a":[1}', false],
    ['a key without a value', '{"a"}', false],
    ['a missing colon', '{"a" 1}', false],
  ])('%s', (_name, text, ok) => {
    expect(scanJsonObject(Buffer.from(text), WANTED) !== undefined).toBe(ok);
    expect(parseOrUndefined(Buffer.from(text)) !== undefined && !Array.isArray(parseOrUndefined(Buffer.from(text)))).toBe(ok);
  });

  it('takes the last of duplicate keys, as JSON.parse does', () => {
    const text = Buffer.from('{"model":"a","model":"b","messages":[],"messages":[{"role":"user"}]}');
    const found = scanJsonObject(text, WANTED)!;
    expect(stringAt(text, found[1]!, found[2]!)).toBe('b');
    expect(isNonEmptyArray(text, found[7]!)).toBe(true);
  });

  it('only looks at top-level keys', () => {
    const found = scanJsonObject(Buffer.from('{"x":{"model":"inner","stream":true}}'), WANTED)!;
    expect(found[0]).toBe(JsonKind.absent);
    expect(found[3]).toBe(JsonKind.absent);
  });

  it('leaves an escaped top-level key to JSON.parse', () => {
    expect(scanJsonObject(Buffer.from('{"mod\\u0065l":"m"}'), WANTED)).toBeUndefined();
    // Escapes in values and in nested keys are fine.
    const text = Buffer.from('{"model":"a\\"b\\u00e9\\n","x":{"k\\u0065y":1}}');
    const found = scanJsonObject(text, WANTED)!;
    expect(stringAt(text, found[1]!, found[2]!)).toBe('a"b\u00e9\n');
  });

  it('scans nesting far deeper than a recursive parser could', () => {
    const depth = 200_000;
    const text = Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)},"stream":true}`);
    const found = scanJsonObject(text, WANTED)!;
    expect(found[3]).toBe(JsonKind.true);
    expect(scanJsonObject(Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth - 1)}}`), WANTED)).toBeUndefined();
  });

  it('keeps multi-byte text intact', () => {
    const text = Buffer.from(JSON.stringify({ model: '模型-🔑', messages: [{ content: 'é' }] }));
    const found = scanJsonObject(text, WANTED)!;
    expect(stringAt(text, found[1]!, found[2]!)).toBe('模型-🔑');
  });

  it('refuses key names that would need escaping', () => {
    expect(() => jsonKeys('a"b')).toThrow(/escaping/);
  });
});
