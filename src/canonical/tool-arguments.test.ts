import { describe, expect, it } from 'vitest';
import { toolArgumentsObject } from './tool-arguments.js';

describe('toolArgumentsObject', () => {
  it('parses a JSON object', () => {
    expect(toolArgumentsObject('{"city":"Paris","n":2}')).toEqual({ city: 'Paris', n: 2 });
  });

  it.each([
    ['empty', ''],
    ['blank', '  \n'],
    ['invalid JSON', '{"city":'],
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['a number', '3'],
    ['null', 'null'],
  ])('gives {} for %s', (_name, text) => {
    expect(toolArgumentsObject(text)).toEqual({});
  });
});
