import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

export interface PipeResult {
  /** The upstream body failed before its end. */
  error?: Error;
  /** The last bytes written ended an SSE event (a blank line), so an error frame can follow. */
  atEventBoundary: boolean;
}

function endsEvent(chunk: Buffer | undefined): boolean {
  if (!chunk || chunk.length === 0) return true;
  const n = chunk.length;
  return (chunk[n - 1] === 10 && (chunk[n - 2] === 10 || (chunk[n - 2] === 13 && chunk[n - 3] === 10))) || (chunk[n - 1] === 13 && chunk[n - 2] === 13);
}

/**
 * Streams upstream bytes to the client as they arrive, with backpressure. Plain 'data' handlers
 * rather than `for await`: no promise per chunk on the hottest loop of the gateway.
 */
export function pipeUpstreamStream(body: Readable, res: ServerResponse, first: Buffer | null): Promise<PipeResult> {
  return new Promise((resolve) => {
    let last: Buffer | undefined = first ?? undefined;
    if (first) res.write(first);
    const onData = (chunk: Buffer) => {
      last = chunk;
      if (!res.write(chunk)) body.pause();
    };
    const onDrain = () => body.resume();
    const finish = (error?: Error) => {
      body.off('data', onData);
      res.off('drain', onDrain);
      resolve(error ? { error, atEventBoundary: endsEvent(last) } : { atEventBoundary: endsEvent(last) });
    };
    // The body may have ended or failed while it sat paused after its first chunk.
    if (body.readableEnded) return finish();
    if (body.errored) return finish(body.errored);
    body.on('data', onData);
    res.on('drain', onDrain);
    body.once('end', () => finish());
    body.once('error', (error) => finish(error));
    body.resume();
  });
}
