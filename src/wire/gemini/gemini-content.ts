/**
 * Gemini `Content` and `Part`, in the lowerCamelCase spelling the API returns. Requests may use the
 * proto snake_case originals too (`inline_data`, `function_call`, ...); decoders accept both.
 */

export interface GeminiBlob {
  mimeType: string;
  /** Raw base64, never a `data:` URL. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  /** Optional and usually absent on the Gemini API. */
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Must be a JSON object; by convention `{output: ...}` or `{error: ...}`. */
  response: Record<string, unknown>;
  /** Multimodal function responses (newer models). */
  parts?: GeminiPart[];
}

/** Exactly one data field plus optional metadata. */
export interface GeminiPart {
  text?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
  /** The part is a thought summary, not visible output. */
  thought?: boolean;
  /** Opaque base64; must be echoed back unchanged on the part that carried it. */
  thoughtSignature?: string;
  videoMetadata?: unknown;
}

export interface GeminiContent {
  /** `user` | `model` (older code: `function`). Ignored on `systemInstruction`. */
  role?: string;
  parts: GeminiPart[];
}
