import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The conversation a request belongs to: an explicit `x-session-id` header first; else a hash of
 * the conversation's opening (system prompt and first user turn), which stays the same as the
 * conversation grows. Returns undefined when there is nothing distinctive to hash, so sessions
 * never collapse onto one shared key.
 */
export function sessionKeyOf(headers: IncomingHttpHeaders, openingOf: () => unknown): string | undefined {
  const explicit = headers['x-session-id'];
  if (typeof explicit === 'string' && explicit) return `id:${explicit}`;
  // Asked only now: the opening needs the parsed body, which the fast path otherwise never builds.
  const opening = openingOf();
  if (opening === undefined || opening === null) return undefined;
  const text = typeof opening === 'string' ? opening : JSON.stringify(opening);
  if (!text || text === '[]' || text === '{}') return undefined;
  return `h:${createHash('sha1').update(text).digest('base64url')}`;
}
