import type { ChatRequest, ResponseFormat } from '../../canonical/index.js';
import { GatewayError } from '../../canonical/index.js';
import {
  expectObject,
  invalidField,
  isJsonObject,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  type JsonObject,
} from './expect-json.js';

/**
 * Request fields that Chat Completions and Responses spell and mean alike, decoded once for both.
 * What the two wire formats do differently (tools, tool_choice, token limits, reasoning) stays in
 * each decoder.
 */

export function expectRequestBody(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw GatewayError.invalidRequest('The request body must be a JSON object.');
  return body;
}

/** Efforts that map one-to-one onto the canonical effort; each API treats the others its own way. */
export const OPENAI_REASONING_EFFORTS: ReadonlySet<string> = new Set(['minimal', 'low', 'medium', 'high']);

export function decodeSamplingParams(root: JsonObject, request: ChatRequest): void {
  const temperature = optionalNumber(root.temperature, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(root.top_p, 'top_p');
  if (topP !== undefined) request.topP = topP;
}

/**
 * Chat's `response_format` and Responses' `text.format` take the same types with the same meaning;
 * only the json_schema fields sit elsewhere: under `schemaField` (Chat's `json_schema`), or flat on
 * the format itself when it is omitted (Responses).
 */
export function decodeOpenAIResponseFormat(format: JsonObject, path: string, schemaField?: string): ResponseFormat {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const specPath = schemaField === undefined ? path : `${path}.${schemaField}`;
      const spec = schemaField === undefined ? format : expectObject(format[schemaField], specPath);
      const decoded: ResponseFormat = { type: 'json-schema', schema: optionalObject(spec.schema, `${specPath}.schema`) ?? {} };
      const name = optionalString(spec.name, `${specPath}.name`);
      if (name !== undefined) decoded.name = name;
      const strict = optionalBoolean(spec.strict, `${specPath}.strict`);
      if (strict !== undefined) decoded.strict = strict;
      return decoded;
    }
    default:
      throw invalidField(`${path}.type`, "'text', 'json_object' or 'json_schema'", format.type);
  }
}
