/**
 * Cuts UTF-8 bytes right after the lead byte of every multi-byte character, so each boundary falls
 * inside a character. Pieces concatenate back to the input; without multi-byte characters the input
 * comes back whole.
 */
export function cutInsideCharacters(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    // 0b11xxxxxx starts a multi-byte sequence; its continuation bytes go to the next piece.
    if (((bytes[i] as number) & 0xc0) === 0xc0) {
      pieces.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length || pieces.length === 0) pieces.push(bytes.subarray(start));
  return pieces;
}
