import { describe, expect, it } from 'vitest';
import { decodeAnthropicStreamError, decodeAnthropicUpstreamError } from './decode-anthropic-error.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const body = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });

describe('decodeAnthropicUpstreamError', () => {
  const cases: Array<[number, string, string, boolean]> = [
    [400, 'invalid_request_error', 'invalid_request', false],
    [401, 'authentication_error', 'authentication', true],
    [402, 'billing_error', 'quota_exhausted', true],
    [403, 'permission_error', 'permission', true],
    [404, 'not_found_error', 'not_found', false],
    [413, 'request_too_large', 'request_too_large', false],
    [429, 'rate_limit_error', 'rate_limited', true],
    [500, 'api_error', 'upstream_error', true],
    [504, 'timeout_error', 'upstream_timeout', true],
    [529, 'overloaded_error', 'overloaded', true],
    // A compatible vendor that says "overloaded" with a plain 500 is still overloaded.
    [500, 'overloaded_error', 'overloaded', true],
  ];
  for (const [status, type, code, retryable] of cases) {
    it(`${status} ${type} → ${code}`, () => {
      const error = decodeAnthropicUpstreamError(status, {}, body(type, `msg ${type}`), NOW);
      expect(error).toMatchObject({ code, retryable, message: `msg ${type}`, upstreamStatus: status });
    });
  }

  it('recognises a too-long prompt as context_length', () => {
    const error = decodeAnthropicUpstreamError(400, {}, body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), NOW);
    expect(error.code).toBe('context_length');
  });

  it('honours retry-after on 429', () => {
    expect(decodeAnthropicUpstreamError(429, { 'retry-after': '7' }, body('rate_limit_error', 'x'), NOW).retryAfterMs).toBe(7000);
  });

  it('falls back to the reset header of the exhausted limit', () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '10',
      'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:05Z',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': '2026-01-01T00:00:30Z',
    };
    expect(decodeAnthropicUpstreamError(429, headers, body('rate_limit_error', 'x'), NOW).retryAfterMs).toBe(30_000);
  });

  it('uses the earliest reset when no limit says it is exhausted', () => {
    const headers = { 'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:12Z', 'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:20Z' };
    expect(decodeAnthropicUpstreamError(429, headers, body('rate_limit_error', 'x'), NOW).retryAfterMs).toBe(12_000);
  });

  it('reads the shapes compatible vendors use', () => {
    expect(decodeAnthropicUpstreamError(503, {}, '{"error":"upstream busy"}', NOW)).toMatchObject({ code: 'overloaded', message: 'upstream busy' });
    expect(decodeAnthropicUpstreamError(400, {}, '{"message":"bad field"}', NOW).message).toBe('bad field');
    expect(decodeAnthropicUpstreamError(502, {}, '<html>Bad Gateway</html>', NOW)).toMatchObject({ code: 'upstream_error', message: '<html>Bad Gateway</html>' });
  });
});

describe('decodeAnthropicStreamError', () => {
  it('maps an in-stream overloaded_error to a retryable overloaded error', () => {
    expect(decodeAnthropicStreamError({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, NOW)).toMatchObject({
      code: 'overloaded',
      retryable: true,
      message: 'Overloaded',
    });
  });

  it('maps an unknown payload to a generic upstream error', () => {
    expect(decodeAnthropicStreamError({ nope: true }, NOW)).toMatchObject({ code: 'upstream_error', retryable: true });
  });
});
