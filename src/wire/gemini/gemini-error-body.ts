/** google.rpc.Status code names the Gemini API uses. */
export type GeminiErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'CANCELLED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNIMPLEMENTED';

/** One `details[]` entry; `@type` names the proto (RetryInfo, QuotaFailure, ErrorInfo, ...). */
export interface GeminiErrorDetail {
  '@type': string;
  [field: string]: unknown;
}

/** google.rpc.Status wrapped in `error`: every error body, and a mid-stream error chunk. */
export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    status: GeminiErrorStatus | (string & {});
    details?: GeminiErrorDetail[];
  };
}
