import type { OpenAIChatModel, OpenAIChatModelList } from '../../wire/openai/index.js';

/** One entry of `/v1/models`; `created` is unknown for pooled models, so it is 0. */
export function encodeOpenAIModel(id: string): OpenAIChatModel {
  return { id, object: 'model', created: 0, owned_by: 'poolgate' };
}

/** `GET /v1/models` answer for the given model ids, in the order given. */
export function encodeOpenAIModels(ids: string[]): OpenAIChatModelList {
  return { object: 'list', data: ids.map(encodeOpenAIModel) };
}
