import { ID_SLOT, isTemplateSafe } from './byte-template.js';
import type { EncodeContext, MockProtocol } from './mock-protocol.js';
import type { MockReply } from './plan-reply.js';
import type { ReplyCache } from './reply-cache.js';

/**
 * The whole reply (JSON body, or every SSE event concatenated) as bytes, from the cache when the
 * same reply was rendered before: then it costs one copy plus the id. `created` of a cached reply
 * is the time it was first rendered.
 */
export function renderReply(
  cache: ReplyCache,
  protocol: MockProtocol,
  reply: MockReply,
  ctx: EncodeContext,
  stream: boolean,
): Buffer {
  const encode = (id: string): string => {
    const context = id === ctx.id ? ctx : { ...ctx, id };
    return stream ? protocol.encodeFrames(reply, context).join('') : protocol.encodeBody(reply, context);
  };
  const key = JSON.stringify([
    protocol.name, stream, ctx.includeUsage, ctx.model, ctx.streamChunks,
    reply.reasoning, reply.text, reply.toolCall?.name, reply.toolCall?.argumentsJson, reply.finish,
    reply.inputTokens, reply.outputTokens, reply.reasoningTokens, reply.singleChunk,
  ]);
  if (!isTemplateSafe(key)) return Buffer.from(encode(ctx.id));
  return cache.get(key, () => encode(ID_SLOT)).render(ctx.id);
}
