import type { GatewayContext } from '../gateway/gateway-context.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { ClientCancellation } from './client-cancellation.js';

/** Per-request facts the router works out before a protocol handler runs. */
export interface RequestContext {
  gateway: GatewayContext;
  /** Pool named by a `/<pool>/v1/...` path prefix. */
  pathPool: string | undefined;
  /** Path without the pool prefix, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query string including `?`, or ''. */
  search: string;
  /** Aborted when the client goes away; made on first use (see ClientCancellation). */
  readonly signal: AbortSignal;
  /** The cheap way to learn the client went away. */
  cancellation: ClientCancellation;
  /** Filled along the way; observers read it when the response ends. */
  record: RequestRecord;
}
