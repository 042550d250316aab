import type { StreamEvent } from './stream-event.js';

/**
 * A canonical stream whose decoder hands over together the events that one network read produced.
 * Any consumer can still iterate it event by event; the gateway takes the batches instead, which
 * spares a generator step and a promise per event (a 20-chunk answer is some 25 events, but
 * usually only one or two reads).
 */
export class BatchedEvents implements AsyncIterable<StreamEvent> {
  #taken = false;

  constructor(private readonly source: AsyncGenerator<StreamEvent[], void>) {}

  /** The decoder's batches; a stream is consumed once, either this way or event by event. */
  batches(): AsyncIterator<readonly StreamEvent[]> {
    this.#take();
    return this.source;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamEvent, void> {
    this.#take();
    // for-await hands an early stop on to the decoder (return()), which releases the body.
    for await (const batch of this.source) for (const event of batch) yield event;
  }

  #take(): void {
    if (this.#taken) throw new Error('a canonical stream can be consumed only once');
    this.#taken = true;
  }
}

/** The batches of any canonical stream: its decoder's own, else one event at a time. */
export function eventBatches(events: AsyncIterable<StreamEvent>): AsyncIterator<readonly StreamEvent[]> {
  if (events instanceof BatchedEvents) return events.batches();
  const iterator = events[Symbol.asyncIterator]();
  return {
    next: () => iterator.next().then((result) => (result.done ? { done: true, value: undefined } : { done: false, value: [result.value] })),
    return: async () => {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
}
