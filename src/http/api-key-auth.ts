import { hash, timingSafeEqual } from 'node:crypto';
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
 * Compares keys in constant time. Both sides are hashed first so neither the content nor the
 * length of the configured key leaks through timing.
 */
export class ApiKeyCheck {
  private readonly expected: Buffer;

  constructor(key: string) {
    this.expected = hash('sha256', key, 'buffer');
  }

  matches(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    return timingSafeEqual(hash('sha256', candidate, 'buffer'), this.expected);
  }
}
