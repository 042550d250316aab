/** Chat Completions message shapes (request side), as sent by clients and to upstreams. */

export interface OpenAIChatTextPart {
  type: 'text';
  text: string;
}

export interface OpenAIChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' | string };
}

export interface OpenAIChatAudioPart {
  type: 'input_audio';
  input_audio: { data: string; format: string };
}

export interface OpenAIChatFilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
}

export interface OpenAIChatRefusalPart {
  type: 'refusal';
  refusal: string;
}

export type OpenAIChatUserContentPart =
  | OpenAIChatTextPart
  | OpenAIChatImagePart
  | OpenAIChatAudioPart
  | OpenAIChatFilePart;

export interface OpenAIChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIChatSystemMessage {
  role: 'system' | 'developer';
  content: string | OpenAIChatTextPart[];
  name?: string;
}

export interface OpenAIChatUserMessage {
  role: 'user';
  content: string | OpenAIChatUserContentPart[];
  name?: string;
}

export interface OpenAIChatAssistantMessage {
  role: 'assistant';
  content?: string | Array<OpenAIChatTextPart | OpenAIChatRefusalPart> | null;
  refusal?: string | null;
  tool_calls?: OpenAIChatToolCall[];
  /** Legacy single function call. */
  function_call?: { name: string; arguments: string } | null;
  /** De-facto extension (DeepSeek, Qwen, vLLM): the model's reasoning text. */
  reasoning_content?: string | null;
  name?: string;
}

export interface OpenAIChatToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string | OpenAIChatTextPart[];
}

/** Legacy answer to a `function_call`. */
export interface OpenAIChatFunctionMessage {
  role: 'function';
  name: string;
  content: string | null;
}

export type OpenAIChatMessage =
  | OpenAIChatSystemMessage
  | OpenAIChatUserMessage
  | OpenAIChatAssistantMessage
  | OpenAIChatToolMessage
  | OpenAIChatFunctionMessage;
