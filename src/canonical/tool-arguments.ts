/**
 * Canonical tool-call arguments are JSON text; Anthropic `input` and Gemini `args` must be an
 * object. Upstreams that stream arguments as text (OpenAI-compatible servers, Kiro) or a model
 * that produced invalid JSON can end with empty, invalid or non-object JSON: such arguments become
 * `{}` (the tool reports the missing arguments itself) rather than failing the conversation or
 * making a client SDK throw while building the message.
 */
export function toolArgumentsObject(argumentsJson: string): Record<string, unknown> {
  if (argumentsJson.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(argumentsJson);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
