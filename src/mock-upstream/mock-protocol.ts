import type { MockReply } from './plan-reply.js';
import type { ReadReplyInput } from './reply-input.js';

/** Per-response values the encoders stamp into a reply. */
export interface EncodeContext {
  /** Unique per response; the encoders prefix it (`chatcmpl-`, `call_`, `msg_`, `toolu_`). */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  includeUsage: boolean;
  /** Content chunks of a streamed text block. */
  streamChunks: number;
}

/** Everything that differs between the OpenAI and the Anthropic side of the mock. */
export interface MockProtocol {
  readonly name: 'openai' | 'anthropic';
  /** Response header carrying the request id (`x-request-id` / `request-id`). */
  readonly requestIdHeader: string;
  readonly sseContentType: string;
  readRequest(body: unknown): ReadReplyInput;
  encodeBody(reply: MockReply, ctx: EncodeContext): string;
  /** Complete SSE events (`...\n\n`), in order. */
  encodeFrames(reply: MockReply, ctx: EncodeContext): string[];
  /** Error body in this protocol's shape; `code` is OpenAI's `error.code` (ignored by Anthropic). */
  errorBody(status: number, message: string, requestId: string, code?: string): string;
}
