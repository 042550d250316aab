import type { Dispatcher } from 'undici';
import { GatewayError } from '../canonical/index.js';
import { mapTransportError } from './map-transport-error.js';

/** Reads a whole 2xx response as JSON; a body that is not JSON is the upstream's fault. */
export async function readJsonBody(response: Dispatcher.ResponseData, signal: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error) {
    throw mapTransportError(error, signal, 'reading the upstream response');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('bad_upstream_response', `upstream answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
