/**
 * The Responses API shares the OpenAI error envelope, status and headers with Chat Completions;
 * in-stream failures are `response.failed` / `error` events, written by the stream encoder.
 */
export { encodeOpenAIError as encodeOpenAIResponsesError } from '../openai/encode-error.js';
