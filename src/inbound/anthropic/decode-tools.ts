import type { ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { expectArray, expectRecord, expectString, fail, optionalBoolean, optionalString } from '../expect-field.js';

export function decodeAnthropicTools(raw: unknown): ToolDefinition[] {
  const list = expectArray(raw, 'tools');
  const tools: ToolDefinition[] = [];
  for (let i = 0; i < list.length; i++) {
    const param = `tools[${i}]`;
    const tool = expectRecord(list[i], param);
    const type = tool['type'];
    if (type !== undefined && type !== null && type !== 'custom') {
      // Server tools run inside Anthropic and answer with block types the canonical model has no
      // slot for (server_tool_use, web_search_tool_result): refuse them rather than drop them.
      fail(`${param}.type`, `server tool "${String(type)}" is not supported by this gateway`);
    }
    const description = optionalString(tool['description'], `${param}.description`);
    const strict = optionalBoolean(tool['strict'], `${param}.strict`);
    const cacheControl = tool['cache_control'];
    tools.push({
      name: expectString(tool['name'], `${param}.name`),
      ...(description !== undefined ? { description } : {}),
      inputSchema: expectRecord(tool['input_schema'], `${param}.input_schema`),
      ...(strict !== undefined ? { strict } : {}),
      ...(cacheControl !== undefined && cacheControl !== null ? { cacheControl } : {}),
    });
  }
  return tools;
}

export interface DecodedToolChoice {
  toolChoice: ToolChoice;
  /** From `disable_parallel_tool_use`; undefined when the client did not say. */
  parallelToolCalls?: boolean;
}

export function decodeAnthropicToolChoice(raw: unknown): DecodedToolChoice {
  const choice = expectRecord(raw, 'tool_choice');
  const disable = optionalBoolean(choice['disable_parallel_tool_use'], 'tool_choice.disable_parallel_tool_use');
  const parallel = disable === undefined ? {} : { parallelToolCalls: !disable };
  switch (choice['type']) {
    case 'auto':
      return { toolChoice: { type: 'auto' }, ...parallel };
    case 'any':
      return { toolChoice: { type: 'required' }, ...parallel };
    case 'none':
      return { toolChoice: { type: 'none' }, ...parallel };
    case 'tool':
      return { toolChoice: { type: 'tool', name: expectString(choice['name'], 'tool_choice.name') }, ...parallel };
    default:
      return fail('tool_choice.type', 'must be "auto", "any", "tool" or "none"');
  }
}
