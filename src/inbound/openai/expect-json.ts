import { GatewayError } from '../../canonical/index.js';
import { isRecord } from '../expect-field.js';

/**
 * Small hand-rolled validators for client request bodies. Decoding is on the hot path, so the
 * decoders walk the parsed JSON once with these instead of building a schema object per request.
 * Every failure is a `GatewayError.invalidRequest` naming the offending field path.
 */

export type JsonObject = Record<string, unknown>;

/** A plain JSON object: the same check as the other decoders' `isRecord`. */
export const isJsonObject: (value: unknown) => value is JsonObject = isRecord;

export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : 'a long string';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function invalidField(path: string, expected: string, value: unknown): GatewayError {
  return GatewayError.invalidRequest(`Invalid value for '${path}': expected ${expected}, got ${describeJson(value)}.`, path);
}

export function missingField(path: string): GatewayError {
  return GatewayError.invalidRequest(`Missing required parameter: '${path}'.`, path);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (isJsonObject(value)) return value;
  throw value === undefined ? missingField(path) : invalidField(path, 'an object', value);
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw value === undefined ? missingField(path) : invalidField(path, 'an array', value);
}

export function expectString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  throw value === undefined ? missingField(path) : invalidField(path, 'a string', value);
}

export function expectNonEmptyString(value: unknown, path: string): string {
  const text = expectString(value, path);
  if (text.length === 0) throw GatewayError.invalidRequest(`Invalid value for '${path}': must not be empty.`, path);
  return text;
}

/** `undefined` and `null` both mean "not given": SDKs send explicit nulls for unset options. */
export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw invalidField(path, 'a string', value);
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw invalidField(path, 'a number', value);
}

export function optionalInteger(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw invalidField(path, 'an integer', value);
}

/** A token limit (`max_tokens`, `max_output_tokens`, ...): an integer of at least 1. */
export function optionalTokenLimit(value: unknown, path: string): number | undefined {
  const limit = optionalInteger(value, path);
  if (limit !== undefined && limit < 1) throw invalidField(path, 'an integer >= 1', value);
  return limit;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  throw invalidField(path, 'a boolean', value);
}

export function optionalObject(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (isJsonObject(value)) return value;
  throw invalidField(path, 'an object', value);
}
