import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/gateway-error.js';
import { googleCredsFormat, kiroCredsFormat, qwenCredsFormat, type OAuthTokens } from './creds-file-formats.js';
import { OAuthTokenSource, type RefreshedTokens } from './oauth-token-source.js';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const MINUTE = 60_000;

let dir: string;
let clock: number;
const now = (): number => clock;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poolgate-creds-'));
  clock = T0;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeJson(name: string, json: unknown, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(json), { mode });
  await chmod(path, mode);
  return path;
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A refresh function that counts calls and hands out tok-1, tok-2, ... valid for an hour. */
function countingRefresh(options: { rotate?: boolean } = {}) {
  const calls: OAuthTokens[] = [];
  const refresh = async (current: OAuthTokens): Promise<RefreshedTokens> => {
    calls.push(current);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const n = calls.length;
    return {
      accessToken: `tok-${n}`,
      ...(options.rotate ? { refreshToken: `rt-${n}` } : {}),
      expiresAt: clock + 60 * MINUTE,
    };
  };
  return { calls, refresh };
}

const googleFile = (expiresAt: number) => ({
  access_token: 'ya29.old',
  refresh_token: '1//refresh',
  scope: 'https://www.googleapis.com/auth/cloud-platform openid',
  token_type: 'Bearer',
  id_token: 'eyJ.id',
  expiry_date: expiresAt,
});

/** A Qwen Code creds file whose token has just expired. */
const expiredQwenFile = () => ({
  access_token: 'q-old',
  refresh_token: 'q-rt',
  token_type: 'Bearer',
  resource_url: 'portal.qwen.ai',
  expiry_date: T0 - 1,
});

