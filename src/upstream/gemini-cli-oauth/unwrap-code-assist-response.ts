import { GatewayError } from '../../canonical/index.js';
import { readSseBatches } from '../read-sse-events.js';

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

const encoder = new TextEncoder();

/**
 * A Code Assist SSE body (`data: {"response": {...}, "traceId": ...}`) → a Gemini API SSE body
 * (`data: {...}`), so the Gemini stream decoder does the rest. Chunks that are not wrappers (an
 * `{error}` chunk, anything unexpected) pass through unchanged for that decoder to judge.
 */
export async function* unwrapCodeAssistStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const batch of readSseBatches(body)) for (const event of batch) {
    const data = event.data.trim();
    if (data === '') continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      yield encoder.encode(`data: ${data.replace(/\n/g, '\ndata: ')}\n\n`);
      continue;
    }
    let out: unknown = chunk;
    if (isObject(chunk) && isObject(chunk['response'])) {
      try {
        out = unwrapCodeAssistResponse(chunk);
      } catch {
        out = chunk;
      }
    }
    yield encoder.encode(`data: ${JSON.stringify(out)}\n\n`);
  }
}
