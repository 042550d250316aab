/** Most of a finished stream's tail worth reading to keep its connection (a terminating chunk, a trailing newline). */
export const TAIL_LIMIT_BYTES = 64 * 1024;
export const TAIL_LIMIT_MS = 1_000;

/**
 * An upstream body for a stream decoder that stops at its protocol's terminal event (`[DONE]`,
 * `message_stop`). Breaking out of a Readable's iterator destroys it, and with it the pooled
 * keep-alive connection: every streamed request then paid a new TCP connection and an AbortError
 * with a stack trace. Here, stopping early first reads what little is left, so the connection
 * goes back to the pool; a tail that is long or slow is cut as before.
 */
export function reusableBody(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const inner = body[Symbol.asyncIterator]();
      return {
        next: () => inner.next(),
        async return() {
          const deadline = Date.now() + TAIL_LIMIT_MS;
          let read = 0;
          try {
            for (;;) {
              const timeLeft = deadline - Date.now();
              if (timeLeft <= 0 || read > TAIL_LIMIT_BYTES) break;
              let timer: NodeJS.Timeout | undefined;
              const next = await Promise.race([
                inner.next(),
                new Promise<'late'>((resolve) => {
                  timer = setTimeout(() => resolve('late'), timeLeft);
                }),
              ]).finally(() => clearTimeout(timer));
              if (next === 'late') break;
              if (next.done) return { done: true, value: undefined };
              read += next.value.length;
            }
          } catch {
            return { done: true, value: undefined };
          }
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
