export type * from './code-assist-generate-content.js';
export type * from './code-assist-setup.js';
