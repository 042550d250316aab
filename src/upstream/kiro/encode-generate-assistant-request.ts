import type { ChatRequest, ImagePart, Message, ToolCallPart, ToolResultPart } from '../../canonical/index.js';
import type {
  KiroAssistantResponseMessage,
  KiroGenerateAssistantRequest,
  KiroHistoryEntry,
  KiroImage,
  KiroTool,
  KiroToolResult,
  KiroToolUse,
  KiroUserInputMessage,
} from '../../wire/kiro/index.js';
import { kiroToolName, kiroToolNameMap } from './kiro-tool-names.js';

/** AIClient-2-API caps tool descriptions here. */
export const KIRO_TOOL_DESCRIPTION_MAX = 9216;
/** Content for a user turn that only carries tool results (content may never be empty). */
export const TOOL_RESULTS_CONTENT = 'Tool results provided.';
/** Synthetic user turn after a trailing assistant message, and filler for empty turns. */
export const CONTINUE_CONTENT = 'Continue';
/** Content of an assistant turn that only called tools. */
export const TOOL_USES_CONTENT = 'Using tools.';

export interface EncodeKiroOptions {
  modelId: string;
  conversationId: string;
  profileArn?: string | undefined;
}

export interface EncodedKiroRequest {
  body: KiroGenerateAssistantRequest;
  /** Kiro tool name → client tool name, for names that had to be shortened. */
  toolNames: Map<string, string>;
  /** Rough input size in tokens (characters / 4), for usage when Kiro reports none. */
  estimatedInputTokens: number;
}

/** A user or assistant turn being assembled before it is turned into wire JSON. */
interface UserTurn {
  role: 'user';
  texts: string[];
  images: KiroImage[];
  toolResults: KiroToolResult[];
}
interface AssistantTurn {
  role: 'assistant';
  texts: string[];
  toolUses: KiroToolUse[];
}
type Turn = UserTurn | AssistantTurn;

const IMAGE_FORMATS: Record<string, KiroImage['format']> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function encodeImage(part: ImagePart): KiroImage | string {
  if (part.source.kind !== 'base64') return `[image omitted: only inline base64 images reach Kiro (${part.source.url.slice(0, 100)})]`;
  const format = IMAGE_FORMATS[part.source.mediaType.toLowerCase()];
  if (!format) return `[image omitted: unsupported type ${part.source.mediaType}]`;
  return { format, source: { bytes: part.source.data } };
}

/** Arguments JSON text → the object Kiro wants; no empty-string keys; anything else → `{}`. */
function toolInput(argumentsJson: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsJson || '{}');
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const input = { ...(parsed as Record<string, unknown>) };
  delete input[''];
  return input;
}

function toolResultText(part: ToolResultPart): string {
  return part.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

function newUserTurn(): UserTurn {
  return { role: 'user', texts: [], images: [], toolResults: [] };
}

/** Canonical messages → turns with consecutive same-role messages merged. */
function toTurns(messages: readonly Message[]): Turn[] {
  const turns: Turn[] = [];
  const userTurn = (): UserTurn => {
    const last = turns.at(-1);
    if (last?.role === 'user') return last;
    const turn = newUserTurn();
    turns.push(turn);
    return turn;
  };
  const assistantTurn = (): AssistantTurn => {
    const last = turns.at(-1);
    if (last?.role === 'assistant') return last;
    const turn: AssistantTurn = { role: 'assistant', texts: [], toolUses: [] };
    turns.push(turn);
    return turn;
  };
  for (const message of messages) {
    if (message.role === 'assistant') {
      const turn = assistantTurn();
      const reasoning = message.content.filter((p) => p.type === 'reasoning' && p.text !== '').map((p) => (p.type === 'reasoning' ? p.text : ''));
      const text = message.content.filter((p) => p.type === 'text').map((p) => (p.type === 'text' ? p.text : '')).join('');
      const inlined = reasoning.map((r) => `<thinking>${r}</thinking>\n\n`).join('') + text;
      if (inlined.trim() !== '') turn.texts.push(inlined);
      for (const part of message.content) {
        if (part.type !== 'tool-call') continue;
        turn.toolUses.push({ toolUseId: part.id, name: kiroToolName(part.name), input: toolInput(part.argumentsJson) });
      }
    } else if (message.role === 'tool') {
      const turn = userTurn();
      for (const part of message.content) {
        turn.toolResults.push({
          toolUseId: part.toolCallId,
          status: part.isError ? 'error' : 'success',
          content: [{ text: toolResultText(part) || (part.isError ? 'error' : 'ok') }],
        });
        for (const c of part.content) {
          if (c.type !== 'image') continue;
          const image = encodeImage(c);
          if (typeof image === 'string') turn.texts.push(image);
          else turn.images.push(image);
        }
      }
    } else {
      const turn = userTurn();
      const texts: string[] = [];
      for (const part of message.content) {
        if (part.type === 'text') {
          if (part.text !== '') texts.push(part.text);
        } else if (part.type === 'image') {
          const image = encodeImage(part);
          if (typeof image === 'string') texts.push(image);
          else turn.images.push(image);
        } else {
          texts.push(`[file omitted: ${part.filename ?? part.mediaType}]`);
        }
      }
      if (texts.length > 0) turn.texts.push(texts.join('\n'));
    }
  }
  return turns;
}

/**
 * Tool results must answer a tool use of the assistant turn right before them, once each;
 * anything else (orphans, duplicates) would be rejected, so it is degraded to text.
 */
function repairToolResults(turns: Turn[]): void {
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (turn.role !== 'user' || turn.toolResults.length === 0) continue;
    const previous = turns[i - 1];
    const known = new Set(previous?.role === 'assistant' ? previous.toolUses.map((use) => use.toolUseId) : []);
    const seen = new Set<string>();
    const kept: KiroToolResult[] = [];
    const degraded: string[] = [];
    for (const result of turn.toolResults) {
      if (known.has(result.toolUseId) && !seen.has(result.toolUseId)) {
        seen.add(result.toolUseId);
        kept.push(result);
      } else if (!seen.has(result.toolUseId)) {
        const text = result.content.map((c) => ('text' in c ? c.text : JSON.stringify(c.json))).join('\n');
        degraded.push(`[Tool result for ${result.toolUseId}]: ${text}`);
        seen.add(result.toolUseId);
      }
    }
    turn.toolResults = kept;
    if (degraded.length > 0) turn.texts.unshift(degraded.join('\n'));
  }
  // Tool uses must be unique across the conversation.
  const uses = new Set<string>();
  for (const turn of turns) {
    if (turn.role !== 'assistant') continue;
    turn.toolUses = turn.toolUses.filter((use) => (uses.has(use.toolUseId) ? false : (uses.add(use.toolUseId), true)));
  }
}

