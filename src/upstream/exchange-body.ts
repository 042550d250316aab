/** Most of a finished stream's tail worth reading to keep its connection (a terminating chunk, a trailing newline). */
export const TAIL_LIMIT_BYTES = 64 * 1024;
export const TAIL_LIMIT_MS = 1_000;

/** What an ExchangeBody needs from the upstream call that feeds it. */
export interface BodySource {
  /** Lets the upstream send again after `push` returned false. */
  resume(): void;
  /** Ends the upstream call now; the source then calls `fail`. */
  abort(reason: Error): void;
}

/** Chunks held before the upstream is paused: a decoder takes them one per turn at most. */
const HIGH_WATER_CHUNKS = 16;

const DONE: IteratorResult<Buffer> = { done: true, value: undefined };

/**
 * An upstream answer's body as an async iterator fed by undici's handler callbacks (RawExchange),
 * for the stream decoders of the canonical path. It replaces `request()`'s Readable and its async
 * iterator, which cost a stream object, a promise per chunk and an AbortController per request
 * (profiles of a converted stream: about a tenth of its CPU).
 *
 * Stopping early (a decoder breaks out at `[DONE]` or `message_stop`) first reads what little is
 * left, so the keep-alive connection goes back to the pool (breaking out of a Readable's iterator
 * destroyed it, and every streamed request paid a new TCP connection); a tail longer than 64 KiB
 * or slower than a second is cut instead.
 */
export class ExchangeBody implements AsyncIterableIterator<Buffer> {
  readonly #source: BodySource;
  readonly #queue: Buffer[] = [];
  #ended = false;
  #failure: Error | undefined;
  #paused = false;
  #waiting: { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: Error) => void } | undefined;
  #stopped = false;
  #tail: { bytes: number; timer: NodeJS.Timeout; resolve: (result: IteratorResult<Buffer>) => void } | undefined;

  constructor(source: BodySource) {
    this.#source = source;
  }

  /** A chunk from the upstream; false asks it to pause until `resume`. */
  push(chunk: Buffer): boolean {
    if (this.#stopped) {
      const tail = this.#tail;
      if (tail && (tail.bytes += chunk.length) > TAIL_LIMIT_BYTES) this.#cut();
      return true;
    }
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: chunk });
      return true;
    }
    this.#queue.push(chunk);
    if (this.#queue.length < HIGH_WATER_CHUNKS) return true;
    this.#paused = true;
    return false;
  }

  end(): void {
    this.#ended = true;
    this.#settle();
  }

  fail(error: Error): void {
    this.#failure = error;
    this.#settle();
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      if (this.#paused && this.#queue.length === 0) this.#unpause();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#ended || this.#stopped) return Promise.resolve(DONE);
    if (this.#paused) this.#unpause();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Buffer>> {
    this.#queue.length = 0;
    const finished = this.#ended || this.#failure !== undefined || this.#stopped;
    this.#stopped = true;
    if (finished) return Promise.resolve(DONE);
    if (this.#paused) this.#unpause();
    return new Promise((resolve) => {
      this.#tail = { bytes: 0, resolve, timer: setTimeout(() => this.#cut(), TAIL_LIMIT_MS) };
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #settle(): void {
    const waiting = this.#waiting;
    if (waiting) {
      // Waiting means the queue is empty: nothing is left to deliver before the end.
      this.#waiting = undefined;
      if (this.#failure) waiting.reject(this.#failure);
      else waiting.resolve(DONE);
    }
    this.#finishTail();
  }

  #finishTail(): void {
    const tail = this.#tail;
    if (!tail) return;
    this.#tail = undefined;
    clearTimeout(tail.timer);
    tail.resolve(DONE);
  }

  #unpause(): void {
    this.#paused = false;
    this.#source.resume();
  }

  #cut(): void {
    this.#source.abort(new Error('the stream decoder stopped before the upstream body ended'));
    this.#finishTail();
  }
}
