import type { GeminiContent } from './gemini-content.js';

export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS'
  | 'IMAGE_PROHIBITED_CONTENT'
  | 'NO_IMAGE'
  | 'IMAGE_RECITATION'
  | 'IMAGE_OTHER';

/**
 * Gemini's usage: `promptTokenCount` INCLUDES cached tokens, `candidatesTokenCount` EXCLUDES
 * thoughts. In a stream every chunk's value is a cumulative snapshot: never sum them.
 */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  [field: string]: unknown;
}

export interface GeminiCandidate {
  index?: number;
  content?: GeminiContent;
  finishReason?: GeminiFinishReason | (string & {});
  finishMessage?: string;
  safetyRatings?: unknown[];
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  safetyRatings?: unknown[];
}

/** Non-streaming response, and each `data:` chunk of an SSE stream. */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
