import type { GeminiContent } from './gemini-content.js';

/** OpenAPI-3 subset schema (`type` in upper or lower case, `nullable`, no `$ref`). */
export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
  /** Full JSON Schema; mutually exclusive with `parameters`. */
  parametersJsonSchema?: Record<string, unknown>;
  response?: GeminiSchema;
}

/** One tools entry; non-function tools (`googleSearch`, `codeExecution`, `urlContext`) are opaque. */
export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [tool: string]: unknown;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED' | 'MODE_UNSPECIFIED';

export interface GeminiToolConfig {
  functionCallingConfig?: {
    mode?: GeminiFunctionCallingMode;
    allowedFunctionNames?: string[];
  };
  [field: string]: unknown;
}

export interface GeminiThinkingConfig {
  /** -1 dynamic, 0 off. */
  thinkingBudget?: number;
  includeThoughts?: boolean;
  /** Gemini 3. */
  thinkingLevel?: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'THINKING_LEVEL_UNSPECIFIED';
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
  [field: string]: unknown;
}

/** `POST /v1beta/models/{model}:generateContent` (and `:streamGenerateContent`) body. */
export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

/** `:countTokens` body: bare contents, or a whole generateContent request. */
export interface GeminiCountTokensRequest {
  contents?: GeminiContent[];
  generateContentRequest?: GeminiGenerateContentRequest & { model?: string };
}

export interface GeminiCountTokensResponse {
  totalTokens: number;
  cachedContentTokenCount?: number;
  promptTokensDetails?: Array<{ modality: string; tokenCount: number }>;
}
