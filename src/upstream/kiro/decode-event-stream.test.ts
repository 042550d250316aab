import { describe, expect, it } from 'vitest';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { GatewayError } from '../../canonical/gateway-error.js';
import type { KiroEventFrame } from '../../wire/kiro/kiro-event-frame.js';
import { decodeKiroEventStream } from './decode-event-stream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function errorFrame(code: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':error-code': { type: 'string', value: code },
    ':error-message': { type: 'string', value: message },
    ':message-type': { type: 'string', value: 'error' },
  };
  return codec.encode({ headers, body: new Uint8Array(0) });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

async function* fromChunks(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function decodeAll(chunks: readonly Uint8Array[]): Promise<KiroEventFrame[]> {
  const frames: KiroEventFrame[] = [];
  for await (const frame of decodeKiroEventStream(fromChunks(chunks))) frames.push(frame);
  return frames;
}

async function decodeError(chunks: readonly Uint8Array[]): Promise<GatewayError> {
  try {
    await decodeAll(chunks);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected the decoder to throw');
}

const frames = [
  eventFrame('assistantResponseEvent', { content: 'Hi' }),
  eventFrame('toolUseEvent', { name: 'get_weather', toolUseId: 'tooluse_1' }),
  eventFrame('toolUseEvent', { name: 'get_weather', toolUseId: 'tooluse_1', input: '{"city":"Pa' }),
  eventFrame('toolUseEvent', { name: 'get_weather', toolUseId: 'tooluse_1', input: 'ris"}', stop: true }),
  eventFrame('assistantResponseEvent', { content: 'naïve 🚀 ünïcödé' }),
  eventFrame('meteringEvent', { unit: 'credit', unitPlural: 'credits', usage: 0.0097 }),
  eventFrame('contextUsageEvent', { contextUsagePercentage: 12.3 }),
  exceptionFrame('ThrottlingException', 'Too many requests, please wait before trying again.'),
];
const stream = concat(frames);

const expected: KiroEventFrame[] = [
  { eventType: 'assistantResponseEvent', messageType: 'event', payload: { content: 'Hi' } },
  { eventType: 'toolUseEvent', messageType: 'event', payload: { name: 'get_weather', toolUseId: 'tooluse_1' } },
  {
    eventType: 'toolUseEvent',
    messageType: 'event',
    payload: { name: 'get_weather', toolUseId: 'tooluse_1', input: '{"city":"Pa' },
  },
  {
    eventType: 'toolUseEvent',
    messageType: 'event',
    payload: { name: 'get_weather', toolUseId: 'tooluse_1', input: 'ris"}', stop: true },
  },
  { eventType: 'assistantResponseEvent', messageType: 'event', payload: { content: 'naïve 🚀 ünïcödé' } },
  {
    eventType: 'meteringEvent',
    messageType: 'event',
    payload: { unit: 'credit', unitPlural: 'credits', usage: 0.0097 },
  },
  { eventType: 'contextUsageEvent', messageType: 'event', payload: { contextUsagePercentage: 12.3 } },
  {
    eventType: 'ThrottlingException',
    messageType: 'exception',
    payload: { message: 'Too many requests, please wait before trying again.' },
  },
];

describe('decodeKiroEventStream', () => {
  it('decodes the worked example of protocols.md §5.3 byte for byte', async () => {
    const hex =
      '0000007c0000005c3bddcf78' +
      '0b3a6576656e742d74797065070016617373697374616e74526573706f6e73654576656e74' +
      '0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e' +
      '0d3a6d6573736167652d747970650700056576656e74' +
      '7b22636f6e74656e74223a224869227d' +
      'b02babdc';
    const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
    expect(bytes.byteLength).toBe(124);
    expect(bytes).toEqual(eventFrame('assistantResponseEvent', { content: 'Hi' }));
    expect(await decodeAll([bytes])).toEqual([expected[0]]);
  });

  it('decodes every frame when the whole body arrives in one chunk', async () => {
    expect(await decodeAll([stream])).toEqual(expected);
  });

  it('decodes identical frames when the body is split at every byte offset', async () => {
    for (let offset = 0; offset <= stream.byteLength; offset++) {
      const frames = await decodeAll([stream.subarray(0, offset), stream.subarray(offset)]);
      expect(frames, `split at ${offset}`).toEqual(expected);
    }
  });

  it('decodes identical frames when every byte arrives in its own chunk', async () => {
    const chunks = Array.from(stream, (byte) => Uint8Array.of(byte));
    expect(await decodeAll(chunks)).toEqual(expected);
  });

  it('decodes identical frames across random chunkings including empty chunks', async () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 50; round++) {
      const chunks: Uint8Array[] = [];
      let offset = 0;
      while (offset < stream.byteLength) {
        const size = Math.floor(random() * 200);
        chunks.push(stream.subarray(offset, offset + size));
        offset += size;
      }
      expect(await decodeAll(chunks)).toEqual(expected);
    }
  });

  it('maps an unmodeled error message to its code and :error-message', async () => {
    expect(await decodeAll([errorFrame('InternalFailure', 'boom')])).toEqual([
      { eventType: 'InternalFailure', messageType: 'error', payload: { message: 'boom' } },
    ]);
  });

  it('yields nothing for an empty body', async () => {
    expect(await decodeAll([])).toEqual([]);
    expect(await decodeAll([new Uint8Array(0)])).toEqual([]);
  });

  it('rejects a frame with any single flipped byte as bad_upstream_response', async () => {
    const frame = frames[0]!;
    for (let offset = 0; offset < frame.byteLength; offset++) {
      const corrupt = frame.slice();
      corrupt[offset] = corrupt[offset]! ^ 0x01;
      const error = await decodeError([corrupt]);
      expect(error.code, `flip at ${offset}`).toBe('bad_upstream_response');
    }
  });

  it('rejects a flipped payload byte in a later frame after yielding the earlier ones', async () => {
    const corrupt = stream.slice();
    const at = frames[0]!.byteLength + frames[1]!.byteLength - 10;
    corrupt[at] = corrupt[at]! ^ 0xff;
    const seen: KiroEventFrame[] = [];
    await expect(
      (async () => {
        for await (const frame of decodeKiroEventStream(fromChunks([corrupt]))) seen.push(frame);
      })(),
    ).rejects.toMatchObject({ code: 'bad_upstream_response', message: expect.stringMatching(/checksum/i) });
    expect(seen).toEqual([expected[0]]);
  });

  it('rejects an impossible length even when its prelude CRC is valid', async () => {
    const frame = eventFrame('assistantResponseEvent', { content: 'x' });
    const bogus = new Uint8Array(frame.byteLength);
    bogus.set(frame);
    const view = new DataView(bogus.buffer);
    view.setUint32(0, 8, false); // total_length below the 16-byte minimum
    const { crc32 } = await import('node:zlib');
    view.setUint32(8, crc32(bogus.subarray(0, 8)), false);
    expect((await decodeError([bogus])).code).toBe('bad_upstream_response');
  });

  it('rejects a payload that is not JSON', async () => {
    const frame = codec.encode({
      headers: { ':message-type': { type: 'string', value: 'event' }, ':event-type': { type: 'string', value: 'x' } },
      body: fromUtf8('not json'),
    });
    expect((await decodeError([frame])).code).toBe('bad_upstream_response');
  });

  it('throws stream_interrupted when the body ends mid-frame, at any truncation point', async () => {
    for (let cut = 1; cut < frames[0]!.byteLength; cut++) {
      const error = await decodeError([stream.subarray(0, cut)]);
      expect(error.code, `cut at ${cut}`).toBe('stream_interrupted');
    }
    const afterFirst = frames[0]!.byteLength + 5;
    const seen: KiroEventFrame[] = [];
    await expect(
      (async () => {
        for await (const frame of decodeKiroEventStream(fromChunks([stream.subarray(0, afterFirst)]))) seen.push(frame);
      })(),
    ).rejects.toMatchObject({ code: 'stream_interrupted' });
    expect(seen).toEqual([expected[0]]);
  });
});
