import { estimateTokens, promptTokens } from './estimate-tokens.js';
import type { ReplyInput } from './reply-input.js';

export const MULTIBYTE_MARKER = '[multibyte]';
/** CJK, emoji (4-byte, surrogate pairs) and Latin-1 accents: every UTF-8 sequence length. */
export const MULTIBYTE_REPLY = '你好，世界！🌍🚀 ünïcödé — 多字节测试 ✅';
export const PROBE_REPLY = 'Hi';
export const SIGNATURE = 'EqMBCkYIBhgCIkBtb2NrLXNpZ25hdHVyZS1mb3ItdGhpbmtpbmctYmxvY2s=';

export type ReplyFinish = 'stop' | 'length' | 'tool_call';

/** The reply, independent of wire format. */
export interface MockReply {
  reasoning: string | undefined;
  text: string | undefined;
  toolCall: { name: string; argumentsJson: string; input: Record<string, string> } | undefined;
  finish: ReplyFinish;
  inputTokens: number;
  /** Includes reasoning tokens. */
  outputTokens: number;
  reasoningTokens: number;
  /** Stream the raw bytes so multi-byte characters are cut across socket writes. */
  splitCharacters: boolean;
  /** Stream the text as one delta (the 1-token probe reply) instead of streamChunks pieces. */
  singleChunk: boolean;
}

/** The deterministic reply rules: probe, tool result, multibyte marker, tool call, echo. */
export function planReply(input: ReplyInput): MockReply {
  const inputTokens = promptTokens(input.promptChars);
  if (input.probe) {
    return {
      reasoning: undefined,
      text: PROBE_REPLY,
      toolCall: undefined,
      finish: 'length',
      inputTokens,
      outputTokens: 1,
      reasoningTokens: 0,
      splitCharacters: false,
      singleChunk: true,
    };
  }
  const reasoning = input.thinking ? `Mock reasoning about: ${input.lastUserText}` : undefined;
  let text: string | undefined;
  let toolCall: MockReply['toolCall'];
  let splitCharacters = false;
  if (input.toolResultText !== undefined) {
    text = `Tool said: ${input.toolResultText}`;
  } else if (input.lastUserText.includes(MULTIBYTE_MARKER)) {
    text = MULTIBYTE_REPLY;
    splitCharacters = input.stream;
  } else if (input.toolToCall !== undefined) {
    const args: Record<string, string> = input.toolToCall.hasCity ? { city: 'Paris' } : {};
    toolCall = { name: input.toolToCall.name, argumentsJson: JSON.stringify(args), input: args };
  } else {
    text = `Hello from mock! You said: ${input.lastUserText}`;
  }
  const reasoningTokens = estimateTokens(reasoning?.length ?? 0);
  const outputChars = (text?.length ?? 0) + (toolCall ? toolCall.name.length + toolCall.argumentsJson.length : 0);
  return {
    reasoning,
    text,
    toolCall,
    finish: toolCall ? 'tool_call' : 'stop',
    inputTokens,
    outputTokens: reasoningTokens + Math.max(1, estimateTokens(outputChars)),
    reasoningTokens,
    splitCharacters,
    singleChunk: false,
  };
}
