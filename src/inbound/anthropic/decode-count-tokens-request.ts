import type { ChatRequest } from '../../canonical/index.js';
import { decodeAnthropicMessagesRequest } from './decode-messages-request.js';

/** `POST /v1/messages/count_tokens` body: a Messages request without `max_tokens` and `stream`. */
export function decodeAnthropicCountTokensRequest(body: unknown): ChatRequest {
  const request = decodeAnthropicMessagesRequest(body, { requireMaxTokens: false });
  request.stream = false;
  return request;
}
