/**
 * Splits text into at most `pieces` non-empty parts of near-equal length in code points (a surrogate
 * pair is never cut), which concatenate back to the text. Fewer parts when the text is shorter.
 */
export function splitText(text: string, pieces: number): string[] {
  if (text === '') return [];
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(Math.floor(pieces), chars.length));
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = Math.round(((i + 1) * chars.length) / count);
    parts.push(chars.slice(start, end).join(''));
    start = end;
  }
  return parts;
}
