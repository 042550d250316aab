import { InstanceConfigError } from '../config/instance-record.js';

/** Validates a base-URL field of an instance; only http(s) URLs are accepted. */
export function parseBaseUrl(value: unknown, field: string): URL {
  if (typeof value !== 'string' || value.trim() === '') throw new InstanceConfigError(field, 'expected an http(s) URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InstanceConfigError(field, 'expected an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InstanceConfigError(field, 'expected an http(s) URL');
  return url;
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InstanceConfigError(field, 'expected a non-empty string');
  return value.trim();
}
