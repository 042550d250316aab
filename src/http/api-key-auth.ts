import type { IncomingHttpHeaders } from 'node:http';

/** The gateway key as any of our client protocols sends it. */
export function extractApiKey(headers: IncomingHttpHeaders, search: string): string | undefined {
  const authorization = headers.authorization;
  if (authorization && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') return authorization.slice(7).trim();
  const xApiKey = headers['x-api-key'];
  if (typeof xApiKey === 'string' && xApiKey) return xApiKey;
  const googKey = headers['x-goog-api-key'];
  if (typeof googKey === 'string' && googKey) return googKey;
  if (search.includes('key=')) return new URLSearchParams(search).get('key') ?? undefined;
  return undefined;
}

/**
 * Compares keys in constant time without hashing or buffers (a SHA-256, and later two 512-byte
 * buffer fills, per request both showed in profiles). The loop runs over the candidate, cycling
 * through the key, and ORs every difference together: its time depends on the candidate's length,
 * which the caller knows anyway, and on neither the key's content nor how much of it a candidate
 * gets right. The lengths are folded into the same difference, so no branch exits early.
 */
export class ApiKeyCheck {
  constructor(private readonly key: string) {
    if (key.length === 0) throw new Error('the gateway API key must not be empty');
  }

  matches(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    const key = this.key;
    const keyLength = key.length;
    let difference = candidate.length ^ keyLength;
    for (let i = 0; i < candidate.length; i++) difference |= candidate.charCodeAt(i) ^ key.charCodeAt(i % keyLength);
    return difference === 0;
  }
}
