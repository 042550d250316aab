import { describe, expect, it } from 'vitest';
import { GatewayError, type GatewayErrorCode } from '../../canonical/index.js';
import { encodeGeminiError, encodeGeminiStreamError, formatRetryDelay } from './encode-error.js';

describe('encodeGeminiError', () => {
  const cases: Array<[GatewayErrorCode, number, string]> = [
    ['invalid_request', 400, 'INVALID_ARGUMENT'],
    ['context_length', 400, 'INVALID_ARGUMENT'],
    ['authentication', 401, 'UNAUTHENTICATED'],
    ['permission', 403, 'PERMISSION_DENIED'],
    ['model_not_found', 404, 'NOT_FOUND'],
    ['rate_limited', 429, 'RESOURCE_EXHAUSTED'],
    ['quota_exhausted', 429, 'RESOURCE_EXHAUSTED'],
    ['overloaded', 503, 'UNAVAILABLE'],
    ['no_capacity', 503, 'UNAVAILABLE'],
    ['upstream_error', 500, 'INTERNAL'],
    ['upstream_timeout', 504, 'DEADLINE_EXCEEDED'],
    ['internal', 500, 'INTERNAL'],
  ];
  for (const [code, status, name] of cases) {
    it(`${code} → ${status} ${name}`, () => {
      const encoded = encodeGeminiError(new GatewayError(code, `boom ${code}`));
      expect(encoded.status).toBe(status);
      expect(JSON.parse(encoded.body)).toEqual({ error: { code: status, message: `boom ${code}`, status: name } });
    });
  }

  it('puts the retry delay in RetryInfo (and retry-after)', () => {
    const encoded = encodeGeminiError(new GatewayError('rate_limited', 'Quota exceeded', { retryAfterMs: 31_000 }));
    expect(JSON.parse(encoded.body).error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' }]);
    expect(encoded.headers['retry-after']).toBe('31');
  });

  it('formats proto durations', () => {
    expect(formatRetryDelay(500)).toBe('0.5s');
    expect(formatRetryDelay(1250)).toBe('1.25s');
    expect(formatRetryDelay(0)).toBe('0s');
  });

  it('stream error is one data frame', () => {
    expect(encodeGeminiStreamError(new GatewayError('overloaded', 'busy'))).toBe(
      'data: {"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}\r\n\r\n',
    );
  });
});
