import { GatewayError } from '../canonical/index.js';

/**
 * Hand-written field checks shared by the request decoders: on the hot path a schema library costs
 * more than the whole translation. Each throws `invalid_request` naming the parameter at fault.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(param: string, message: string): never {
  throw GatewayError.invalidRequest(`${param}: ${message}`, param);
}

export function expectRecord(value: unknown, param: string): Record<string, unknown> {
  if (!isRecord(value)) fail(param, 'must be an object');
  return value;
}

export function expectArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) fail(param, 'must be an array');
  return value;
}

export function expectString(value: unknown, param: string): string {
  if (typeof value !== 'string') fail(param, 'must be a string');
  return value;
}

export function optionalString(value: unknown, param: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, param);
}

export function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(param, 'must be a number');
  return value;
}

/** A token limit (`max_tokens`, `maxOutputTokens`, ...): an integer of at least 1. */
export function optionalTokenLimit(value: unknown, param: string): number | undefined {
  return optionalInteger(value, param, 1);
}

export function optionalInteger(value: unknown, param: string, min = 0): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(param, `must be an integer >= ${min}`);
  }
  return value;
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(param, 'must be a boolean');
  return value;
}

export function optionalStringArray(value: unknown, param: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = expectArray(value, param);
  for (let i = 0; i < items.length; i++) expectString(items[i], `${param}[${i}]`);
  return items as string[];
}
