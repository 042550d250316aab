import type { GeminiContent } from '../gemini/gemini-content.js';
import type { GeminiCountTokensResponse, GeminiGenerateContentRequest } from '../gemini/gemini-generate-content-request.js';
import type { GeminiGenerateContentResponse } from '../gemini/gemini-generate-content-response.js';

/**
 * The Vertex-style GenerateContentRequest inside the Code Assist wrapper (protocols.md §4.2): the
 * Gemini request plus the snake_case `session_id`.
 */
export type CodeAssistInnerRequest = GeminiGenerateContentRequest & { session_id?: string };

/** `POST /v1internal:generateContent` and `:streamGenerateContent?alt=sse` body. */
export interface CodeAssistGenerateContentRequest {
  /** Bare model id, no `models/` prefix. */
  model: string;
  /** The cloudaicompanion project from loadCodeAssist/onboardUser (or the configured PROJECT_ID). */
  project?: string;
  user_prompt_id?: string;
  request: CodeAssistInnerRequest;
  enabled_credit_types?: string[];
}

export interface CodeAssistCredit {
  creditType: string;
  /** int64 as a string. */
  creditAmount: string;
}

/** The answer of generateContent, and each `data:` event of the stream. */
export interface CodeAssistGenerateContentResponse {
  response?: GeminiGenerateContentResponse;
  traceId?: string;
  consumedCredits?: CodeAssistCredit[];
  remainingCredits?: CodeAssistCredit[];
  [field: string]: unknown;
}

/** `POST /v1internal:countTokens` body: the model keeps its `models/` prefix here. */
export interface CodeAssistCountTokensRequest {
  request: { model: string; contents: GeminiContent[] };
}

export type CodeAssistCountTokensResponse = GeminiCountTokensResponse;
