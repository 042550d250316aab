import type { ChatRequest } from '../../canonical/index.js';
import type { CodeAssistCountTokensRequest, CodeAssistGenerateContentRequest } from '../../wire/code-assist/index.js';
import { encodeGeminiUpstreamRequest } from '../gemini/encode-generate-content-request.js';

/** Code Assist wants the bare model id; clients of the Gemini API may send `models/...`. */
export function bareModelId(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

/**
 * Canonical request → Code Assist `generateContent` body (protocols.md §4.2): the Gemini request
 * wrapped as `{model, project, request}`, the model bare and outside the request.
 */
export function encodeCodeAssistRequest(request: ChatRequest, project: string | undefined): CodeAssistGenerateContentRequest {
  return {
    model: bareModelId(request.model),
    ...(project !== undefined ? { project } : {}),
    request: encodeGeminiUpstreamRequest(request),
  };
}

/** The cheapest countTokens body: one tiny user turn (protocols.md §4.1; non-billable). */
export function encodeCodeAssistCountTokensProbe(model: string): CodeAssistCountTokensRequest {
  return { request: { model: `models/${bareModelId(model)}`, contents: [{ role: 'user', parts: [{ text: 'ping' }] }] } };
}
