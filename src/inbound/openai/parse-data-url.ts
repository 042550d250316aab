/** A `data:<mime>;base64,<payload>` URL split into its parts; `undefined` for anything else. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  // indexOf instead of a regex: the payload can be megabytes of base64.
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  if (!header.endsWith(';base64')) return undefined;
  const semicolon = header.indexOf(';');
  const mediaType = header.slice(0, semicolon).trim() || 'application/octet-stream';
  return { mediaType, data: url.slice(comma + 1) };
}
