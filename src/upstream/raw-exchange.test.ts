import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../canonical/index.js';
import { ClientCancellation } from '../http/client-cancellation.js';
import { RawExchange, type ExchangeTarget } from './raw-exchange.js';

const raw = (...pairs: string[]): Buffer[] => pairs.map((text) => Buffer.from(text));

function target(): ExchangeTarget & { decoded: Array<{ status: number; headers: Record<string, unknown>; body: string }> } {
  const decoded: Array<{ status: number; headers: Record<string, unknown>; body: string }> = [];
  return {
    decoded,
    describe: (method, path) => `${method} http://upstream.test${path}`,
    decodeFailure(status, headers, body) {
      decoded.push({ status, headers, body });
      return new GatewayError('rate_limited', `upstream said ${status}`);
    },
  };
}

/** A client response whose socket is full: every write reports backpressure until 'drain'. */
class FullSink extends EventEmitter {
  written: Buffer[] = [];
  write(chunk: Buffer): boolean {
    this.written.push(chunk);
    return false;
  }
}

describe('RawExchange', () => {
  it('resolves a buffered 2xx with its content type and whole body', async () => {
    const exchange = new RawExchange(false, target(), 'POST', '/chat/completions', new ClientCancellation());
    exchange.onConnect(() => undefined);
    exchange.onHeaders(200, raw('Content-Type', 'application/json', 'X-Other', 'y'), () => undefined);
    exchange.onData(Buffer.from('{"a":'));
    exchange.onData(Buffer.from('1}'));
    exchange.onComplete();
    const answer = await exchange.ready;
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    expect(answer.head?.toString()).toBe('{"a":1}');
  });

  it('decodes a non-2xx answer with its headers parsed, for failover to classify', async () => {
    const upstream = target();
    const exchange = new RawExchange(true, upstream, 'POST', '/chat/completions', new ClientCancellation());
    exchange.onConnect(() => undefined);
    exchange.onHeaders(429, raw('Retry-After', '7', 'content-type', 'application/json'), () => undefined);
    exchange.onData(Buffer.from('{"error":{"message":"slow down"}}'));
    exchange.onComplete();
    await expect(exchange.ready).rejects.toMatchObject({ code: 'rate_limited' });
    expect(upstream.decoded).toEqual([{ status: 429, headers: { 'retry-after': '7', 'content-type': 'application/json' }, body: '{"error":{"message":"slow down"}}' }]);
  });

  it('pauses the upstream while the client cannot take more, and resumes on drain', async () => {
    const resume = vi.fn();
    const exchange = new RawExchange(true, target(), 'POST', '/chat/completions', new ClientCancellation());
    exchange.onConnect(() => undefined);
    exchange.onHeaders(200, raw('content-type', 'text/event-stream'), resume);
    expect(exchange.onData(Buffer.from('data: 1\n\n'))).toBe(true);
    await exchange.ready;
    const sink = new FullSink();
    const piped = exchange.pipeRest(sink as unknown as ServerResponse);
    expect(exchange.onData(Buffer.from('data: 2\n\n'))).toBe(false);
    expect(resume).not.toHaveBeenCalled();
    sink.emit('drain');
    expect(resume).toHaveBeenCalledTimes(1);
    exchange.onComplete();
    await expect(piped).resolves.toEqual({ atEventBoundary: true });
    expect(Buffer.concat(sink.written).toString()).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('reports a stream that breaks off mid-event, so the error frame gets its own line', async () => {
    const exchange = new RawExchange(true, target(), 'POST', '/chat/completions', new ClientCancellation());
    exchange.onConnect(() => undefined);
    exchange.onHeaders(200, raw('content-type', 'text/event-stream'), () => undefined);
    exchange.onData(Buffer.from('data: 1\n\n'));
    await exchange.ready;
    const sink = { write: () => true, once: () => undefined };
    const piped = exchange.pipeRest(sink as unknown as ServerResponse);
    exchange.onData(Buffer.from('data: {"cho'));
    const reset = new Error('other side closed');
    exchange.onError(reset);
    await expect(piped).resolves.toEqual({ error: reset, atEventBoundary: false });
  });

  it('aborts the upstream call for a client that left before it connected, and calls that the client\'s doing', async () => {
    const cancellation = new ClientCancellation();
    const exchange = new RawExchange(false, target(), 'POST', '/chat/completions', cancellation);
    cancellation.cancel();
    const abort = vi.fn();
    exchange.onConnect(abort);
    expect(abort).toHaveBeenCalledTimes(1);
    exchange.onError(abort.mock.calls[0]![0] as Error);
    await expect(exchange.ready).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('stops listening for cancellation once a buffered answer is in, and maps transport errors with the target named', async () => {
    const cancellation = new ClientCancellation();
    const answered = new RawExchange(false, target(), 'POST', '/a', cancellation);
    const abort = vi.fn();
    answered.onConnect(abort);
    answered.onHeaders(200, raw('content-type', 'application/json'), () => undefined);
    answered.onData(Buffer.from('{}'));
    answered.onComplete();
    await answered.ready;
    const failing = new RawExchange(false, target(), 'POST', '/b', cancellation);
    failing.onConnect(() => undefined);
    failing.onError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(failing.ready).rejects.toMatchObject({ code: 'upstream_unreachable', message: expect.stringContaining('POST http://upstream.test/b') });
    cancellation.cancel();
    expect(abort).not.toHaveBeenCalled();
  });
});
