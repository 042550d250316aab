import { encodeOpenAICompletion } from './encode-openai-completion.js';
import { encodeOpenAIStream } from './encode-openai-stream.js';
import type { MockProtocol } from './mock-protocol.js';
import { openAIErrorBody } from './openai-error-body.js';
import { readOpenAIChatRequest } from './read-openai-chat-request.js';

export const openAIProtocol: MockProtocol = {
  name: 'openai',
  requestIdHeader: 'x-request-id',
  sseContentType: 'text/event-stream',
  readRequest: readOpenAIChatRequest,
  encodeBody: encodeOpenAICompletion,
  encodeFrames: encodeOpenAIStream,
  errorBody: openAIErrorBody,
};
