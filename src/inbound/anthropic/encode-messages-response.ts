import type { ChatResponse } from '../../canonical/index.js';
import { toolArgumentsObject } from '../../canonical/tool-arguments.js';
import type { AnthropicMessagesResponse, AnthropicResponseContentBlock } from '../../wire/anthropic/index.js';
import { encodeAnthropicStopReason } from './encode-stop-reason.js';
import { encodeAnthropicUsage } from './encode-usage.js';

/** Canonical response → Anthropic Messages response, echoing the model name the client asked for. */
export function encodeAnthropicMessagesResponse(response: ChatResponse, clientModel: string): AnthropicMessagesResponse {
  const content: AnthropicResponseContentBlock[] = [];
  let hasToolCalls = false;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        // Anthropic never returns empty text blocks, and clients echo blocks back next turn,
        // where an empty one is a 400.
        if (part.text !== '') content.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        if (part.redactedData !== undefined) {
          content.push({ type: 'redacted_thinking', data: part.redactedData });
        } else {
          content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
        }
        break;
      case 'tool-call':
        hasToolCalls = true;
        content.push({ type: 'tool_use', id: part.id, name: part.name, input: toolArgumentsObject(part.argumentsJson) });
        break;
    }
  }
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: clientModel,
    content,
    stop_reason: encodeAnthropicStopReason(response.finishReason, response.rawFinishReason, hasToolCalls),
    stop_sequence: null,
    usage: encodeAnthropicUsage(response.usage),
  };
}
