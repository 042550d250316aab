import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Turns raw upstream body chunks into SSE events. A streaming TextDecoder keeps multi-byte
 * characters split across network reads intact; the parser accepts \n, \r\n and \r delimiters.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (pending.length > 0) {
      const ready = pending;
      pending = [];
      yield* ready;
    }
  }
  const rest = decoder.decode();
  if (rest) parser.feed(rest);
  // A final event without its blank-line terminator is still an event (servers that just close).
  parser.feed('\n\n');
  yield* pending;
}
