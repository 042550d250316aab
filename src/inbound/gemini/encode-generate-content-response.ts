import type { ChatResponse } from '../../canonical/index.js';
import type { GeminiGenerateContentResponse } from '../../wire/gemini/index.js';
import { encodeGeminiFinishReason } from './encode-finish-reason.js';
import { encodeGeminiModelParts } from './encode-model-parts.js';
import { encodeGeminiUsageMetadata } from './encode-usage-metadata.js';

/**
 * Canonical response → Gemini `GenerateContentResponse` with one candidate. Function calls carry
 * no id, as on the real Gemini API: the next request's decoder matches responses by name and order.
 */
export function encodeGeminiResponse(response: ChatResponse, clientModel: string): GeminiGenerateContentResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts: encodeGeminiModelParts(response.content) },
        finishReason: encodeGeminiFinishReason(response.finishReason, response.rawFinishReason),
        index: 0,
      },
    ],
    usageMetadata: encodeGeminiUsageMetadata(response.usage),
    modelVersion: clientModel,
    responseId: response.id,
  };
}
