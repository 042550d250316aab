export interface GeminiModel {
  /** `models/{id}`. */
  name: string;
  version?: string;
  displayName?: string;
  description?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  supportedGenerationMethods: string[];
  thinking?: boolean;
}

/** `GET /v1beta/models` page. */
export interface GeminiModelList {
  models: GeminiModel[];
  nextPageToken?: string;
}
