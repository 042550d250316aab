/** What a generation request says that decides the mock's reply, read from either wire format. */
export interface ReplyInput {
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Text of the last user message (text parts joined with '\n'); '' when there is none. */
  lastUserText: string;
  /** Set when the conversation ends with tool results (OpenAI `role:tool`, Anthropic `tool_result`). */
  toolResultText: string | undefined;
  /** The tool to call: the request has tools, ends with a user message and does not forbid tool use. */
  toolToCall: { name: string; hasCity: boolean } | undefined;
  /** Anthropic `thinking` enabled / OpenAI `reasoning_effort` set. */
  thinking: boolean;
  /** `max_tokens: 1`, as health-check probes send. */
  probe: boolean;
  /** Characters of prompt text (system, messages, tool declarations), for the usage estimate. */
  promptChars: number;
}

/** A reader's verdict: the reply input, or why the request is invalid (answered with a 400). */
export type ReadReplyInput = { ok: true; input: ReplyInput } | { ok: false; message: string };
