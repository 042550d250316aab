import { GatewayError } from '../canonical/index.js';

/** Parses a request body once; anything but a JSON object is the client's error. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw GatewayError.invalidRequest(`request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw GatewayError.invalidRequest('request body must be a JSON object');
  return value as Record<string, unknown>;
}
