import type { ServerResponse } from 'node:http';

/** Aborts when the response closes: finished, the client went away, or the mock shut down. */
export function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.closed) controller.abort();
  else res.once('close', () => controller.abort());
  return controller.signal;
}
