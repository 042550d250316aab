import type { AnthropicModelInfo, AnthropicModelList } from '../../wire/anthropic/index.js';

export interface AnthropicModelEntry {
  id: string;
  displayName?: string;
  /** RFC 3339; clients only display it. */
  createdAt?: string;
}

/** Anthropic has no "unknown" date; the epoch tells a reader this gateway does not know it. */
const UNKNOWN_CREATED_AT = '1970-01-01T00:00:00Z';

export function encodeAnthropicModel(model: string | AnthropicModelEntry): AnthropicModelInfo {
  const entry = typeof model === 'string' ? { id: model } : model;
  return {
    type: 'model',
    id: entry.id,
    display_name: entry.displayName ?? entry.id,
    created_at: entry.createdAt ?? UNKNOWN_CREATED_AT,
  };
}

/** `GET /v1/models`: the gateway lists everything in one page. */
export function encodeAnthropicModels(models: ReadonlyArray<string | AnthropicModelEntry>): AnthropicModelList {
  const data = models.map(encodeAnthropicModel);
  return {
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}
