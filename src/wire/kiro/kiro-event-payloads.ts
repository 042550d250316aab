/** Payloads of the Kiro event-stream events the gateway reads (protocols.md §5.4); all fields optional. */

/** `assistantResponseEvent`: a text delta. */
export interface KiroAssistantResponseEvent {
  content?: string;
  modelId?: string;
}

/**
 * `toolUseEvent`: first `{toolUseId, name}`, then `input` string fragments of the arguments JSON,
 * last `stop: true` (sometimes alone). `input` is occasionally an object.
 */
export interface KiroToolUseEvent {
  toolUseId?: string;
  name?: string;
  input?: string | Record<string, unknown>;
  stop?: boolean;
}

/** `reasoningContentEvent` (some variants only). */
export interface KiroReasoningContentEvent {
  text?: string;
  signature?: string;
}

/** `contextUsageEvent`: share of the model context used by input + output. */
export interface KiroContextUsageEvent {
  contextUsagePercentage?: number;
}

/** `metadataEvent` / `messageMetadataEvent` (newer / CLI variants). */
export interface KiroMetadataEvent {
  conversationId?: string;
  stopReason?: string;
  tokenUsage?: {
    uncachedInputTokens?: number;
    cacheReadInputTokens?: number;
    cacheWriteInputTokens?: number;
    outputTokens?: number;
    totalTokens?: number;
  };
}

/** `meteringEvent`: credits billed for the turn (not tokens). */
export interface KiroMeteringEvent {
  unit?: string;
  unitPlural?: string;
  usage?: number;
}

/** Non-200 HTTP bodies and exception payloads: `{"message": "...", "reason": ...}`. */
export interface KiroErrorBody {
  message?: string;
  Message?: string;
  reason?: string | null;
}
