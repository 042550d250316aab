import { describe, expect, it } from 'vitest';
import { GatewayError, type GatewayErrorCode } from '../../canonical/index.js';
import { encodeAnthropicError, encodeAnthropicStreamError } from './encode-error.js';

describe('encodeAnthropicError', () => {
  const cases: Array<[GatewayErrorCode, number, string]> = [
    ['invalid_request', 400, 'invalid_request_error'],
    ['authentication', 401, 'authentication_error'],
    ['permission', 403, 'permission_error'],
    ['not_found', 404, 'not_found_error'],
    ['model_not_found', 404, 'not_found_error'],
    ['request_too_large', 413, 'request_too_large'],
    ['context_length', 400, 'invalid_request_error'],
    ['rate_limited', 429, 'rate_limit_error'],
    ['quota_exhausted', 429, 'rate_limit_error'],
    ['overloaded', 529, 'overloaded_error'],
    ['no_capacity', 529, 'overloaded_error'],
    ['upstream_error', 502, 'api_error'],
    ['upstream_timeout', 504, 'timeout_error'],
    ['internal', 500, 'api_error'],
  ];
  for (const [code, status, type] of cases) {
    it(`${code} → ${status} ${type}`, () => {
      const encoded = encodeAnthropicError(new GatewayError(code, `boom ${code}`));
      expect(encoded.status).toBe(status);
      expect(encoded.headers['content-type']).toBe('application/json');
      expect(JSON.parse(encoded.body)).toEqual({ type: 'error', error: { type, message: `boom ${code}` } });
    });
  }

  it('keeps a client error status from the upstream (e.g. 409)', () => {
    const encoded = encodeAnthropicError(new GatewayError('invalid_request', 'conflict', { status: 409 }));
    expect(encoded.status).toBe(409);
  });

  it('sets retry-after (seconds, rounded up) and retry-after-ms', () => {
    const encoded = encodeAnthropicError(new GatewayError('rate_limited', 'slow down', { retryAfterMs: 2500 }));
    expect(encoded.headers['retry-after']).toBe('3');
    expect(encoded.headers['retry-after-ms']).toBe('2500');
  });

  it('has no retry headers when the wait is unknown', () => {
    expect(encodeAnthropicError(new GatewayError('overloaded', 'busy')).headers['retry-after']).toBeUndefined();
  });
});

describe('encodeAnthropicStreamError', () => {
  it('is one complete SSE error frame', () => {
    expect(encodeAnthropicStreamError(new GatewayError('overloaded', 'Overloaded'))).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });
});
