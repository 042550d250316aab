export type * from './anthropic-content-block.js';
export type * from './anthropic-messages-request.js';
export type * from './anthropic-messages-response.js';
export type * from './anthropic-stream-event.js';
export type * from './anthropic-error-body.js';
export type * from './anthropic-models.js';
