/**
 * JSON Schema → Gemini's OpenAPI-3 subset `Schema`, for upstreams that only take `parameters` /
 * `responseSchema` (older models and backends). What the subset lacks is rewritten or dropped:
 * `$ref` is inlined from `$defs`/`definitions` (a recursive reference becomes a bare object),
 * `type: [t, "null"]` and `anyOf [.., {type: null}]` become `nullable`, `oneOf` becomes `anyOf`,
 * `allOf` is merged, `const` becomes a one-value `enum`, numeric enums keep only their type, unsupported
 * `format`s are dropped, and keywords outside the subset (`additionalProperties`, `$schema`,
 * `exclusiveMinimum`, `if/then/else`, ...) are removed. Type names are upper case.
 */
export function jsonSchemaToGeminiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = { ...asRecord(schema['definitions']), ...asRecord(schema['$defs']) };
  return convert(schema, defs, new Set());
}

const KEPT = new Set([
  'description',
  'title',
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'example',
  'default',
  'propertyOrdering',
]);

const FORMATS: Record<string, ReadonlySet<string>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function convert(input: unknown, defs: Record<string, unknown>, seen: Set<string>): Record<string, unknown> {
  let schema = asRecord(input);
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/(\$defs|definitions)\//, '');
    if (seen.has(name) || defs[name] === undefined) return { type: 'OBJECT' };
    const { $ref: _ref, ...rest } = schema;
    return convert({ ...asRecord(defs[name]), ...rest }, defs, new Set([...seen, name]));
  }
  if (Array.isArray(schema['allOf'])) {
    const { allOf, ...rest } = schema;
    schema = (allOf as unknown[]).reduce<Record<string, unknown>>((merged, part) => {
      const sub = asRecord(part);
      return {
        ...merged,
        ...sub,
        properties: { ...asRecord(merged['properties']), ...asRecord(sub['properties']) },
        required: [...((merged['required'] as unknown[]) ?? []), ...((sub['required'] as unknown[]) ?? [])],
      };
    }, rest);
  }

  const out: Record<string, unknown> = {};
  let nullable = schema['nullable'] === true;
  let type = schema['type'];
  if (Array.isArray(type)) {
    nullable ||= type.includes('null');
    const types = type.filter((t) => t !== 'null');
    if (types.length > 1) {
      out['anyOf'] = types.map((t) => convert({ ...schema, type: t, nullable: false }, defs, seen));
      if (nullable) out['nullable'] = true;
      return out;
    }
    type = types[0];
  }
  if (typeof type === 'string' && type !== 'null') out['type'] = type.toUpperCase();

  const variants = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(variants)) {
    const nonNull = variants.filter((v) => asRecord(v)['type'] !== 'null');
    nullable ||= nonNull.length < variants.length;
    if (nonNull.length === 1) Object.assign(out, convert(nonNull[0], defs, seen));
    else out['anyOf'] = nonNull.map((v) => convert(v, defs, seen));
  }

  for (const [key, value] of Object.entries(schema)) {
    if (KEPT.has(key)) out[key] = value;
  }
  if (schema['const'] !== undefined && typeof schema['const'] === 'string') {
    out['enum'] = [schema['const']];
    out['type'] ??= 'STRING';
  }
  const values = schema['enum'];
  if (Array.isArray(values) && values.every((v) => typeof v === 'string')) {
    out['enum'] = values;
    out['type'] ??= 'STRING';
  } else if (Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number')) {
    // Gemini enums are strings only: a numeric enum keeps its type and loses the value list.
    out['type'] ??= values.every((v) => Number.isInteger(v)) ? 'INTEGER' : 'NUMBER';
  }
  const format = schema['format'];
  if (typeof format === 'string' && typeof out['type'] === 'string' && FORMATS[out['type']]?.has(format)) out['format'] = format;
  const properties = schema['properties'];
  if (properties !== undefined) {
    const converted: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(asRecord(properties))) converted[name] = convert(sub, defs, seen);
    out['properties'] = converted;
  }
  if (schema['items'] !== undefined && !Array.isArray(schema['items'])) out['items'] = convert(schema['items'], defs, seen);
  if (Array.isArray(out['required'])) {
    const names = new Set(Object.keys(asRecord(out['properties'])));
    out['required'] = [...new Set(out['required'] as string[])].filter((name) => names.has(name));
  }
  if (nullable) out['nullable'] = true;
  return out;
}
