import type { Readable } from 'node:stream';

/**
 * Waits for an upstream body's first chunk and leaves the stream paused. Until that chunk exists
 * the client has seen nothing, so a reset right after a 200 can still fail over.
 */
export function waitFirstChunk(body: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      cleanup();
      body.pause();
      resolve(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
  });
}
