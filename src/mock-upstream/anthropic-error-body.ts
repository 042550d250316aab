const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** `{"type":"error","error":{type,message},"request_id"}` (protocols.md §2.4). */
export function anthropicErrorBody(status: number, message: string, requestId: string): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(status), message }, request_id: requestId });
}
