/** Deterministic token estimate: about four characters per token, at least one for non-empty text. */
export function estimateTokens(chars: number): number {
  return chars <= 0 ? 0 : Math.ceil(chars / 4);
}

/** Prompt tokens of a request; never 0, so usage always looks like a real call. Shared by replies and count_tokens. */
export function promptTokens(promptChars: number): number {
  return Math.max(1, estimateTokens(promptChars));
}
