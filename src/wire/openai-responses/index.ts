export type * from './openai-responses-input.js';
export type * from './openai-responses-request.js';
export type * from './openai-responses-response.js';
export type * from './openai-responses-stream-event.js';
