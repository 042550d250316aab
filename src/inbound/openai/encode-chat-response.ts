import type { ChatResponse } from '../../canonical/index.js';
import type { OpenAIChatResponse, OpenAIChatResponseMessage, OpenAIChatToolCall } from '../../wire/openai/index.js';
import { encodeOpenAIFinishReason } from './encode-openai-finish-reason.js';
import { encodeOpenAIUsage } from './encode-openai-usage.js';

/**
 * Encodes a canonical response as a `chat.completion` object. Text parts are concatenated,
 * reasoning text goes to the de-facto `reasoning_content` field (signatures have no slot in
 * Chat Completions and are dropped), and the client's own model name is echoed.
 */
export function encodeOpenAIChatResponse(response: ChatResponse, clientModel: string): OpenAIChatResponse {
  let text = '';
  let reasoning = '';
  const toolCalls: OpenAIChatToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') {
      text += part.text;
    } else if (part.type === 'reasoning') {
      reasoning += part.text;
    } else {
      toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.argumentsJson } });
    }
  }
  const message: OpenAIChatResponseMessage = {
    role: 'assistant',
    // OpenAI answers `content: null` for a pure tool-call turn and "" for an empty answer.
    content: text.length > 0 ? text : toolCalls.length > 0 ? null : '',
    refusal: null,
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: clientModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: encodeOpenAIFinishReason(response.finishReason, response.rawFinishReason, toolCalls.length > 0),
      },
    ],
    usage: encodeOpenAIUsage(response.usage),
    system_fingerprint: null,
  };
}
