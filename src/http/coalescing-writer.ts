import type { ServerResponse } from 'node:http';
import { waitForDrain } from './wait-for-drain.js';

/** Above this much pending text a write goes out at once rather than at the end of the turn. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Writes the frames of a converted stream, joined per event-loop turn. One upstream read usually
 * turns into several client frames; written one by one, each would become its own HTTP chunk
 * (size line, data, CRLF: three buffered socket writes), which profiles showed costing more than
 * the conversion itself. Joined, a turn's frames leave as one chunk in one socket write, at the
 * same moment corking would have flushed them (setImmediate, after the turn's I/O).
 */
export class CoalescingWriter {
  private pending = '';
  private scheduled = false;
  private readonly flushNow = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly res: ServerResponse) {}

  /** Queues a frame; resolves at once unless the client is not keeping up (then on 'drain'). */
  write(frame: string): Promise<void> | undefined {
    this.pending += frame;
    if (this.pending.length >= MAX_PENDING_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
    return this.res.writableNeedDrain ? waitForDrain(this.res) : undefined;
  }

  /** Writes what is pending now (a no-op once the response is gone). */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(text);
  }

  /** Ends the response with whatever is pending, in the same write. */
  end(): void {
    const text = this.pending;
    this.pending = '';
    if (this.res.destroyed || this.res.writableEnded) return;
    if (text === '') this.res.end();
    else this.res.end(text);
  }
}
