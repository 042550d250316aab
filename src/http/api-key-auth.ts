import { timingSafeEqual } from 'node:crypto';
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

/** Longest key compared; longer candidates are rejected (after the same fixed-cost comparison). */
const MAX_KEY_BYTES = 512;

/**
 * Compares keys in constant time without hashing (a SHA-256 per request showed in profiles):
 * both sides are laid into fixed 512-byte buffers and compared whole with timingSafeEqual, and
 * the lengths are compared after, so the time depends neither on the key's content nor on how
 * much of it a candidate gets right.
 */
export class ApiKeyCheck {
  private readonly expected = Buffer.alloc(MAX_KEY_BYTES);
  private readonly expectedBytes: number;
  private readonly scratch = Buffer.alloc(MAX_KEY_BYTES);

  constructor(key: string) {
    this.expectedBytes = Buffer.byteLength(key);
    if (this.expectedBytes > MAX_KEY_BYTES) throw new Error(`the gateway API key is longer than ${MAX_KEY_BYTES} bytes`);
    this.expected.write(key, 'utf8');
  }

  matches(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    const scratch = this.scratch;
    scratch.fill(0);
    const written = scratch.write(candidate, 'utf8');
    const same = timingSafeEqual(scratch, this.expected);
    return same && written === this.expectedBytes && candidate.length <= MAX_KEY_BYTES;
  }
}
