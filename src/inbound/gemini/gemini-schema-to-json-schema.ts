/**
 * Gemini `parameters` / `responseSchema` (an OpenAPI-3 subset: upper-case `type` names,
 * `nullable`) → JSON Schema, which is what the canonical tool definition holds. Keywords both
 * dialects share (description, enum, format, required, min/max*, pattern, ...) are kept as they
 * are; `propertyOrdering` (Gemini-only output ordering) is dropped.
 */
export function geminiSchemaToJsonSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    switch (key) {
      case 'type':
        out['type'] = typeof value === 'string' ? value.toLowerCase() : value;
        break;
      case 'nullable':
      case 'propertyOrdering':
      case 'property_ordering':
        break;
      case 'properties':
        if (typeof value === 'object' && value !== null) {
          const properties: Record<string, unknown> = {};
          for (const [name, sub] of Object.entries(value as Record<string, unknown>)) properties[name] = geminiSchemaToJsonSchema(sub);
          out['properties'] = properties;
        }
        break;
      case 'items':
        out['items'] = geminiSchemaToJsonSchema(value);
        break;
      case 'anyOf':
      case 'any_of':
        out['anyOf'] = Array.isArray(value) ? value.map(geminiSchemaToJsonSchema) : value;
        break;
      case 'min_items':
      case 'max_items':
      case 'min_length':
      case 'max_length':
      case 'min_properties':
      case 'max_properties':
        out[key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] = value;
        break;
      default:
        out[key] = value;
    }
  }
  if (source['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}
