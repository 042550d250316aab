import type { AssistantContentPart, ToolResultPart, UserContentPart } from './content-part.js';

/**
 * One turn of the conversation. The system prompt is not a message: it lives on the request,
 * because two of our three protocols keep it outside the message list.
 */
export type Message =
  | { role: 'user'; content: UserContentPart[] }
  | { role: 'assistant'; content: AssistantContentPart[] }
  | { role: 'tool'; content: ToolResultPart[] };
