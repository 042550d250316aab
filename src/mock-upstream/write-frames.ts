import type { ServerResponse } from 'node:http';
import { cutInsideCharacters } from './cut-inside-characters.js';
import { delay } from './delay.js';

export interface FramePacing {
  /** Pause between events. */
  delayMs: number;
  /** Destroy the socket after this many events. */
  dropAfter: number | undefined;
  /** Write each event in pieces cut inside multi-byte characters, flushed one by one. */
  splitCharacters: boolean;
}

/**
 * A gap long enough for the poll phase to run, so consecutive writes reach the peer as separate
 * reads even when it lives in the same process (setImmediate alone can coalesce two writes).
 */
const SPLIT_GAP_MS = 1;

/** Writes SSE events one by one with the given pacing; the slow path for faults and multibyte replies. */
export async function writeFrames(
  res: ServerResponse,
  headers: string[],
  frames: Buffer[],
  pacing: FramePacing,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, headers);
  const limit = pacing.dropAfter === undefined ? frames.length : Math.min(pacing.dropAfter, frames.length);
  for (let i = 0; i < limit; i++) {
    if (i > 0 && pacing.delayMs > 0 && !(await delay(pacing.delayMs, signal))) return;
    const frame = frames[i] as Buffer;
    if (!pacing.splitCharacters) {
      res.write(frame);
      continue;
    }
    for (const piece of cutInsideCharacters(frame)) {
      res.write(piece);
      if (!(await delay(SPLIT_GAP_MS, signal))) return;
    }
  }
  if (pacing.dropAfter === undefined) {
    res.end();
    return;
  }
  if (limit === 0) res.flushHeaders();
  await destroyAfterFlush(res);
}

/** Lets what was written reach the kernel (http uncorks on the next tick), then drops the connection. */
export async function destroyAfterFlush(res: ServerResponse): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  const socket = res.socket;
  if (socket === null || socket.destroyed) return;
  if (socket.writableLength > 0) {
    await new Promise<void>((resolve) => {
      socket.once('drain', resolve);
      socket.once('close', resolve);
    });
  }
  socket.destroy();
}
