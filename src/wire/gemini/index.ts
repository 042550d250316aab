export type * from './gemini-content.js';
export type * from './gemini-generate-content-request.js';
export type * from './gemini-generate-content-response.js';
export type * from './gemini-error-body.js';
export type * from './gemini-models.js';
