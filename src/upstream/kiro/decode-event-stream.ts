import { crc32 } from 'node:zlib';
import type { Message, MessageHeaders } from '@smithy/eventstream-codec';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { KiroEventFrame } from '../../wire/kiro/kiro-event-frame.js';

/** total_length u32 + headers_length u32 + prelude_crc u32. */
const PRELUDE_LENGTH = 12;
/** Prelude plus the trailing message CRC. */
const OVERHEAD = 16;
const MAX_HEADERS_LENGTH = 128 * 1024;
const MAX_PAYLOAD_LENGTH = 24 * 1024 * 1024;

const textDecoder = new TextDecoder('utf-8', { fatal: true });

type CodecModules = [typeof import('@smithy/eventstream-codec'), typeof import('@smithy/util-utf8')];
/**
 * Loaded on the first Kiro stream, not at start-up: about 1.6 MB of heap (measured) that a gateway
 * without Kiro instances would otherwise carry for nothing.
 */
let codecModules: Promise<CodecModules> | undefined;

function badFrame(message: string, cause?: unknown): GatewayError {
  return new GatewayError('bad_upstream_response', `Kiro event stream: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Growable byte queue: chunks are appended, whole frames are taken from the front. Avoids
 * re-concatenating the full buffer on every network read.
 */
class ByteQueue {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    if (this.end + chunk.byteLength > this.buffer.byteLength) {
      const needed = this.length + chunk.byteLength;
      if (needed <= this.buffer.byteLength && this.start > 0) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        const grown = new Uint8Array(Math.max(needed, this.buffer.byteLength * 2, 4096));
        grown.set(this.buffer.subarray(this.start, this.end), 0);
        this.buffer = grown;
      }
      this.end -= this.start;
      this.start = 0;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.byteLength;
  }

  /** A view of the first `n` bytes (valid until the next push). */
  peek(n: number): Uint8Array {
    return this.buffer.subarray(this.start, this.start + n);
  }

  /** Removes and returns a copy of the first `n` bytes. */
  take(n: number): Uint8Array {
    const out = this.buffer.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
    return out;
  }
}

/**
 * Validates the 12-byte prelude before waiting for `total_length` bytes, so a corrupted length
 * field is reported as a bad frame rather than read as a (never-ending) partial one.
 */
function readTotalLength(prelude: Uint8Array): number {
  const view = new DataView(prelude.buffer, prelude.byteOffset, PRELUDE_LENGTH);
  const totalLength = view.getUint32(0, false);
  const headersLength = view.getUint32(4, false);
  const preludeCrc = view.getUint32(8, false);
  if (crc32(prelude.subarray(0, 8)) !== preludeCrc) {
    throw badFrame('prelude checksum mismatch');
  }
  if (totalLength < OVERHEAD) throw badFrame(`impossible message length ${totalLength}`);
  if (headersLength > MAX_HEADERS_LENGTH) throw badFrame(`headers length ${headersLength} exceeds limit`);
  if (headersLength > totalLength - OVERHEAD) {
    throw badFrame(`headers length ${headersLength} exceeds message length ${totalLength}`);
  }
  if (totalLength - OVERHEAD - headersLength > MAX_PAYLOAD_LENGTH) {
    throw badFrame(`payload length ${totalLength - OVERHEAD - headersLength} exceeds limit`);
  }
  return totalLength;
}

function stringHeader(headers: MessageHeaders, name: string): string | undefined {
  const header = headers[name];
  if (header === undefined) return undefined;
  if (header.type === 'string') return header.value;
  return undefined;
}

function toFrame(message: Message): KiroEventFrame {
  const { headers, body } = message;
  const messageType = stringHeader(headers, ':message-type') ?? '';
  const eventType =
    stringHeader(headers, ':event-type') ??
    stringHeader(headers, ':exception-type') ??
    stringHeader(headers, ':error-code') ??
    '';
  let payload: unknown = null;
  if (body.byteLength > 0) {
    let text: string;
    try {
      text = textDecoder.decode(body);
    } catch (error) {
      throw badFrame(`payload of ${eventType || messageType || 'message'} is not valid UTF-8`, error);
    }
    try {
      payload = JSON.parse(text);
    } catch (error) {
      throw badFrame(`payload of ${eventType || messageType || 'message'} is not valid JSON`, error);
    }
  } else if (messageType === 'error') {
    payload = { message: stringHeader(headers, ':error-message') ?? '' };
  }
  return { eventType, messageType, payload };
}

/**
 * Frames AWS binary event-stream messages (protocols.md §5.3) out of arbitrary network chunks and
 * yields one {@link KiroEventFrame} per message. Every message's prelude and message CRCs are
 * verified (by `EventStreamCodec`); a corrupt frame throws `bad_upstream_response`, a body that
 * ends inside a frame throws `stream_interrupted`.
 */
export async function* decodeKiroEventStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<KiroEventFrame> {
  for await (const batch of decodeKiroEventBatches(body)) yield* batch;
}

/**
 * The same frames, as one array per network read: the stream decoder then relays a read's events
 * with one await instead of a generator step per frame. Frames before a corrupt one in the same
 * read are still handed over before the error is thrown.
 */
export async function* decodeKiroEventBatches(body: AsyncIterable<Uint8Array>): AsyncGenerator<KiroEventFrame[]> {
  const [{ EventStreamCodec }, { fromUtf8, toUtf8 }] = await (codecModules ??= Promise.all([import('@smithy/eventstream-codec'), import('@smithy/util-utf8')]));
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const queue = new ByteQueue();
  let pendingLength: number | undefined;

  for await (const chunk of body) {
    queue.push(chunk);
    const frames: KiroEventFrame[] = [];
    try {
      for (;;) {
        if (pendingLength === undefined) {
          if (queue.length < PRELUDE_LENGTH) break;
          pendingLength = readTotalLength(queue.peek(PRELUDE_LENGTH));
        }
        if (queue.length < pendingLength) break;
        const bytes = queue.take(pendingLength);
        pendingLength = undefined;
        let message: Message;
        try {
          message = codec.decode(bytes);
        } catch (error) {
          throw badFrame(error instanceof Error ? error.message : String(error), error);
        }
        frames.push(toFrame(message));
      }
    } catch (error) {
      if (frames.length > 0) yield frames;
      throw error;
    }
    if (frames.length > 0) yield frames;
  }

  if (queue.length > 0) {
    throw new GatewayError(
      'stream_interrupted',
      `Kiro event stream ended inside a message (${queue.length} of ${pendingLength ?? 'unknown'} bytes received)`,
    );
  }
}
