export type * from './openai-chat-message.js';
export type * from './openai-chat-request.js';
export type * from './openai-chat-usage.js';
export type * from './openai-chat-finish-reason.js';
export type * from './openai-chat-response.js';
export type * from './openai-chat-chunk.js';
export type * from './openai-chat-error.js';
export type * from './openai-chat-models.js';
