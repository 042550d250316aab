/** Error envelope used by every OpenAI endpoint, also as an SSE `data:` payload mid-stream. */
export interface OpenAIChatErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}
