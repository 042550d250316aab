/** A percent-encoded path segment decoded, or undefined when its encoding is broken (`%E0`, `%zz`). */
export function decodePathSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
