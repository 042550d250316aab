import type { IncomingHttpHeaders } from 'node:http';

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (value === undefined || value.length < 7 || value.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const key = value.slice(7).trim();
  return key === '' ? undefined : key;
}

/** OpenAI: `Authorization: Bearer`. Anthropic: `x-api-key`, or Bearer as some compatible vendors use. */
export function readApiKey(headers: IncomingHttpHeaders, protocol: 'openai' | 'anthropic'): string | undefined {
  if (protocol === 'anthropic') {
    const key = headers['x-api-key'];
    if (typeof key === 'string' && key !== '') return key;
  }
  return bearer(headers);
}
