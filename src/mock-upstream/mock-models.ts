export const OPENAI_MODEL_IDS = ['gpt-4o-mini', 'gpt-4o', 'mock-gpt'] as const;
export const ANTHROPIC_MODEL_IDS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-1-20250805'] as const;

const OPENAI_CREATED = 1715367049;

/** `GET /v1/models` bodies and single-model bodies, precomputed once per server. */
export interface MockModels {
  openAIList: Buffer;
  anthropicList: Buffer;
  openAIModel(id: string): Buffer | undefined;
  anthropicModel(id: string): Buffer | undefined;
}

export function buildMockModels(): MockModels {
  const openAI = new Map(OPENAI_MODEL_IDS.map((id) => [id as string, { id, object: 'model', created: OPENAI_CREATED, owned_by: 'system' }]));
  const anthropic = new Map(ANTHROPIC_MODEL_IDS.map((id) => [id as string, {
    type: 'model',
    id,
    display_name: displayName(id),
    created_at: `${id.slice(-8, -4)}-${id.slice(-4, -2)}-${id.slice(-2)}T00:00:00Z`,
    max_input_tokens: 200000,
    max_tokens: 64000,
  }]));
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const openAIBodies = new Map([...openAI].map(([id, model]) => [id, json(model)]));
  const anthropicBodies = new Map([...anthropic].map(([id, model]) => [id, json(model)]));
  return {
    openAIList: json({ object: 'list', data: [...openAI.values()] }),
    anthropicList: json({
      data: [...anthropic.values()],
      has_more: false,
      first_id: ANTHROPIC_MODEL_IDS[0],
      last_id: ANTHROPIC_MODEL_IDS[ANTHROPIC_MODEL_IDS.length - 1],
    }),
    openAIModel: (id) => openAIBodies.get(id),
    anthropicModel: (id) => anthropicBodies.get(id),
  };
}

/** 'claude-sonnet-4-5-20250929' → 'Claude Sonnet 4.5'. */
function displayName(id: string): string {
  const [, family = '', major = '', minor = ''] = id.split('-');
  return `Claude ${family.charAt(0).toUpperCase()}${family.slice(1)} ${major}.${minor}`;
}
