import type { ServerResponse } from 'node:http';
import type { MockProtocol } from './mock-protocol.js';
import { sendJson } from './send-json.js';

const MESSAGES: Record<number, string> = {
  429: 'Rate limit reached for requests (mock fault).',
  500: 'The server had an error while processing your request (mock fault).',
  502: 'Bad gateway (mock fault).',
  503: 'The engine is currently overloaded, please try again later (mock fault).',
  529: 'Overloaded',
};

/** The `status` fault: its own body if given, else an error in the protocol's shape; `retry-after` if set. */
export function sendFaultStatus(
  res: ServerResponse,
  protocol: MockProtocol,
  fault: { status: number; retryAfter?: string; body?: string },
  requestId: string,
): void {
  const body = fault.body ?? protocol.errorBody(fault.status, MESSAGES[fault.status] ?? `Mock fault: HTTP ${fault.status}.`, requestId);
  sendJson(res, protocol, fault.status, body, requestId, fault.retryAfter === undefined ? [] : ['retry-after', fault.retryAfter]);
}
