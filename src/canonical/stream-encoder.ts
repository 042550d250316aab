import type { StreamEvent } from './stream-event.js';

/**
 * A client protocol's stream encoder as a synchronous state machine. The gateway pushes each
 * canonical event into it as the event arrives and writes the frames it appends, so a converted
 * stream takes no generator or promise step per event on its way out.
 *
 * Exactly one terminal goes out: the protocol's end of message after `finish`, or its error
 * frame after an `error` event, a failed source (`fail`) or a source that ends early (`end`).
 */
export interface StreamEncoder {
  /** Appends the frames of one event to `out`; true once a terminal has been written. */
  push(event: StreamEvent, out: string[]): boolean;
  /** The source failed: appends the protocol's terminal error frame. */
  fail(error: unknown, out: string[]): void;
  /** The source ended without a terminal: appends the protocol's terminal error frame. */
  end(out: string[]): void;
}

/** The encoder driven by an event source, one yielded string per frame it appends. */
export async function* encodeEvents(events: AsyncIterable<StreamEvent>, encoder: StreamEncoder): AsyncGenerator<string> {
  const out: string[] = [];
  try {
    for await (const event of events) {
      const terminated = encoder.push(event, out);
      for (const frame of out) yield frame;
      out.length = 0;
      if (terminated) return;
    }
  } catch (error) {
    encoder.fail(error, out);
    yield* out;
    return;
  }
  encoder.end(out);
  yield* out;
}
