import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GatewayError, toGatewayError } from '../canonical/index.js';
import type { GatewayContext } from '../gateway/gateway-context.js';
import type { RequestObserver, RequestRecord } from '../observability/request-record.js';
import { extractApiKey, type ApiKeyCheck } from './api-key-auth.js';
import { ClientCancellation } from './client-cancellation.js';
import type { RequestContext } from './request-context.js';
import type { Route } from './route.js';
import { sendEncodedError } from './send-response.js';

export interface ServerOptions {
  gateway: GatewayContext;
  routes: readonly Route[];
  /** Shape of errors for paths no route matches. */
  fallbackEncodeError: Route['encodeError'];
  apiKey: () => ApiKeyCheck;
  /** Told about every request once its response has ended. */
  observers?: readonly RequestObserver[];
}

/** `/openai-custom-eu/v1/chat/completions` → pool `openai-custom-eu`, path `/v1/chat/completions`. */
function splitPoolPrefix(path: string): { pool: string | undefined; path: string } {
  if (path.startsWith('/v1/') || path.startsWith('/v1beta/') || path === '/health') return { pool: undefined, path };
  const second = path.indexOf('/', 1);
  if (second > 1) {
    const rest = path.slice(second);
    if (rest.startsWith('/v1/') || rest.startsWith('/v1beta/') || rest === '/v1' ) return { pool: decodeURIComponent(path.slice(1, second)), path: rest };
  }
  return { pool: undefined, path };
}

/**
 * A class rather than an object literal with a `signal` getter: V8 gives such a literal a fresh
 * hidden class on every evaluation, and those old-space maps kept each request's whole object
 * graph alive through young-generation GCs (scavenges were 6x longer, CPU per request +40%).
 */
class LiveRequestContext implements RequestContext {
  constructor(
    readonly gateway: GatewayContext,
    readonly pathPool: string | undefined,
    readonly path: string,
    readonly search: string,
    readonly cancellation: ClientCancellation,
    readonly record: RequestRecord,
  ) {}

  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
}

export function createGatewayServer(options: ServerOptions): Server {
  // method → path → route: no per-request key string to build and hash.
  const exact = new Map<string, Map<string, Route>>();
  const patterns: Route[] = [];
  for (const route of options.routes) {
    if (typeof route.path === 'string') {
      const byPath = exact.get(route.method) ?? new Map<string, Route>();
      byPath.set(route.path, route);
      exact.set(route.method, byPath);
    }
    else patterns.push(route);
  }
  const find = (method: string, path: string): Route | undefined =>
    exact.get(method)?.get(path) ?? patterns.find((route) => route.method === method && (route.path as RegExp).test(path));

  const observers = options.observers ?? [];
  /** One 'close' listener per request does both jobs: cancel work for a client that left, and report. */
  const watchClose = (record: RequestRecord, res: ServerResponse, cancellation: ClientCancellation): void => {
    res.once('close', () => {
      const finished = res.writableFinished;
      if (!finished) cancellation.cancel();
      if (observers.length === 0) return;
      record.status = res.statusCode;
      record.durationMs = Date.now() - record.startedAt;
      record.clientAborted = !finished;
      for (const observer of observers) observer.onRequestEnd(record);
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q);
    const { pool, path } = splitPoolPrefix(rawPath);
    const route = find(req.method ?? 'GET', path);
    const record: RequestRecord = {
      startedAt: Date.now(),
      method: req.method ?? 'GET',
      route: route ? path : 'unmatched',
      protocol: route?.protocol ?? 'none',
      attempts: 0,
      status: 0,
      durationMs: 0,
      clientAborted: false,
    };
    const cancellation = new ClientCancellation();
    watchClose(record, res, cancellation);
    if (!route) {
      req.resume();
      sendEncodedError(res, options.fallbackEncodeError(new GatewayError('not_found', `no route for ${req.method} ${rawPath}`, { origin: 'client' })));
      return;
    }
    if (!route.public && !options.apiKey().matches(extractApiKey(req.headers, search))) {
      req.resume();
      sendEncodedError(
        res,
        route.encodeError(new GatewayError('authentication', 'missing or invalid gateway API key', { origin: 'client', status: 401, retryable: false })),
      );
      return;
    }
    try {
      await route.handle(req, res, new LiveRequestContext(options.gateway, pool, path, search, cancellation, record));
    } catch (thrown) {
      const error = toGatewayError(thrown);
      record.errorCode = error.code;
      if (error.code === 'client_closed' || cancellation.aborted) {
        res.destroy();
        return;
      }
      if (error.code === 'internal') options.gateway.logger.error({ err: thrown }, 'request failed');
      sendEncodedError(res, route.encodeError(error));
    }
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handle(req, res));
  return server;
}
