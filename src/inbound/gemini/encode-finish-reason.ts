import type { FinishReason } from '../../canonical/index.js';
import type { GeminiFinishReason } from '../../wire/gemini/index.js';

const GEMINI_FINISH_REASONS: ReadonlySet<string> = new Set<GeminiFinishReason>([
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT',
  'NO_IMAGE',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
]);

const FROM_CANONICAL: Record<FinishReason, GeminiFinishReason> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  // Gemini has no tool-call finish reason: a call ends with STOP and functionCall parts.
  'tool-calls': 'STOP',
  'content-filter': 'SAFETY',
  error: 'OTHER',
  other: 'OTHER',
};

/** Canonical finish → Gemini `finishReason`; a Gemini upstream's own value (RECITATION, ...) wins. */
export function encodeGeminiFinishReason(finishReason: FinishReason, rawFinishReason: string | undefined): GeminiFinishReason {
  if (rawFinishReason !== undefined && GEMINI_FINISH_REASONS.has(rawFinishReason)) return rawFinishReason as GeminiFinishReason;
  return FROM_CANONICAL[finishReason];
}
