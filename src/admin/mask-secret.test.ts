import { describe, expect, it } from 'vitest';
import { maskedCredentials, maskSecret, redactCredentials } from './mask-secret.js';

describe('maskSecret', () => {
  it('keeps a key prefix and the last four characters', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnop9f3c')).toBe('sk-…9f3c');
    expect(maskSecret('AIzaSyD-abcdefghijklmnopqrs')).toBe('…pqrs');
    expect(maskSecret('rk_abcdefghijklmnopqrstu')).toBe('rk_…rstu');
  });

  it('shows nothing of short values or non-strings', () => {
    expect(maskSecret('sk-1')).toBe('…');
    expect(maskSecret('short-key12')).toBe('…');
    expect(maskSecret(12345678901234)).toBe('…');
    expect(maskSecret({ refresh_token: 'x' })).toBe('…');
  });

  it('shows a URL as its origin only: user info, path and query may hold keys', () => {
    expect(maskSecret('https://user:pass@api.example.com/v1/key/abc?key=zzz')).toBe('https://api.example.com/…');
    expect(maskSecret('http://127.0.0.1:4000/v1')).toBe('http://127.0.0.1:4000/…');
  });
});

describe('maskedCredentials', () => {
  it('masks every provider field and leaves out poolgate fields', () => {
    const masked = maskedCredentials({
      uuid: 'u-1',
      customName: 'eu',
      usageCount: 3,
      OPENAI_API_KEY: 'sk-live-0123456789abcdef',
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      GEMINI_OAUTH_CREDS_FILE_PATH: './creds/oauth_creds.json',
      PROJECT_ID: null,
    });
    expect(masked).toEqual({ OPENAI_API_KEY: 'sk-…cdef', OPENAI_BASE_URL: 'https://api.openai.com/…', GEMINI_OAUTH_CREDS_FILE_PATH: '…json' });
    expect(JSON.stringify(masked)).not.toContain('0123456789');
  });
});

describe('redactCredentials', () => {
  it('masks credential values an error message echoes', () => {
    const record = { uuid: 'u-1', OPENAI_API_KEY: 'sk-live-0123456789abcdef', customName: 'sk-live' };
    expect(redactCredentials('401: Incorrect API key provided: sk-live-0123456789abcdef (sk-live-0123456789abcdef)', record)).toBe(
      '401: Incorrect API key provided: sk-…cdef (sk-…cdef)',
    );
    expect(redactCredentials('nothing secret here', record)).toBe('nothing secret here');
  });
});
