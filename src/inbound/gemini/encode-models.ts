import type { GeminiModel, GeminiModelList } from '../../wire/gemini/index.js';

export interface GeminiModelEntry {
  id: string;
  displayName?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
}

/** Clients list only models whose methods include `generateContent`. */
const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];

/** One `Model` (`GET /v1beta/models/{model}`); the id gets the `models/` prefix clients strip. */
export function encodeGeminiModel(model: string | GeminiModelEntry): GeminiModel {
  const entry = typeof model === 'string' ? { id: model } : model;
  return {
    name: entry.id.startsWith('models/') ? entry.id : `models/${entry.id}`,
    version: '001',
    displayName: entry.displayName ?? entry.id,
    ...(entry.inputTokenLimit !== undefined ? { inputTokenLimit: entry.inputTokenLimit } : {}),
    ...(entry.outputTokenLimit !== undefined ? { outputTokenLimit: entry.outputTokenLimit } : {}),
    supportedGenerationMethods: [...METHODS],
  };
}

/** `GET /v1beta/models`: everything in one page. */
export function encodeGeminiModels(ids: ReadonlyArray<string | GeminiModelEntry>): GeminiModelList {
  return { models: ids.map(encodeGeminiModel) };
}
