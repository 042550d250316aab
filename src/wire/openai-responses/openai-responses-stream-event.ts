import type { OpenAIResponsesSummaryText } from './openai-responses-input.js';
import type { OpenAIResponsesOutputItem, OpenAIResponsesResponse } from './openai-responses-response.js';

type Seq = { sequence_number: number };
type OutputText = { type: 'output_text'; text: string; annotations: unknown[]; logprobs?: unknown[] };

/** The Responses streaming events the gateway emits (each also sent as the SSE `event:` name). */
export type OpenAIResponsesStreamEvent =
  | ({ type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed' } & Seq & {
        response: OpenAIResponsesResponse;
      })
  | ({ type: 'response.output_item.added' | 'response.output_item.done' } & Seq & {
        output_index: number;
        item: OpenAIResponsesOutputItem;
      })
  | ({ type: 'response.content_part.added' | 'response.content_part.done' } & Seq & {
        item_id: string;
        output_index: number;
        content_index: number;
        part: OutputText;
      })
  | ({ type: 'response.output_text.delta' } & Seq & {
        item_id: string;
        output_index: number;
        content_index: number;
        delta: string;
        logprobs: unknown[];
      })
  | ({ type: 'response.output_text.done' } & Seq & {
        item_id: string;
        output_index: number;
        content_index: number;
        text: string;
        logprobs: unknown[];
      })
  | ({ type: 'response.function_call_arguments.delta' } & Seq & { item_id: string; output_index: number; delta: string })
  | ({ type: 'response.function_call_arguments.done' } & Seq & {
        item_id: string;
        output_index: number;
        name: string;
        arguments: string;
      })
  | ({ type: 'response.reasoning_summary_part.added' | 'response.reasoning_summary_part.done' } & Seq & {
        item_id: string;
        output_index: number;
        summary_index: number;
        part: OpenAIResponsesSummaryText;
      })
  | ({ type: 'response.reasoning_summary_text.delta' } & Seq & {
        item_id: string;
        output_index: number;
        summary_index: number;
        delta: string;
      })
  | ({ type: 'response.reasoning_summary_text.done' } & Seq & {
        item_id: string;
        output_index: number;
        summary_index: number;
        text: string;
      })
  | ({ type: 'error' } & Seq & { code: string | null; message: string; param: string | null });
