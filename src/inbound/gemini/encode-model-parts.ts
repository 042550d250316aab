import type { AssistantContentPart } from '../../canonical/index.js';
import { toolArgumentsObject } from '../../canonical/tool-arguments.js';
import type { GeminiPart } from '../../wire/gemini/index.js';

/**
 * Canonical assistant content → Gemini `model` parts; shared by the client-facing response encoder
 * and the upstream request encoder so thought signatures are placed by one rule:
 *
 * - reasoning with text → a `thought: true` part carrying its own signature, if any;
 * - a text-less reasoning part with a signature (how decoders carry Gemini's signature of a
 *   visible part) → the signature goes on the next visible part (text or function call), as
 *   Gemini put it; if a thought or another signature comes first, or nothing follows, it rides on
 *   an empty text part of its own, so no signature is ever lost or moved past another;
 * - redacted reasoning (Anthropic) has no Gemini form and is dropped; empty text is dropped.
 *
 * Function-call arguments are parsed from JSON text; text that is not a JSON object becomes `{}`
 * (Gemini `args` must be an object, and a model that produced invalid JSON gets its call back empty).
 */
export function encodeGeminiModelParts(content: readonly AssistantContentPart[]): GeminiPart[] {
  const parts: GeminiPart[] = [];
  /** A bare signature waiting for the visible part it signs. */
  let signature: string | undefined;
  const flushSignature = (): void => {
    if (signature !== undefined) parts.push({ text: '', thoughtSignature: signature });
    signature = undefined;
  };
  const pushVisible = (part: GeminiPart): void => {
    parts.push(signature === undefined ? part : { ...part, thoughtSignature: signature });
    signature = undefined;
  };
  for (const part of content) {
    switch (part.type) {
      case 'reasoning':
        if (part.redactedData !== undefined) break;
        if (part.text !== '') {
          flushSignature();
          parts.push({ text: part.text, thought: true, ...(part.signature !== undefined ? { thoughtSignature: part.signature } : {}) });
        } else if (part.signature !== undefined && part.signature !== '') {
          flushSignature();
          signature = part.signature;
        }
        break;
      case 'text':
        if (part.text !== '') pushVisible({ text: part.text });
        break;
      case 'tool-call':
        pushVisible({ functionCall: { name: part.name, args: toolArgumentsObject(part.argumentsJson) } });
        break;
    }
  }
  flushSignature();
  return parts;
}
