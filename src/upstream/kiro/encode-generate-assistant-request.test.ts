import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.js';
import { CONTINUE_CONTENT, encodeKiroRequest, KIRO_TOOL_DESCRIPTION_MAX, TOOL_RESULTS_CONTENT, TOOL_USES_CONTENT } from './encode-generate-assistant-request.js';
import { kiroToolName } from './kiro-tool-names.js';

const options = { modelId: 'claude-sonnet-4.5', conversationId: 'conv-1' };
const weather = { name: 'get_weather', description: 'Weather by city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } };

function request(partial: Partial<ChatRequest>): ChatRequest {
  return { model: 'claude-sonnet-4-5', messages: [], stream: false, ...partial };
}

describe('encodeKiroRequest', () => {
  it('a single turn: system folded into the current message, no history, profileArn when given', () => {
    const { body } = encodeKiroRequest(request({ system: [{ type: 'text', text: 'Be brief.' }], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }), {
      ...options,
      profileArn: 'arn:x',
    });
    expect(body).toEqual({
      profileArn: 'arn:x',
      conversationState: {
        agentTaskType: 'vibe',
        chatTriggerType: 'MANUAL',
        conversationId: 'conv-1',
        currentMessage: { userInputMessage: { content: 'Be brief.\n\nhi', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      },
    });
  });

  it('merges same-role turns, keeps strict alternation and folds the system prompt into history[0]', () => {
    const { body } = encodeKiroRequest(
      request({
        system: [{ type: 'text', text: 'SYS' }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'c' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'd' }] },
          { role: 'user', content: [{ type: 'text', text: 'e' }] },
        ],
      }),
      options,
    );
    const state = body.conversationState;
    expect(state.history).toEqual([
      { userInputMessage: { content: 'SYS\n\na\n\nb', modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      { assistantResponseMessage: { content: '<thinking>hmm</thinking>\n\nc\n\nd' } },
    ]);
    expect(state.currentMessage.userInputMessage.content).toBe('e');
    expect(body.profileArn).toBeUndefined();
  });

  it('a trailing assistant turn moves into history with a synthetic Continue; a leading one gets a user turn before it', () => {
    const { body } = encodeKiroRequest(
      request({ messages: [{ role: 'assistant', content: [{ type: 'text', text: 'hello' }] }] }),
      options,
    );
    expect(body.conversationState.history).toEqual([
      { userInputMessage: { content: CONTINUE_CONTENT, modelId: 'claude-sonnet-4.5', origin: 'AI_EDITOR' } },
      { assistantResponseMessage: { content: 'hello' } },
    ]);
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe(CONTINUE_CONTENT);
  });

  it('tool round trip: toolUses with object input, toolResults with status, tools on the current message', () => {
    const { body } = encodeKiroRequest(
      request({
        tools: [weather],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'tooluse_1', name: 'get_weather', argumentsJson: '{"city":"Paris","":1}' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'tooluse_1', content: [{ type: 'text', text: 'sunny' }] }] },
        ],
      }),
      options,
    );
    const state = body.conversationState;
    expect(state.history![1]).toEqual({
      assistantResponseMessage: { content: TOOL_USES_CONTENT, toolUses: [{ toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } }] },
    });
    expect(state.currentMessage.userInputMessage).toEqual({
      content: TOOL_RESULTS_CONTENT,
      modelId: 'claude-sonnet-4.5',
      origin: 'AI_EDITOR',
      userInputMessageContext: {
        toolResults: [{ toolUseId: 'tooluse_1', status: 'success', content: [{ text: 'sunny' }] }],
        tools: [{ toolSpecification: { name: 'get_weather', description: 'Weather by city', inputSchema: { json: weather.inputSchema } } }],
      },
    });
  });

  it('orphan and duplicate tool results are degraded to text; error results get status error', () => {
    const { body } = encodeKiroRequest(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'go' }] },
          { role: 'assistant', content: [{ type: 'tool-call', id: 't1', name: 'x', argumentsJson: 'not json' }] },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'boom' }], isError: true },
              { type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'again' }] },
              { type: 'tool-result', toolCallId: 'ghost', content: [{ type: 'text', text: 'lost' }] },
            ],
          },
        ],
      }),
      options,
    );
    const current = body.conversationState.currentMessage.userInputMessage;
    expect(current.userInputMessageContext?.toolResults).toEqual([{ toolUseId: 't1', status: 'error', content: [{ text: 'boom' }] }]);
    expect(current.content).toBe('[Tool result for ghost]: lost');
    expect((body.conversationState.history![1] as { assistantResponseMessage: { toolUses: unknown[] } }).assistantResponseMessage.toolUses).toEqual([
      { toolUseId: 't1', name: 'x', input: {} },
    ]);
  });

  it('long tool names are shortened deterministically and mapped back; long descriptions capped, empty ones dropped', () => {
    const long = `mcp__server__${'very_long_tool_name_'.repeat(5)}`;
    const encoded = encodeKiroRequest(
      request({
        tools: [
          { name: long, description: 'x'.repeat(KIRO_TOOL_DESCRIPTION_MAX + 50), inputSchema: {} },
          { name: 'plain', description: '', inputSchema: { type: 'object' } },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      }),
      options,
    );
    const tools = encoded.body.conversationState.currentMessage.userInputMessage.userInputMessageContext!.tools!;
    const short = kiroToolName(long);
    expect(short.length).toBeLessThanOrEqual(64);
    expect(tools[0]!.toolSpecification.name).toBe(short);
    expect(tools[0]!.toolSpecification.description).toHaveLength(KIRO_TOOL_DESCRIPTION_MAX);
    expect(tools[0]!.toolSpecification.inputSchema.json).toEqual({ type: 'object', properties: {} });
    expect(tools[1]!.toolSpecification).toEqual({ name: 'plain', inputSchema: { json: { type: 'object' } } });
    expect(encoded.toolNames.get(short)).toBe(long);
    expect(encoded.toolNames.has('plain')).toBe(false);
  });

  it('tool choice none omits tools; images become base64 images, URL images a note', () => {
    const { body } = encodeKiroRequest(
      request({
        tools: [weather],
        toolChoice: { type: 'none' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' } },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            ],
          },
        ],
      }),
      options,
    );
    const current = body.conversationState.currentMessage.userInputMessage;
    expect(current.userInputMessageContext).toBeUndefined();
    expect(current.images).toEqual([{ format: 'png', source: { bytes: 'iVBOR' } }]);
    expect(current.content).toContain('look\n[image omitted');
  });

  it('never sends null or empty content', () => {
    const { body, estimatedInputTokens } = encodeKiroRequest(
      request({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }, { role: 'assistant', content: [] }, { role: 'user', content: [] }] }),
      options,
    );
    const json = JSON.stringify(body);
    expect(json).not.toContain('null');
    expect(json).not.toContain('"content":""');
    expect(estimatedInputTokens).toBeGreaterThan(0);
  });
});
