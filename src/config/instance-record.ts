/**
 * One entry of a provider_pools.json array, as the user wrote it. Provider-specific credential
 * fields (OPENAI_API_KEY, ...) and unknown fields stay as plain properties so nothing is lost.
 */
export interface InstanceRecord {
  uuid: string;
  [field: string]: unknown;
}

export class InstanceConfigError extends Error {
  override readonly name = 'InstanceConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
