/**
 * Stand-in for the per-response id while a reply is rendered once for caching. JSON.stringify turns
 * the control character into the six characters `\u0001`, where the real id is spliced in later.
 */
export const ID_SLOT = '\u0001';
const ESCAPED_SLOT = '\\u0001';

/**
 * A rendered reply cut at its id slots, so each later response is one buffer copy plus the id.
 * Only safe when no other text in the reply can contain `u0001` (see isTemplateSafe).
 */
export class ByteTemplate {
  private readonly segments: Buffer[];
  private readonly fixedLength: number;

  constructor(renderedWithSlot: string) {
    this.segments = renderedWithSlot.split(ESCAPED_SLOT).map((part) => Buffer.from(part));
    this.fixedLength = this.segments.reduce((sum, part) => sum + part.length, 0);
  }

  /** `id` must be ASCII. */
  render(id: string): Buffer {
    const out = Buffer.allocUnsafe(this.fixedLength + id.length * (this.segments.length - 1));
    let offset = 0;
    for (let i = 0; i < this.segments.length; i++) {
      if (i > 0) offset += out.write(id, offset, 'latin1');
      offset += (this.segments[i] as Buffer).copy(out, offset);
    }
    return out;
  }
}

/** True when `text` (the reply's variable inputs, JSON-encoded) cannot produce a false slot. */
export function isTemplateSafe(text: string): boolean {
  return !text.includes('u0001');
}