function encodeTools(request: ChatRequest): KiroTool[] {
  if (!request.tools || request.tools.length === 0 || request.toolChoice?.type === 'none') return [];
  const seen = new Set<string>();
  const tools: KiroTool[] = [];
  for (const tool of request.tools) {
    const name = kiroToolName(tool.name);
    if (seen.has(name)) continue;
    seen.add(name);
    const description = (tool.description ?? '').slice(0, KIRO_TOOL_DESCRIPTION_MAX);
    tools.push({
      toolSpecification: {
        name,
        ...(description.trim() !== '' ? { description } : {}),
        inputSchema: { json: Object.keys(tool.inputSchema).length > 0 ? tool.inputSchema : { type: 'object', properties: {} } },
      },
    });
  }
  return tools;
}

function systemText(request: ChatRequest): string {
  return (request.system ?? [])
    .map((part) => part.text)
    .filter((text) => text !== '')
    .join('\n\n');
}

function userMessage(turn: UserTurn, modelId: string, tools: KiroTool[] | undefined): KiroUserInputMessage {
  const content = turn.texts.join('\n\n');
  const message: KiroUserInputMessage = {
    content: content.trim() !== '' ? content : turn.toolResults.length > 0 ? TOOL_RESULTS_CONTENT : CONTINUE_CONTENT,
    modelId,
    origin: 'AI_EDITOR',
  };
  if (turn.images.length > 0) message.images = turn.images;
  const context: KiroUserInputMessage['userInputMessageContext'] = {};
  if (turn.toolResults.length > 0) context.toolResults = turn.toolResults;
  if (tools && tools.length > 0) context.tools = tools;
  if (Object.keys(context).length > 0) message.userInputMessageContext = context;
  return message;
}

function assistantMessage(turn: AssistantTurn): KiroAssistantResponseMessage {
  const content = turn.texts.join('\n\n');
  const message: KiroAssistantResponseMessage = {
    content: content.trim() !== '' ? content : turn.toolUses.length > 0 ? TOOL_USES_CONTENT : CONTINUE_CONTENT,
  };
  if (turn.toolUses.length > 0) message.toolUses = turn.toolUses;
  return message;
}

/**
 * Canonical request → Kiro conversation state (protocols.md §5.2, §9): consecutive same-role
 * turns merged, a leading assistant turn preceded by a synthetic user turn, a trailing assistant
 * turn followed by a synthetic `Continue`, the system prompt folded into the first user turn,
 * tool results attached to their user turn (orphans and duplicates degraded to text), tools
 * declared on the current message with names ≤ 64 characters and descriptions capped. Sampling
 * settings have no field in this API and are dropped.
 */
export function encodeKiroRequest(request: ChatRequest, options: EncodeKiroOptions): EncodedKiroRequest {
  const turns = toTurns(request.messages);
  if (turns[0]?.role !== 'user') turns.unshift(newUserTurn());
  if (turns.at(-1)?.role !== 'user') turns.push(newUserTurn());
  repairToolResults(turns);

  const system = systemText(request);
  if (system !== '') (turns[0] as UserTurn).texts.unshift(system);

  const tools = encodeTools(request);
  const current = turns.pop() as UserTurn;
  const history: KiroHistoryEntry[] = turns.map((turn) =>
    turn.role === 'user' ? { userInputMessage: userMessage(turn, options.modelId, undefined) } : { assistantResponseMessage: assistantMessage(turn) },
  );
  const body: KiroGenerateAssistantRequest = {
    ...(options.profileArn ? { profileArn: options.profileArn } : {}),
    conversationState: {
      agentTaskType: 'vibe',
      chatTriggerType: 'MANUAL',
      conversationId: options.conversationId,
      ...(history.length > 0 ? { history } : {}),
      currentMessage: { userInputMessage: userMessage(current, options.modelId, tools) },
    },
  };

  const names = (request.tools ?? []).map((tool) => tool.name);
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) if (part.type === 'tool-call') names.push((part as ToolCallPart).name);
  }
  return {
    body,
    toolNames: kiroToolNameMap(names),
    estimatedInputTokens: estimateTokens(body),
  };
}

/** Characters / 4 over everything the model reads (images not counted). */
function estimateTokens(body: KiroGenerateAssistantRequest): number {
  const json = JSON.stringify(body.conversationState, (key, value: unknown) => (key === 'bytes' ? '' : value));
  return Math.ceil(json.length / 4);
}
