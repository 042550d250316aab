/** The unified finish reason; the provider's own value travels beside it as `rawFinishReason`. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
