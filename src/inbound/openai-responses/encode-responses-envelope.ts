import type { ChatRequest, FinishReason, ToolChoice, Usage } from '../../canonical/index.js';
import type {
  OpenAIResponsesOutputItem,
  OpenAIResponsesResponse,
  OpenAIResponsesStatus,
  OpenAIResponsesUsage,
} from '../../wire/openai-responses/index.js';

export interface ResponsesOutcome {
  status: OpenAIResponsesStatus;
  incompleteDetails: OpenAIResponsesResponse['incomplete_details'];
  error: OpenAIResponsesResponse['error'];
}

/** protocols.md §8.4: how a canonical finish reason shows in a Responses `status`. */
export function responsesOutcome(reason: FinishReason): ResponsesOutcome {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' }, error: null };
    case 'content-filter':
      return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' }, error: null };
    case 'error':
      return {
        status: 'failed',
        incompleteDetails: null,
        error: { code: 'server_error', message: 'The model stopped with an error.' },
      };
    default:
      return { status: 'completed', incompleteDetails: null, error: null };
  }
}

export function encodeOpenAIResponsesUsage(usage: Usage): OpenAIResponsesUsage {
  const inputDetails: OpenAIResponsesUsage['input_tokens_details'] = { cached_tokens: usage.cachedInputTokens ?? 0 };
  if (usage.cacheCreationInputTokens !== undefined) inputDetails.cache_write_tokens = usage.cacheCreationInputTokens;
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: inputDetails,
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

/** Responses ids start with `resp_`; upstream ids (chatcmpl-…, msg_…) are prefixed, not replaced. */
export function toResponsesId(upstreamId: string): string {
  return upstreamId.startsWith('resp_') ? upstreamId : `resp_${upstreamId}`;
}

/** Output item ids derived from the response id and the item's position: stable and unique. */
export function responsesItemId(prefix: 'msg' | 'rs' | 'fc', responseId: string, outputIndex: number): string {
  return `${prefix}_${responseId.slice(5)}_${outputIndex}`;
}

export interface ResponsesEnvelopeFields {
  id: string;
  createdAt: number;
  model: string;
  output: OpenAIResponsesOutputItem[];
  usage: Usage | null;
  outcome: ResponsesOutcome | { status: 'in_progress'; incompleteDetails: null; error: null };
  /** The request, whose settings the `response` object repeats as the API does. */
  request?: ChatRequest | undefined;
}

function encodeToolChoice(choice: ToolChoice | undefined): unknown {
  if (!choice) return 'auto';
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

/**
 * The request settings a `response` object repeats. `instructions` is the canonical system text:
 * the request's `instructions` plus any system or developer input items, which the canonical
 * model keeps together.
 */
function requestEcho(request: ChatRequest | undefined): Pick<OpenAIResponsesResponse, 'instructions' | 'parallel_tool_calls' | 'tool_choice' | 'tools' | 'metadata' | 'temperature' | 'top_p'> {
  const system = request?.system?.map((part) => part.text).join('\n');
  return {
    instructions: system ? system : null,
    parallel_tool_calls: request?.parallelToolCalls ?? true,
    tool_choice: encodeToolChoice(request?.toolChoice),
    tools: (request?.tools ?? []).map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.inputSchema,
      strict: tool.strict ?? null,
    })),
    metadata: {},
    temperature: request?.temperature ?? null,
    top_p: request?.topP ?? null,
  };
}

/** The `response` object shared by the non-streaming answer and the lifecycle stream events. */
export function encodeOpenAIResponsesEnvelope(fields: ResponsesEnvelopeFields): OpenAIResponsesResponse {
  const echo = requestEcho(fields.request);
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.outcome.status,
    model: fields.model,
    output: fields.output,
    error: fields.outcome.error,
    incomplete_details: fields.outcome.incompleteDetails,
    usage: fields.usage ? encodeOpenAIResponsesUsage(fields.usage) : null,
    ...echo,
  };
}
