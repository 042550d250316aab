import { GatewayError } from '../../canonical/index.js';
import { QWEN_FALLBACK_BASE_URL } from './qwen-oauth-constants.js';

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

function badResourceUrl(resourceUrl: string, problem: string, cause?: unknown): GatewayError {
  return new GatewayError(
    'authentication',
    `Qwen credentials file field resource_url ${JSON.stringify(resourceUrl.slice(0, 200))} ${problem}; fix or remove it (or set QWEN_BASE_URL)`,
    { origin: 'gateway', ...(cause !== undefined ? { cause } : {}) },
  );
}

/**
 * The chat base URL from a creds file's `resource_url` (protocols.md §6.4): a bare host gets
 * `https://`, and `/v1` is appended unless the path already ends in it. Missing or blank falls back
 * to DashScope's compatible-mode endpoint, as qwen-code does. An unusable value is an
 * `authentication` error (the creds file needs fixing), so the instance cools and requests fail over.
 */
export function qwenBaseUrl(resourceUrl: unknown): URL {
  if (typeof resourceUrl !== 'string' || resourceUrl.trim() === '') return new URL(QWEN_FALLBACK_BASE_URL);
  let text = resourceUrl.trim();
  if (!HAS_SCHEME.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw badResourceUrl(resourceUrl, 'is not a valid URL', error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badResourceUrl(resourceUrl, 'is not an http(s) URL');
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1') ? path : `${path}/v1`;
  url.search = '';
  url.hash = '';
  return url;
}
