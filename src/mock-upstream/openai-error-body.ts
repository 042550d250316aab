/** `{"error":{message,type,param,code}}` (protocols.md §1.4), type and default code chosen by status. */
export function openAIErrorBody(status: number, message: string, _requestId: string, code?: string): string {
  let type = 'invalid_request_error';
  let defaultCode: string | null = null;
  if (status === 401) defaultCode = 'invalid_api_key';
  else if (status === 429) {
    type = 'requests';
    defaultCode = 'rate_limit_exceeded';
  } else if (status >= 500) type = 'server_error';
  return JSON.stringify({ error: { message, type, param: null, code: code ?? defaultCode } });
}
