import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { UPDATE_GOLDEN, errorFromJson, writeGolden } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIError, encodeOpenAIStreamError } from './encode-error.js';

const FIXTURE = new URL('../../../test/fixtures/openai/encode-error.json', import.meta.url);

interface Fixture {
  description: string;
  cases: Array<{ name: string; error: Parameters<typeof errorFromJson>[0]; expected: unknown }>;
}

describe('encodeOpenAIError golden fixtures', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
  for (const testCase of fixture.cases) {
    it(testCase.name, () => {
      const error = errorFromJson(testCase.error);
      const encoded = encodeOpenAIError(error);
      const actual = { status: encoded.status, headers: encoded.headers, body: JSON.parse(encoded.body) as unknown };
      if (UPDATE_GOLDEN) testCase.expected = actual;
      else expect(actual).toEqual(testCase.expected);
      // The stream frame carries the same body.
      expect(encodeOpenAIStreamError(error)).toBe(`data: ${encoded.body}\n\n`);
    });
  }
  if (UPDATE_GOLDEN) it('writes the fixture', () => writeGolden(FIXTURE.pathname, fixture));
});

describe('encodeOpenAIError', () => {
  it('always has message, type, param and code keys', () => {
    const body = JSON.parse(encodeOpenAIError(new GatewayError('internal', 'x')).body) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });
});
