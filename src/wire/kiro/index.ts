export type * from './kiro-event-frame.js';
export type * from './kiro-generate-assistant-request.js';
export type * from './kiro-event-payloads.js';
export type * from './kiro-auth.js';
