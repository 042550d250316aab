/** Google's proto-JSON accepts lowerCamelCase and the snake_case originals alike, so the Gemini decoder reads both. */
/** `obj.camelName`, or `obj.snake_name` when the camel spelling is absent. */
export function pick(obj: Record<string, unknown>, camel: string, snake: string): unknown {
  const value = obj[camel];
  return value === undefined ? obj[snake] : value;
}
