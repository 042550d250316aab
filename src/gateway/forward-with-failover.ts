import type { ServerResponse } from 'node:http';
import { GatewayError } from '../canonical/index.js';
import type { ClientCancellation } from '../http/client-cancellation.js';
import { dispatchWithFailover } from '../pool/dispatch-with-failover.js';
import { mapTransportError } from '../upstream/map-transport-error.js';
import type { ForwardResponse } from '../upstream/provider-adapter.js';
import type { RequestRecord } from '../observability/request-record.js';
import type { GatewayContext } from './gateway-context.js';
import type { Target } from './resolve-target.js';

export interface ForwardOptions {
  ctx: GatewayContext;
  res: ServerResponse;
  cancellation: ClientCancellation;
  record?: RequestRecord | undefined;
  target: Target;
  path: string;
  body: Buffer | string;
  stream: boolean;
  headers: Record<string, string>;
  sessionKey: string | undefined;
  /** Frame that ends a broken stream in the client's protocol. */
  encodeStreamError: (error: GatewayError) => string;
}

/** SSE content type; HTTP/1.1 keeps the connection alive without a `connection` header (Node parses that one specially on every response). */
const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';

/**
 * The same-protocol fast path: the client's body goes to the upstream as it is (model possibly
 * rewritten) and the upstream's bytes come back untouched, with the same failover, stats and
 * error behaviour as the canonical path. A non-stream body is read whole before anything is sent,
 * so a body that breaks off can still fail over; a stream commits at its first chunk.
 */
export async function forwardWithFailover(options: ForwardOptions): Promise<void> {
  const { ctx, res, cancellation, target, stream } = options;
  const dispatched = await dispatchWithFailover<ForwardResponse>({
    pool: target.pool,
    model: target.model,
    sessionKey: options.sessionKey,
    maxRetries: ctx.config().REQUEST_MAX_RETRIES,
    signal: cancellation,
    record: options.record,
    attempt: (lease) => {
      const connection = lease.instance.connection;
      if (!connection?.forward) throw new GatewayError('internal', `instance ${lease.instance.name} cannot forward`);
      return connection.forward({ path: options.path, body: options.body, stream, headers: options.headers }, cancellation);
    },
  });
  const { lease, value } = dispatched;
  if (options.record) {
    options.record.fastPath = true;
    options.record.stream = stream;
    options.record.firstByteMs = Date.now() - options.record.startedAt;
  }
  try {
    if (!stream) {
      // Flat [name, value, ...] headers: Node's cheapest writeHead form.
      res.writeHead(value.status, ['content-type', value.contentType ?? 'application/json', 'x-poolgate-instance', lease.instance.name]);
      res.end(value.head ?? '');
      return;
    }
    res.writeHead(value.status, ['content-type', SSE_CONTENT_TYPE, 'cache-control', 'no-cache', 'x-poolgate-instance', lease.instance.name]);
    const result = await value.pipeRest(res);
    if (result.error) {
      const error = mapTransportError(result.error, cancellation, 'upstream stream broke off');
      const interrupted = error.code === 'client_closed' ? error : new GatewayError('stream_interrupted', error.message, { cause: result.error });
      lease.fail(interrupted);
      if (!cancellation.aborted && !res.destroyed) {
        res.end(`${result.atEventBoundary ? '' : '\n\n'}${options.encodeStreamError(interrupted)}`);
      }
      return;
    }
    res.end();
  } finally {
    lease.release();
  }
}
