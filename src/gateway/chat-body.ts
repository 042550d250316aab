import { parseJsonBody } from '../http/parse-json-body.js';
import { JsonKind, isNonEmptyArray, jsonKeys, scanJsonObject, stringAt } from '../http/scan-json-object.js';

const FIELDS = jsonKeys('model', 'stream', 'messages');

/**
 * A chat request's body: the raw bytes, the few fields routing and the fast path need, and the
 * parsed document, made only when something asks for it (the canonical path, a model rewrite,
 * session affinity). A same-protocol request forwarded as it is never builds its messages.
 */
export class ChatBody {
  private document: Record<string, unknown> | undefined;

  private constructor(
    readonly raw: Buffer,
    /** The model as the client named it (from the body, or the URL for Gemini); not a string when absent or mistyped. */
    readonly model: unknown,
    /** `stream: true` at the top level. */
    readonly stream: boolean,
    /** `messages` is a non-empty array. */
    readonly hasMessages: boolean,
    document: Record<string, unknown> | undefined,
  ) {
    this.document = document;
  }

  /** Reads the fields with a validating scan; a body that is no JSON object fails here, as a 400. */
  static read(raw: Buffer): ChatBody {
    const found = scanJsonObject(raw, FIELDS);
    if (!found) return ChatBody.of(raw, parseJsonBody(raw));
    const model = found[0] === JsonKind.string ? stringAt(raw, found[1]!, found[2]!) : found[0] === JsonKind.absent ? undefined : null;
    const hasMessages = found[6] === JsonKind.array && isNonEmptyArray(raw, found[7]!);
    return new ChatBody(raw, model, found[3] === JsonKind.true, hasMessages, undefined);
  }

  /** A body already parsed; `model` overrides the body's own (Gemini names it in the URL). */
  static of(raw: Buffer, document: Record<string, unknown>, model: unknown = document.model): ChatBody {
    const messages = document.messages;
    return new ChatBody(raw, model, document.stream === true, Array.isArray(messages) && messages.length > 0, document);
  }

  get parsed(): Record<string, unknown> {
    return (this.document ??= parseJsonBody(this.raw));
  }
}
