export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
  strict?: boolean;
  /** Anthropic prompt-cache marker (opaque); a breakpoint on the last tool caches all tools. */
  cacheControl?: unknown;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };
