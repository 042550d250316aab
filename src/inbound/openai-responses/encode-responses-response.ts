import type { ChatRequest, ChatResponse } from '../../canonical/index.js';
import type {
  OpenAIResponsesOutputItem,
  OpenAIResponsesOutputMessage,
  OpenAIResponsesResponse,
} from '../../wire/openai-responses/index.js';
import {
  encodeOpenAIResponsesEnvelope,
  responsesItemId,
  responsesOutcome,
  toResponsesId,
} from './encode-responses-envelope.js';

/**
 * Encodes a canonical response as a Responses API `response` object: reasoning parts become
 * `reasoning` items (text as a summary, redacted data as `encrypted_content`), each run of text
 * parts one `message` item, each tool call a `function_call` item, in content order.
 */
export function encodeOpenAIResponsesResponse(response: ChatResponse, clientModel: string, request?: ChatRequest): OpenAIResponsesResponse {
  const id = toResponsesId(response.id);
  const outcome = responsesOutcome(response.finishReason);
  const itemStatus = outcome.status === 'incomplete' ? 'incomplete' : 'completed';
  const output: OpenAIResponsesOutputItem[] = [];
  let message: OpenAIResponsesOutputMessage | undefined;
  for (const part of response.content) {
    if (part.type === 'text') {
      if (message === undefined) {
        message = { type: 'message', id: responsesItemId('msg', id, output.length), role: 'assistant', status: itemStatus, content: [] };
        output.push(message);
        message.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
      }
      message.content[0]!.text += part.text;
      continue;
    }
    message = undefined;
    if (part.type === 'reasoning') {
      const item: OpenAIResponsesOutputItem = {
        type: 'reasoning',
        id: responsesItemId('rs', id, output.length),
        summary: part.text.length > 0 ? [{ type: 'summary_text', text: part.text }] : [],
      };
      if (part.redactedData !== undefined) item.encrypted_content = part.redactedData;
      output.push(item);
    } else {
      output.push({
        type: 'function_call',
        id: responsesItemId('fc', id, output.length),
        call_id: part.id,
        name: part.name,
        arguments: part.argumentsJson,
        status: 'completed',
      });
    }
  }
  return encodeOpenAIResponsesEnvelope({ id, createdAt: response.created, model: clientModel, output, usage: response.usage, outcome, request });
}
