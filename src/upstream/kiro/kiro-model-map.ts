import { InstanceConfigError } from '../../config/instance-record.js';

/**
 * Claude API model names → Kiro `modelId` (protocols.md §5.2; observed, churns). An instance's
 * `KIRO_MODEL_MAP` is laid over this table.
 */
export const DEFAULT_KIRO_MODEL_MAP: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': 'claude-sonnet-4.5',
  'claude-sonnet-4-5-20250929': 'claude-sonnet-4.5',
  'claude-haiku-4-5': 'claude-haiku-4.5',
  'claude-haiku-4-5-20251001': 'claude-haiku-4.5',
  'claude-opus-4-5': 'claude-opus-4.5',
  'claude-opus-4-5-20251101': 'claude-opus-4.5',
  'claude-sonnet-4-6': 'claude-sonnet-4.6',
  'claude-opus-4-6': 'claude-opus-4.6',
  'claude-sonnet-4-7': 'claude-sonnet-4.7',
  'claude-opus-4-7': 'claude-opus-4.7',
  'claude-sonnet-4-8': 'claude-sonnet-4.8',
  'claude-opus-4-8': 'claude-opus-4.8',
  'claude-sonnet-4-20250514': 'CLAUDE_SONNET_4_20250514_V1_0',
  'claude-3-7-sonnet-20250219': 'CLAUDE_3_7_SONNET_20250219_V1_0',
  auto: 'auto',
};

/** Models advertised by /v1/models for a Kiro pool. */
export const KIRO_DEFAULT_MODELS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-5',
  'claude-sonnet-4-6',
  'claude-opus-4-6',
];

/** Validates `KIRO_MODEL_MAP` (optional object of non-empty strings) and merges it over the defaults. */
export function parseKiroModelMap(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return DEFAULT_KIRO_MODEL_MAP;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InstanceConfigError('KIRO_MODEL_MAP', 'expected an object of Claude model name → Kiro model id');
  }
  const merged: Record<string, string> = { ...DEFAULT_KIRO_MODEL_MAP };
  for (const [name, id] of Object.entries(value as Record<string, unknown>)) {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new InstanceConfigError('KIRO_MODEL_MAP', `model "${name}" must map to a non-empty Kiro model id`);
    }
    merged[name] = id.trim();
  }
  return merged;
}

/**
 * The Kiro model id for a client model name: the map's entry, else the name without a trailing
 * `-YYYYMMDD` date if that is mapped, else the name itself (it may already be a Kiro id).
 */
export function kiroModelId(model: string, map: Readonly<Record<string, string>>): string {
  const direct = map[model];
  if (direct !== undefined) return direct;
  const undated = model.replace(/-\d{8}$/, '');
  return map[undated] ?? model;
}
