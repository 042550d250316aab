import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UPDATE_GOLDEN, errorToJson, writeGolden } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIUpstreamError, parseGoDurationMs } from './decode-openai-error.js';

const FIXTURE = new URL('../../../test/fixtures/openai/upstream-decode-error.json', import.meta.url);

interface Fixture {
  description: string;
  now: number;
  cases: Array<{ name: string; status: number; headers: Record<string, string>; body: string; expected: unknown }>;
}

describe('decodeOpenAIUpstreamError golden fixtures', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
  for (const testCase of fixture.cases) {
    it(testCase.name, () => {
      const actual = errorToJson(decodeOpenAIUpstreamError(testCase.status, testCase.headers, testCase.body, fixture.now));
      if (UPDATE_GOLDEN) testCase.expected = actual;
      else expect(actual).toEqual(testCase.expected);
    });
  }
  if (UPDATE_GOLDEN) it('writes the fixture', () => writeGolden(FIXTURE.pathname, fixture));
});

describe('parseGoDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['120ms', 120],
    ['1h2m3.5s', 3_723_500],
    ['0.25s', 250],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDurationMs(text)).toBe(ms);
  });

  it('rejects other text', () => {
    expect(parseGoDurationMs('soon')).toBeUndefined();
    expect(parseGoDurationMs('')).toBeUndefined();
    expect(parseGoDurationMs('5')).toBeUndefined();
  });
});
