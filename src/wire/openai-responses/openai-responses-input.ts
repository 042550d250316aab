/** Items of the Responses API `input` array. */

export interface OpenAIResponsesInputText {
  type: 'input_text';
  text: string;
}

export interface OpenAIResponsesInputImage {
  type: 'input_image';
  image_url?: string | null;
  file_id?: string | null;
  detail?: 'auto' | 'low' | 'high' | string;
}

export interface OpenAIResponsesInputFile {
  type: 'input_file';
  file_data?: string;
  file_id?: string | null;
  file_url?: string;
  filename?: string;
}

export interface OpenAIResponsesOutputText {
  type: 'output_text';
  text: string;
  annotations?: unknown[];
  logprobs?: unknown[];
}

export interface OpenAIResponsesRefusal {
  type: 'refusal';
  refusal: string;
}

export type OpenAIResponsesInputContentPart =
  | OpenAIResponsesInputText
  | OpenAIResponsesInputImage
  | OpenAIResponsesInputFile
  | OpenAIResponsesOutputText
  | OpenAIResponsesRefusal;

export interface OpenAIResponsesMessageItem {
  type?: 'message';
  id?: string;
  role: 'user' | 'assistant' | 'system' | 'developer';
  content: string | OpenAIResponsesInputContentPart[];
  status?: string;
}

export interface OpenAIResponsesFunctionCallItem {
  type: 'function_call';
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: string;
}

export interface OpenAIResponsesFunctionCallOutputItem {
  type: 'function_call_output';
  id?: string;
  call_id: string;
  output: string | Array<OpenAIResponsesInputText | OpenAIResponsesInputImage | OpenAIResponsesInputFile>;
  status?: string;
}

export interface OpenAIResponsesSummaryText {
  type: 'summary_text';
  text: string;
}

export interface OpenAIResponsesReasoningText {
  type: 'reasoning_text';
  text: string;
}

export interface OpenAIResponsesReasoningItem {
  type: 'reasoning';
  id: string;
  summary: OpenAIResponsesSummaryText[];
  content?: OpenAIResponsesReasoningText[];
  encrypted_content?: string | null;
  status?: string;
}

export type OpenAIResponsesInputItem =
  | OpenAIResponsesMessageItem
  | OpenAIResponsesFunctionCallItem
  | OpenAIResponsesFunctionCallOutputItem
  | OpenAIResponsesReasoningItem;
