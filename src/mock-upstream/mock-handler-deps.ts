import type { FaultBook } from './fault-book.js';
import type { MockModels } from './mock-models.js';
import type { ReplyCache } from './reply-cache.js';
import type { RequestRing } from './request-ring.js';

/** Per-server state and settings the request handler works with. */
export interface MockHandlerDeps {
  apiKeys: ReadonlySet<string> | undefined;
  streamChunks: number;
  faults: FaultBook;
  records: RequestRing;
  cache: ReplyCache;
  models: MockModels;
  /** Epoch ms. */
  now: () => number;
}
