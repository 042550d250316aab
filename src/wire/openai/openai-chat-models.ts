export interface OpenAIChatModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** `GET /v1/models` answer. */
export interface OpenAIChatModelList {
  object: 'list';
  data: OpenAIChatModel[];
}
