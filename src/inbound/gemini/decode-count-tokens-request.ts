import type { ChatRequest } from '../../canonical/index.js';
import { decodeGeminiRequest } from './decode-generate-content-request.js';
import { expectRecord, fail, isRecord } from '../expect-field.js';
import { pick } from './pick-field.js';

/**
 * `:countTokens` body → canonical request: either `{contents}` or
 * `{generateContentRequest: {model, contents, systemInstruction, tools, generationConfig}}`
 * (only the second form counts the system instruction and tools).
 */
export function decodeGeminiCountTokensRequest(body: unknown, modelFromPath: string): ChatRequest {
  if (!isRecord(body)) fail('body', 'must be a JSON object');
  const wrapped = pick(body, 'generateContentRequest', 'generate_content_request');
  if (wrapped !== undefined && wrapped !== null) {
    return decodeGeminiRequest(expectRecord(wrapped, 'generateContentRequest'), modelFromPath, false, { allowEmptyContents: true });
  }
  return decodeGeminiRequest({ contents: body['contents'] ?? [] }, modelFromPath, false, { allowEmptyContents: true });
}
