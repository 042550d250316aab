import { QWEN_FALLBACK_BASE_URL } from './qwen-oauth-constants.js';

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The chat base URL from a creds file's `resource_url` (protocols.md §6.4): a bare host gets
 * `https://`, and `/v1` is appended unless the path already ends in it. Missing or blank falls back
 * to DashScope's compatible-mode endpoint, as qwen-code does.
 */
export function qwenBaseUrl(resourceUrl: unknown): URL {
  if (typeof resourceUrl !== 'string' || resourceUrl.trim() === '') return new URL(QWEN_FALLBACK_BASE_URL);
  let text = resourceUrl.trim();
  if (!HAS_SCHEME.test(text)) text = `https://${text}`;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`resource_url ${JSON.stringify(resourceUrl)} is not an http(s) URL`);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1') ? path : `${path}/v1`;
  url.search = '';
  url.hash = '';
  return url;
}
