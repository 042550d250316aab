import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { ConfigError } from './config-error.js';

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * Parses JSON with comments and trailing commas: the seed's own config.json example carries a
 * `//` comment, so a strict JSON.parse would reject a file users copied from it.
 */
export function parseJsonc(text: string, file: string): unknown {
  // Most files are plain JSON: the native parser is several times faster than jsonc-parser on
  // a 10,000-instance pools file, so comments cost only those who write them.
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the tolerant parser, which also locates the error
  }
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const firstError = errors[0];
  if (firstError) {
    throw new ConfigError(
      `${file}: not valid JSON at ${lineAndColumn(text, firstError.offset)}: ${printParseErrorCode(firstError.error)}`,
      file,
    );
  }
  return value;
}
