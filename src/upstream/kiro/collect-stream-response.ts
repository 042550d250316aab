import { GatewayError, type AssistantContentPart, type ChatResponse, type StreamEvent } from '../../canonical/index.js';

/**
 * Collects a canonical event stream into a ChatResponse (Kiro answers with an event stream even
 * for non-streaming use). An `error` event is thrown; a stream without `finish` is
 * `stream_interrupted`.
 */
export async function collectStreamResponse(events: AsyncIterable<StreamEvent>): Promise<ChatResponse> {
  const content: AssistantContentPart[] = [];
  const byIndex = new Map<number, AssistantContentPart>();
  let response: Partial<ChatResponse> = {};
  for await (const event of events) {
    switch (event.type) {
      case 'start':
        response = { ...response, id: event.id, model: event.model, created: event.created };
        break;
      case 'text-start': {
        const part: AssistantContentPart = { type: 'text', text: '' };
        byIndex.set(event.index, part);
        content.push(part);
        break;
      }
      case 'text-delta': {
        const part = byIndex.get(event.index);
        if (part?.type === 'text') part.text += event.text;
        break;
      }
      case 'reasoning-start': {
        const part: AssistantContentPart = { type: 'reasoning', text: '', ...(event.redactedData ? { redactedData: event.redactedData } : {}) };
        byIndex.set(event.index, part);
        content.push(part);
        break;
      }
      case 'reasoning-delta': {
        const part = byIndex.get(event.index);
        if (part?.type === 'reasoning') part.text += event.text;
        break;
      }
      case 'reasoning-signature': {
        const part = byIndex.get(event.index);
        if (part?.type === 'reasoning') part.signature = (part.signature ?? '') + event.signature;
        break;
      }
      case 'tool-call-start': {
        const part: AssistantContentPart = { type: 'tool-call', id: event.id, name: event.name, argumentsJson: '' };
        byIndex.set(event.index, part);
        content.push(part);
        break;
      }
      case 'tool-call-delta': {
        const part = byIndex.get(event.index);
        if (part?.type === 'tool-call') part.argumentsJson += event.argumentsJson;
        break;
      }
      case 'error':
        throw event.error;
      case 'finish':
        return {
          id: response.id ?? '',
          model: response.model ?? '',
          created: response.created ?? Math.floor(Date.now() / 1000),
          content: content.filter((part) => part.type !== 'text' || part.text !== ''),
          finishReason: event.finishReason,
          ...(event.rawFinishReason !== undefined ? { rawFinishReason: event.rawFinishReason } : {}),
          usage: event.usage,
        };
      default:
        break;
    }
  }
  throw new GatewayError('stream_interrupted', 'the upstream stream ended without a finish');
}
