import type { AssistantContentPart } from './content-part.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface ChatResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  rawFinishReason?: string;
  usage: Usage;
}
