import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { FaultBook } from './fault-book.js';
import { createMockRequestHandler } from './handle-mock-request.js';
import { buildMockModels } from './mock-models.js';
import type { MockFault, MockUpstream, MockUpstreamOptions } from './mock-upstream-types.js';
import { ReplyCache } from './reply-cache.js';
import { RequestRing } from './request-ring.js';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_STREAM_CHUNKS = 20;
const DEFAULT_SEED = 0x5eed;
const RECORD_CAPACITY = 1000;
const REPLY_CACHE_CAPACITY = 256;

/** Starts the simulated OpenAI + Anthropic provider on plain node:http. */
export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = options.host ?? DEFAULT_HOST;
  const streamChunks = options.streamChunks ?? DEFAULT_STREAM_CHUNKS;
  if (!Number.isInteger(streamChunks) || streamChunks < 1) throw new RangeError('streamChunks must be a positive integer');
  const faults = new FaultBook(options.seed ?? DEFAULT_SEED);
  for (const [apiKey, fault] of Object.entries(options.faults ?? {})) faults.set(apiKey, fault);
  const records = new RequestRing(RECORD_CAPACITY);
  const handler = createMockRequestHandler({
    apiKeys: options.apiKeys === undefined ? undefined : new Set(options.apiKeys),
    streamChunks,
    faults,
    records,
    cache: new ReplyCache(REPLY_CACHE_CAPACITY),
    models: buildMockModels(),
    now: Date.now,
  });

  const server = createServer({ keepAliveTimeout: 65_000 }, handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client that resets mid-request must not crash the process.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mock upstream: no TCP address');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    setFault: (apiKey: string, fault: MockFault) => faults.set(apiKey, fault),
    clearFaults: () => faults.clear(),
    get requests() {
      return records.list();
    },
    countFor: (apiKey: string) => records.countFor(apiKey),
    resetRecords: () => records.reset(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
