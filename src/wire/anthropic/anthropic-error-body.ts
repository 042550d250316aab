export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorObject {
  type: AnthropicErrorType | (string & {});
  message: string;
}

/** Error body of every Anthropic endpoint, and the `data:` of an in-stream `event: error`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: AnthropicErrorObject;
  request_id?: string;
}
