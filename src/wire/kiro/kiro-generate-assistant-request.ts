/**
 * Body of `POST /generateAssistantResponse` (protocols.md §5.2), Kiro IDE style. Every optional
 * field is omitted rather than sent as `null` or `[]`: the API rejects nulls.
 */
export interface KiroGenerateAssistantRequest {
  /** Required for social (Google/GitHub) logins; omitted for Builder ID / IdC. */
  profileArn?: string;
  conversationState: KiroConversationState;
}

export interface KiroConversationState {
  agentTaskType: 'vibe';
  chatTriggerType: 'MANUAL';
  conversationId: string;
  /** Strictly alternating user / assistant turns, ending with an assistant turn. */
  history?: KiroHistoryEntry[];
  currentMessage: { userInputMessage: KiroUserInputMessage };
}

export type KiroHistoryEntry =
  | { userInputMessage: KiroUserInputMessage }
  | { assistantResponseMessage: KiroAssistantResponseMessage };

export interface KiroUserInputMessage {
  /** Never empty. */
  content: string;
  modelId: string;
  origin: 'AI_EDITOR';
  images?: KiroImage[];
  userInputMessageContext?: KiroUserInputMessageContext;
}

export interface KiroUserInputMessageContext {
  toolResults?: KiroToolResult[];
  tools?: KiroTool[];
}

export interface KiroImage {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  source: { bytes: string };
}

export interface KiroToolResult {
  toolUseId: string;
  status: 'success' | 'error';
  content: Array<{ text: string } | { json: unknown }>;
}

export interface KiroTool {
  toolSpecification: {
    /** At most 64 characters. */
    name: string;
    description?: string;
    inputSchema: { json: Record<string, unknown> };
  };
}

export interface KiroAssistantResponseMessage {
  content: string;
  toolUses?: KiroToolUse[];
}

export interface KiroToolUse {
  toolUseId: string;
  name: string;
  /** An object (never a JSON string); no empty-string keys. */
  input: Record<string, unknown>;
}