describe('OAuthTokenSource', () => {
  it('returns the stored token while it is outside the refresh window', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 30 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, refreshWindowMs: 5 * MINUTE, now });
    expect(await source.getAccessToken()).toBe('ya29.old');
    clock = T0 + 24 * MINUTE;
    expect(await source.getAccessToken()).toBe('ya29.old');
    expect(calls).toHaveLength(0);
  });

  it('refreshes ahead of expiry once inside the refresh window, passing the current tokens', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 30 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, refreshWindowMs: 5 * MINUTE, now });
    expect(await source.getAccessToken()).toBe('ya29.old');
    clock = T0 + 26 * MINUTE; // 4 minutes before expiry, inside the 5-minute window
    expect(await source.getAccessToken()).toBe('tok-1');
    expect(calls).toEqual([{ accessToken: 'ya29.old', refreshToken: '1//refresh', expiresAt: T0 + 30 * MINUTE }]);
    expect(await source.getAccessToken()).toBe('tok-1');
    expect(calls).toHaveLength(1);
    const written = await readJson(path);
    expect(written).toMatchObject({ access_token: 'tok-1', refresh_token: '1//refresh', expiry_date: clock + 60 * MINUTE });
  });

  it('honours a larger refresh window', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 30 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, refreshWindowMs: 31 * MINUTE, now });
    expect(await source.getAccessToken()).toBe('tok-1');
    expect(calls).toHaveLength(1);
  });

  it('makes exactly one refresh call for ten concurrent callers on an expired token', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source.getAccessToken()));
    expect(tokens).toEqual(Array(10).fill('tok-1'));
    expect(calls).toHaveLength(1);
  });

  it('single-flights concurrent callers after the file was already loaded', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 10 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, refreshWindowMs: MINUTE, now });
    expect(await source.getAccessToken()).toBe('ya29.old');
    clock = T0 + 11 * MINUTE;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => source.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    expect(calls).toHaveLength(1);
  });

  it('forceRefresh refreshes a still-valid token, and concurrent 401s share one refresh', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 60 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    const rejected = await source.getAccessToken();
    expect(rejected).toBe('ya29.old');
    const results = await Promise.all(Array.from({ length: 5 }, () => source.forceRefresh(rejected)));
    expect(results).toEqual(Array(5).fill('tok-1'));
    expect(calls).toHaveLength(1);
    // A late 401 for the old token does not refresh again.
    expect(await source.forceRefresh(rejected)).toBe('tok-1');
    expect(calls).toHaveLength(1);
    // Without a rejected token it always refreshes.
    expect(await source.forceRefresh()).toBe('tok-2');
    expect(calls).toHaveLength(2);
    expect(await source.getAccessToken()).toBe('tok-2');
  });

  it('rejects every waiter of a failed refresh with an authentication error, then recovers', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const original = await readFile(path, 'utf8');
    let attempts = 0;
    const gate = deferred<void>();
    const refresh = async (): Promise<RefreshedTokens> => {
      attempts++;
      if (attempts === 1) {
        await gate.promise;
        throw new Error('invalid_grant: Token has been expired or revoked.');
      }
      return { accessToken: 'fresh', expiresAt: clock + 60 * MINUTE };
    };
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    const waiters = Array.from({ length: 10 }, () => source.getAccessToken().then(
      () => {
        throw new Error('expected rejection');
      },
      (error: unknown) => error,
    ));
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve();
    const errors = await Promise.all(waiters);
    expect(attempts).toBe(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('authentication');
      expect((error as GatewayError).message).toContain('invalid_grant: Token has been expired or revoked.');
    }
    expect(await readFile(path, 'utf8')).toBe(original);
    expect(await source.getAccessToken()).toBe('fresh');
    expect(attempts).toBe(2);
  });

  it('passes a transient refresh failure (token endpoint 5xx/429) through unchanged, not as authentication', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const blip = new GatewayError('overloaded', 'token refresh failed: HTTP 503', { upstreamStatus: 503 });
    const source = new OAuthTokenSource({
      path,
      format: googleCredsFormat,
      refresh: async () => {
        throw blip;
      },
      now,
    });
    await expect(source.getAccessToken()).rejects.toBe(blip);
  });

  it('maps raw transport failures of a refresh to upstream_unreachable / upstream_timeout', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const failures: unknown[] = [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
    ];
    const codes: string[] = [];
    for (const failure of failures) {
      const source = new OAuthTokenSource({
        path,
        format: googleCredsFormat,
        refresh: async () => {
          throw failure;
        },
        now,
      });
      const error = await source.getAccessToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).retryable).toBe(true);
      codes.push((error as GatewayError).code);
    }
    expect(codes).toEqual(['upstream_unreachable', 'upstream_timeout', 'upstream_timeout']);
  });

  it('keeps an authentication GatewayError from the refresher as authentication, naming the file', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const source = new OAuthTokenSource({
      path,
      format: googleCredsFormat,
      refresh: async () => {
        throw new GatewayError('authentication', 'HTTP 400 invalid_grant', { upstreamStatus: 400 });
      },
      now,
    });
    const error = (await source.getAccessToken().catch((e: unknown) => e)) as GatewayError;
    expect(error.code).toBe('authentication');
    expect(error.message).toContain(path);
    expect(error.message).toContain('invalid_grant');
  });

  it('treats an invalid refresh result as a failed refresh', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const source = new OAuthTokenSource({
      path,
      format: googleCredsFormat,
      refresh: async () => ({ accessToken: '', expiresAt: Number.NaN }),
      now,
    });
    await expect(source.getAccessToken()).rejects.toMatchObject({ code: 'authentication' });
  });

  it('keeps unknown fields and mode 0600 when rewriting the creds file', async () => {
    const original = {
      accessToken: 'aoa-old',
      refreshToken: 'aor-old',
      profileArn: 'arn:aws:codewhisperer:us-east-1:123456789012:profile/EXAMPLE',
      expiresAt: new Date(T0 - MINUTE).toISOString(),
      authMethod: 'social',
      provider: 'Google',
      nested: { keep: [1, 2, 3] },
    };
    const path = await writeJson('kiro-auth-token.json', original, 0o644);
    const { refresh } = countingRefresh({ rotate: true });
    const source = new OAuthTokenSource({ path, format: kiroCredsFormat, refresh, now });
    expect(await source.getAccessToken()).toBe('tok-1');
    const written = await readJson(path);
    expect(written).toEqual({
      ...original,
      accessToken: 'tok-1',
      refreshToken: 'rt-1',
      expiresAt: new Date(T0 + 60 * MINUTE).toISOString(),
    });
    expect(Object.keys(written)).toEqual(Object.keys(original));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await source.getCredsJson()).toEqual(written);
  });

  it('keeps the old refresh token when the refresh returns none (Qwen)', async () => {
    const path = await writeJson('oauth_creds.json', expiredQwenFile());
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: qwenCredsFormat, refresh, now });
    expect(await source.getAccessToken()).toBe('tok-1');
    expect(await readJson(path)).toEqual({
      access_token: 'tok-1',
      refresh_token: 'q-rt',
      token_type: 'Bearer',
      resource_url: 'portal.qwen.ai',
      expiry_date: T0 + 60 * MINUTE,
    });
    expect(calls[0]?.refreshToken).toBe('q-rt');
  });

  it('writes the fields a refresh hands out into the file, and a restart reads them', async () => {
    const path = await writeJson('oauth_creds.json', expiredQwenFile());
    const refresh = async () => ({ accessToken: 'q-new', expiresAt: T0 + 60 * MINUTE, fileFields: { resource_url: 'eu.portal.qwen.ai' } });
    const source = new OAuthTokenSource({ path, format: qwenCredsFormat, refresh, now });
    expect(await source.getAccessToken()).toBe('q-new');
    expect(await readJson(path)).toMatchObject({ access_token: 'q-new', refresh_token: 'q-rt', resource_url: 'eu.portal.qwen.ai' });
    expect((await source.getCredsJson()).resource_url).toBe('eu.portal.qwen.ai');
    const restarted = new OAuthTokenSource({ path, format: qwenCredsFormat, refresh, now });
    expect((await restarted.getCredsJson()).resource_url).toBe('eu.portal.qwen.ai');
  });

  it('refuses a refresh whose file fields are not strings, and leaves the file as it was', async () => {
    const original = expiredQwenFile();
    const path = await writeJson('oauth_creds.json', original);
    const refresh = async () => ({ accessToken: 'q-new', expiresAt: T0 + 60 * MINUTE, fileFields: { resource_url: 42 } as unknown as Record<string, string> });
    const source = new OAuthTokenSource({ path, format: qwenCredsFormat, refresh, now });
    await expect(source.getAccessToken()).rejects.toMatchObject({ code: 'authentication', message: expect.stringMatching(/non-string resource_url/) });
    expect(await readJson(path)).toEqual(original);
  });

  it('uses the rotated refresh token for the next refresh', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const { calls, refresh } = countingRefresh({ rotate: true });
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    await source.getAccessToken();
    await source.forceRefresh();
    expect(calls.map((c) => c.refreshToken)).toEqual(['1//refresh', 'rt-1']);
  });

  it('adopts tokens another process wrote to the file instead of refreshing', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 + 10 * MINUTE));
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, refreshWindowMs: MINUTE, now });
    expect(await source.getAccessToken()).toBe('ya29.old');
    await writeJson('oauth_creds.json', { ...googleFile(T0 + 70 * MINUTE), access_token: 'ya29.by-cli' });
    clock = T0 + 10 * MINUTE;
    expect(await source.getAccessToken()).toBe('ya29.by-cli');
    expect(calls).toHaveLength(0);
  });

  it('reports a corrupt creds file with its path and never overwrites it', async () => {
    const path = join(dir, 'oauth_creds.json');
    await writeFile(path, '{"access_token": "x", oops', { mode: 0o600 });
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('authentication');
    expect((error as GatewayError).message).toContain(path);
    await expect(source.forceRefresh()).rejects.toThrow(path);
    expect(calls).toHaveLength(0);
    expect(await readFile(path, 'utf8')).toBe('{"access_token": "x", oops');
  });

  it('reports a creds file corrupted after loading at refresh time, without overwriting it', async () => {
    const path = await writeJson('kiro-auth-token.json', {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: new Date(T0 + 60 * MINUTE).toISOString(),
    });
    const { calls, refresh } = countingRefresh();
    const source = new OAuthTokenSource({ path, format: kiroCredsFormat, refresh, now });
    expect(await source.getAccessToken()).toBe('a');
    await writeFile(path, '[]');
    await expect(source.forceRefresh('a')).rejects.toThrow(path);
    expect(calls).toHaveLength(0);
    expect(await readFile(path, 'utf8')).toBe('[]');
  });

  it('reports missing token fields and missing files with the path', async () => {
    const path = await writeJson('kiro-auth-token.json', { accessToken: 'a', expiresAt: 'soon' });
    const source = new OAuthTokenSource({ path, format: kiroCredsFormat, refresh: countingRefresh().refresh, now });
    await expect(source.getAccessToken()).rejects.toThrow(/kiro-auth-token\.json.*refreshToken/);
    const missing = join(dir, 'nope.json');
    const source2 = new OAuthTokenSource({ path: missing, format: kiroCredsFormat, refresh: countingRefresh().refresh, now });
    await expect(source2.getAccessToken()).rejects.toThrow(`${missing} does not exist`);
  });

  it('lets an aborted waiter stop waiting without cancelling the shared refresh', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const gate = deferred<void>();
    let calls = 0;
    const refresh = async (): Promise<RefreshedTokens> => {
      calls++;
      await gate.promise;
      return { accessToken: 'late', expiresAt: clock + 60 * MINUTE };
    };
    const source = new OAuthTokenSource({ path, format: googleCredsFormat, refresh, now });
    const controller = new AbortController();
    const aborted = source.getAccessToken(controller.signal);
    const patient = source.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'client_closed' });
    gate.resolve();
    expect(await patient).toBe('late');
    expect(calls).toBe(1);
    await expect(source.getAccessToken(AbortSignal.abort())).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('still serves refreshed tokens when the creds file cannot be written, reporting the failure', async () => {
    const path = await writeJson('oauth_creds.json', googleFile(T0 - MINUTE));
    const reported: GatewayError[] = [];
    const source = new OAuthTokenSource({
      path,
      format: googleCredsFormat,
      // Removing the directory after the file was re-read makes the atomic write fail (even as root).
      refresh: async () => {
        await rm(dir, { recursive: true, force: true });
        return { accessToken: 'kept-in-memory', expiresAt: clock + 60 * MINUTE };
      },
      now,
      onPersistError: (error) => reported.push(error),
    });
    expect(await source.getAccessToken()).toBe('kept-in-memory');
    expect(await source.getAccessToken()).toBe('kept-in-memory');
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain(path);
  });
});
