import { GatewayError } from '../canonical/index.js';

/**
 * The model ids of an OpenAI/Anthropic-style `GET /models` answer (`{ data: [{ id }] }`). A
 * missing `data` is an empty list; an answer that is not an object, or whose `data` is not an
 * array, is `bad_upstream_response` rather than a TypeError.
 */
export function modelListIds(body: unknown, what: string): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('bad_upstream_response', `${what} GET /models answered ${body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`}, not an object`);
  }
  const data = (body as { data?: unknown }).data;
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) throw new GatewayError('bad_upstream_response', `${what} GET /models answered a "data" that is not an array`);
  return data
    .map((model: unknown) => (typeof model === 'object' && model !== null ? (model as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === 'string');
}
