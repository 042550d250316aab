import { GatewayError } from '../../canonical/index.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `{response, traceId, ...}` → the Gemini `GenerateContentResponse` inside (protocols.md §4.3).
 * Like gemini-cli, the traceId stands in for a missing responseId. An `{error}` body is returned
 * unchanged so the Gemini decoders report it.
 */
export function unwrapCodeAssistResponse(body: unknown): unknown {
  if (!isObject(body)) throw new GatewayError('bad_upstream_response', 'Code Assist upstream: body is not a JSON object');
  if (isObject(body['error'])) return body;
  const inner = body['response'];
  if (!isObject(inner)) {
    // Some proxies already unwrap; a bare GenerateContentResponse is accepted as is.
    if ('candidates' in body || 'promptFeedback' in body) return body;
    throw new GatewayError('bad_upstream_response', 'Code Assist upstream: the answer has no `response` object');
  }
  const traceId = body['traceId'];
  if (typeof inner['responseId'] !== 'string' && typeof traceId === 'string' && traceId !== '') return { ...inner, responseId: traceId };
  return inner;
}

/**
 * One parsed chunk of a Code Assist stream → the Gemini chunk inside, for the Gemini stream
 * decoder (its `unwrapChunk`). Chunks that are not wrappers (an `{error}` chunk, anything
 * unexpected) pass through unchanged for that decoder to judge.
 */
export function unwrapCodeAssistChunk(chunk: unknown): unknown {
  return isObject(chunk) && isObject(chunk['response']) ? unwrapCodeAssistResponse(chunk) : chunk;
}
