import { describe, expect, it } from 'vitest';
import { googleCredsFormat, kiroCredsFormat, qwenCredsFormat } from './creds-file-formats.js';

describe('creds file formats', () => {
  it('google reads and writes snake_case fields with epoch-ms expiry', () => {
    const json = { access_token: 'a', refresh_token: 'r', expiry_date: 1767225600000, scope: 's' };
    expect(googleCredsFormat.read(json)).toEqual({ accessToken: 'a', refreshToken: 'r', expiresAt: 1767225600000 });
    expect(googleCredsFormat.write(json, { accessToken: 'b', refreshToken: 'r2', expiresAt: 5 })).toEqual({
      access_token: 'b',
      refresh_token: 'r2',
      expiry_date: 5,
      scope: 's',
    });
    expect(json.access_token).toBe('a');
  });

  it('qwen uses the same field names', () => {
    const json = { access_token: 'a', refresh_token: 'r', expiry_date: 10, resource_url: 'portal.qwen.ai' };
    expect(qwenCredsFormat.read(json)).toEqual({ accessToken: 'a', refreshToken: 'r', expiresAt: 10 });
    expect(qwenCredsFormat.write(json, { accessToken: 'b', refreshToken: 'r', expiresAt: 11 })).toMatchObject({
      resource_url: 'portal.qwen.ai',
      expiry_date: 11,
    });
  });

  it('kiro reads and writes an ISO-8601 expiresAt', () => {
    const json = { accessToken: 'a', refreshToken: 'r', expiresAt: '2026-01-01T12:00:00.000Z', region: 'us-east-1' };
    expect(kiroCredsFormat.read(json)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.parse('2026-01-01T12:00:00.000Z'),
    });
    expect(
      kiroCredsFormat.write(json, { accessToken: 'b', refreshToken: 'r', expiresAt: Date.parse('2026-01-01T13:00:00Z') }),
    ).toEqual({ accessToken: 'b', refreshToken: 'r', expiresAt: '2026-01-01T13:00:00.000Z', region: 'us-east-1' });
  });

  it('treats a missing expiry as already expired', () => {
    expect(googleCredsFormat.read({ access_token: 'a', refresh_token: 'r' }).expiresAt).toBe(0);
    expect(kiroCredsFormat.read({ accessToken: 'a', refreshToken: 'r' }).expiresAt).toBe(0);
  });

  it('rejects missing tokens and malformed expiries', () => {
    expect(() => googleCredsFormat.read({ access_token: 'a' })).toThrow(/refresh_token/);
    expect(() => googleCredsFormat.read({ access_token: 'a', refresh_token: 'r', expiry_date: '2026' })).toThrow(
      /expiry_date/,
    );
    expect(() => kiroCredsFormat.read({ accessToken: 'a', refreshToken: 'r', expiresAt: 'soon' })).toThrow(/expiresAt/);
    expect(() => kiroCredsFormat.read({ refreshToken: 'r' })).toThrow(/accessToken/);
  });
});
