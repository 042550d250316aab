import { describe, expect, it } from 'vitest';
import { parseMockCliArgs } from './parse-mock-cli-args.js';

describe('parseMockCliArgs', () => {
  it('reads every flag', () => {
    expect(parseMockCliArgs(['--port', '8080', '--host', '0.0.0.0', '--stream-chunks', '5', '--seed', '7', '--api-key', 'a', '--api-key', 'b']))
      .toEqual({ port: 8080, host: '0.0.0.0', streamChunks: 5, seed: 7, apiKeys: ['a', 'b'] });
    expect(parseMockCliArgs([])).toEqual({});
  });

  it('rejects bad numbers and unknown flags', () => {
    expect(() => parseMockCliArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseMockCliArgs(['--stream-chunks', '0'])).toThrow(/--stream-chunks/);
    expect(() => parseMockCliArgs(['--nope'])).toThrow();
  });
});
