import { anthropicErrorBody } from './anthropic-error-body.js';
import { encodeAnthropicMessage } from './encode-anthropic-message.js';
import { encodeAnthropicStream } from './encode-anthropic-stream.js';
import type { MockProtocol } from './mock-protocol.js';
import { readAnthropicMessagesRequest } from './read-anthropic-messages-request.js';

export const anthropicProtocol: MockProtocol = {
  name: 'anthropic',
  requestIdHeader: 'request-id',
  sseContentType: 'text/event-stream; charset=utf-8',
  readRequest: (body) => readAnthropicMessagesRequest(body),
  encodeBody: encodeAnthropicMessage,
  encodeFrames: encodeAnthropicStream,
  errorBody: anthropicErrorBody,
};
