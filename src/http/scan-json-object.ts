/**
 * A validating scan of a JSON object that builds nothing: it checks the whole text is one JSON
 * object (RFC 8259, as strict as `JSON.parse`) and reports where the values of a few top-level
 * keys lie. The same-protocol fast path needs only `model`, `stream` and whether `messages` is a
 * non-empty array; a full `JSON.parse` there (every message, string and number materialised, then
 * dropped) was the largest single cost of ours in the profile. Hand-written because no library
 * validates and locates without building the values.
 *
 * The result is one Int32Array of [kind, start, end) triples, one per wanted key (the last
 * occurrence wins, as with `JSON.parse`), or undefined when the text is not a JSON object; the
 * caller then runs `JSON.parse` itself for the exact error message.
 */

export const JsonKind = {
  absent: 0,
  string: 1,
  number: 2,
  true: 3,
  false: 4,
  null: 5,
  object: 6,
  array: 7,
} as const;
export type JsonKind = (typeof JsonKind)[keyof typeof JsonKind];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Container kinds on the explicit stack (no recursion: nesting depth is the client's to choose). */
const IN_OBJECT = 1;
const IN_ARRAY = 2;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

function isHex(byte: number): boolean {
  return (byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function skipWhitespace(text: Uint8Array, pos: number): number {
  while (pos < text.length && isWhitespace(text[pos]!)) pos++;
  return pos;
}

/** Position after the string that opens at `pos` (a quote), or -1. */
function skipString(text: Uint8Array, pos: number): number {
  const length = text.length;
  pos++;
  while (pos < length) {
    const byte = text[pos]!;
    if (byte === QUOTE) return pos + 1;
    if (byte === BACKSLASH) {
      const escaped = text[pos + 1];
      if (escaped === 0x75) {
        if (pos + 5 >= length || !isHex(text[pos + 2]!) || !isHex(text[pos + 3]!) || !isHex(text[pos + 4]!) || !isHex(text[pos + 5]!)) return -1;
        pos += 6;
        continue;
      }
      // " \ / b f n r t
      if (escaped !== QUOTE && escaped !== BACKSLASH && escaped !== 0x2f && escaped !== 0x62 && escaped !== 0x66 && escaped !== 0x6e && escaped !== 0x72 && escaped !== 0x74) return -1;
      pos += 2;
      continue;
    }
    if (byte < 0x20) return -1;
    pos++;
  }
  return -1;
}

/** Position after the number that starts at `pos`, or -1. */
function skipNumber(text: Uint8Array, pos: number): number {
  if (text[pos] === MINUS) pos++;
  if (text[pos] === ZERO) pos++;
  else if (pos < text.length && isDigit(text[pos]!)) {
    while (pos < text.length && isDigit(text[pos]!)) pos++;
  } else return -1;
  if (text[pos] === 0x2e) {
    pos++;
    if (!(pos < text.length && isDigit(text[pos]!))) return -1;
    while (pos < text.length && isDigit(text[pos]!)) pos++;
  }
  if (text[pos] === 0x65 || text[pos] === 0x45) {
    pos++;
    if (text[pos] === 0x2b || text[pos] === MINUS) pos++;
    if (!(pos < text.length && isDigit(text[pos]!))) return -1;
    while (pos < text.length && isDigit(text[pos]!)) pos++;
  }
  return pos;
}

function matchesLiteral(text: Uint8Array, pos: number, literal: readonly number[]): boolean {
  if (pos + literal.length > text.length) return false;
  for (let i = 0; i < literal.length; i++) if (text[pos + i] !== literal[i]) return false;
  return true;
}

const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** The index of the wanted key spelled by text[start, end) (quotes excluded, no escapes), or -1. */
function wantedIndex(text: Uint8Array, start: number, end: number, keys: readonly Uint8Array[]): number {
  const length = end - start;
  outer: for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    if (key.length !== length) continue;
    for (let i = 0; i < length; i++) if (text[start + i] !== key[i]) continue outer;
    return k;
  }
  return -1;
}

/** Encodes the key names once, for `scanJsonObject`. */
export function jsonKeys(...names: string[]): readonly Uint8Array[] {
  return names.map((name) => {
    if (/["\\\u0000-\u001f]/.test(name)) throw new Error(`key ${JSON.stringify(name)} would need escaping`);
    return Buffer.from(name, 'utf8');
  });
}

export function scanJsonObject(text: Uint8Array, keys: readonly Uint8Array[]): Int32Array | undefined {
  const found = new Int32Array(keys.length * 3);
  const length = text.length;
  let pos = skipWhitespace(text, 0);
  if (text[pos] !== OPEN_BRACE) return undefined;
  const stack: number[] = [IN_OBJECT];
  pos++;
  /** The wanted top-level key whose value is being scanned, and where that value began. */
  let pendingKey = -1;
  let pendingStart = 0;
  /** Whether the next token may close the container (just after its opening bracket). */
  let mayClose = true;
  for (;;) {
    const container = stack[stack.length - 1]!;
    pos = skipWhitespace(text, pos);
    let byte = text[pos];
    if (mayClose && byte === (container === IN_OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) {
      // An empty container: handled below as the end of a value.
      pos++;
      stack.pop();
    } else {
      let valueKey = -1;
      if (container === IN_OBJECT) {
        if (byte !== QUOTE) return undefined;
        const keyStart = pos + 1;
        pos = skipString(text, pos);
        if (pos === -1) return undefined;
        if (stack.length === 1) {
          // An escaped top-level key ("mod\u0065l") could be a wanted one: leave it to JSON.parse.
          for (let i = keyStart; i < pos - 1; i++) if (text[i] === BACKSLASH) return undefined;
          valueKey = wantedIndex(text, keyStart, pos - 1, keys);
        }
        pos = skipWhitespace(text, pos);
        if (text[pos] !== COLON) return undefined;
        pos = skipWhitespace(text, pos + 1);
        byte = text[pos];
      }
      if (stack.length === 1) {
        pendingKey = valueKey;
        pendingStart = pos;
      }
      let kind: JsonKind;
      if (byte === QUOTE) {
        kind = JsonKind.string;
        pos = skipString(text, pos);
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        stack.push(byte === OPEN_BRACE ? IN_OBJECT : IN_ARRAY);
        pos++;
        mayClose = true;
        continue;
      } else if (byte === 0x74) {
        kind = JsonKind.true;
        pos = matchesLiteral(text, pos, TRUE) ? pos + 4 : -1;
      } else if (byte === 0x66) {
        kind = JsonKind.false;
        pos = matchesLiteral(text, pos, FALSE) ? pos + 5 : -1;
      } else if (byte === 0x6e) {
        kind = JsonKind.null;
        pos = matchesLiteral(text, pos, NULL) ? pos + 4 : -1;
      } else if (byte === MINUS || (byte !== undefined && isDigit(byte))) {
        kind = JsonKind.number;
        pos = skipNumber(text, pos);
      } else return undefined;
      if (pos === -1) return undefined;
      if (stack.length === 1 && pendingKey !== -1) {
        found[pendingKey * 3] = kind;
        found[pendingKey * 3 + 1] = pendingStart;
        found[pendingKey * 3 + 2] = pos;
      }
    }
    // After a value (or an empty container): a separator or the containers' ends.
    for (;;) {
      if (stack.length === 0) return skipWhitespace(text, pos) === length ? found : undefined;
      if (stack.length === 1 && pendingKey !== -1 && found[pendingKey * 3 + 1] !== pendingStart) {
        // A container value of a wanted top-level key just closed.
        const opener = text[pendingStart];
        found[pendingKey * 3] = opener === OPEN_BRACE ? JsonKind.object : JsonKind.array;
        found[pendingKey * 3 + 1] = pendingStart;
        found[pendingKey * 3 + 2] = pos;
      }
      pos = skipWhitespace(text, pos);
      const next = text[pos];
      if (next === COMMA) {
        pos++;
        mayClose = false;
        break;
      }
      const top = stack[stack.length - 1];
      if (next !== (top === IN_OBJECT ? CLOSE_BRACE : CLOSE_BRACKET)) return undefined;
      pos++;
      stack.pop();
    }
  }
}

/** Whether the array value at [start, end) has at least one element. */
export function isNonEmptyArray(text: Uint8Array, start: number): boolean {
  return text[skipWhitespace(text, start + 1)] !== CLOSE_BRACKET;
}

/** The string value at [start, end) (quotes included), unescaped. */
export function stringAt(text: Buffer, start: number, end: number): string {
  for (let i = start + 1; i < end - 1; i++) if (text[i] === BACKSLASH) return JSON.parse(text.toString('utf8', start, end)) as string;
  return text.toString('utf8', start + 1, end - 1);
}
