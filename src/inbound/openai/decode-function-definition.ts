import type { ToolDefinition } from '../../canonical/index.js';
import { expectNonEmptyString, expectObject, optionalBoolean, optionalObject, optionalString } from './expect-json.js';

/**
 * One function tool: Chat Completions nests it under `function`, Responses writes the same fields
 * (name, description, parameters, strict) flat on the tool; both decode here.
 */
export function decodeFunctionDefinition(value: unknown, path: string): ToolDefinition {
  const fn = expectObject(value, path);
  const definition: ToolDefinition = {
    name: expectNonEmptyString(fn.name, `${path}.name`),
    inputSchema: optionalObject(fn.parameters, `${path}.parameters`) ?? { type: 'object', properties: {} },
  };
  const description = optionalString(fn.description, `${path}.description`);
  if (description !== undefined) definition.description = description;
  const strict = optionalBoolean(fn.strict, `${path}.strict`);
  if (strict !== undefined) definition.strict = strict;
  return definition;
}
