import { openAIFinishReason, openAIUsage } from './encode-openai-completion.js';
import type { EncodeContext } from './mock-protocol.js';
import type { MockReply } from './plan-reply.js';
import { splitText } from './split-text.js';

const REASONING_PIECES = 4;
const ARGUMENT_PIECES = 3;

/**
 * `chat.completion.chunk` events (protocols.md §1.3): same id/created on every chunk, role in the
 * first delta, the finish reason in the last, the `choices: []` usage chunk when asked, `[DONE]`.
 */
export function encodeOpenAIStream(reply: MockReply, ctx: EncodeContext): string[] {
  const head = `{"id":${JSON.stringify(`chatcmpl-${ctx.id}`)},"object":"chat.completion.chunk","created":${ctx.created},` +
    `"model":${JSON.stringify(ctx.model)},"system_fingerprint":"fp_mock","choices":`;
  const tail = ctx.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  const chunk = (delta: object, finish: string | null = null): string =>
    `data: ${head}${JSON.stringify([{ index: 0, delta, logprobs: null, finish_reason: finish }])}${tail}`;

  const frames: string[] = [];
  const toolHeader = reply.toolCall && {
    tool_calls: [{ index: 0, id: `call_${ctx.id}`, type: 'function', function: { name: reply.toolCall.name, arguments: '' } }],
  };
  if (toolHeader && reply.reasoning === undefined) {
    frames.push(chunk({ role: 'assistant', content: null, ...toolHeader }));
  } else {
    frames.push(chunk({ role: 'assistant', content: '' }));
  }
  if (reply.reasoning !== undefined) {
    for (const piece of splitText(reply.reasoning, REASONING_PIECES)) {
      frames.push(chunk({ content: null, reasoning_content: piece }));
    }
  }
  if (reply.text !== undefined) {
    for (const piece of splitText(reply.text, reply.singleChunk ? 1 : ctx.streamChunks)) frames.push(chunk({ content: piece }));
  }
  if (reply.toolCall) {
    if (reply.reasoning !== undefined && toolHeader) frames.push(chunk(toolHeader));
    for (const piece of splitText(reply.toolCall.argumentsJson, ARGUMENT_PIECES)) {
      frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
  }
  frames.push(chunk({}, openAIFinishReason(reply.finish)));
  if (ctx.includeUsage) frames.push(`data: ${head}[],"usage":${JSON.stringify(openAIUsage(reply))}}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}
