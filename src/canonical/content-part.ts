/** Protocol-neutral pieces of a message. Each wire codec maps its own shapes onto these. */

export interface TextPart {
  type: 'text';
  text: string;
  /** Anthropic prompt-cache marker, kept opaque so it survives a same-protocol round trip. */
  cacheControl?: unknown;
}

export type ImageSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  /** OpenAI's `detail` hint (auto|low|high); dropped by formats without one. */
  detail?: string;
  /** Anthropic prompt-cache marker (opaque); see TextPart.cacheControl. */
  cacheControl?: unknown;
}

export interface FilePart {
  type: 'file';
  mediaType: string;
  /** Base64 payload, or a URL/file id when the client referenced one. */
  data?: string;
  url?: string;
  fileId?: string;
  filename?: string;
  /** Anthropic prompt-cache marker (opaque); see TextPart.cacheControl. */
  cacheControl?: unknown;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic thinking signature / Gemini thoughtSignature; must travel back unchanged next turn. */
  signature?: string;
  /** Anthropic `redacted_thinking.data` or OpenAI Responses `encrypted_content`. */
  redactedData?: string;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** Arguments exactly as JSON text: never re-serialised, so key order and numbers survive. */
  argumentsJson: string;
  /** Anthropic prompt-cache marker (opaque); see TextPart.cacheControl. */
  cacheControl?: unknown;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** Gemini needs the function name on the response; other formats may omit it. */
  toolName?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  /**
   * Anthropic prompt-cache marker (opaque). Agent clients put their moving cache breakpoint on the
   * last block of the conversation, which is usually a tool result: losing it would re-bill the
   * whole prompt on every turn.
   */
  cacheControl?: unknown;
}

export type UserContentPart = TextPart | ImagePart | FilePart;
export type AssistantContentPart = TextPart | ReasoningPart | ToolCallPart;
