import { decodePathSegment } from '../http/decode-path-segment.js';
import { GatewayError } from '../canonical/index.js';
import type { Route } from '../http/route.js';
import { sendJson } from '../http/send-response.js';
import { encodeOpenAIError } from '../inbound/openai/encode-error.js';
import type { RequestLogQuery } from '../observability/request-log.js';
import { describeInstance, describePools } from './describe-pools.js';

const RESET_PATH = /^\/admin\/instances\/([^/]+)\/reset$/;
const MAX_LIMIT = 1000;

function disabled(what: string, key: string): GatewayError {
  return new GatewayError('not_found', `${what} is disabled (${key} is false)`, { origin: 'client' });
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { origin: 'client', param });
}

/** `?limit=50&pool=openai-custom&instance=eu-1&since=2024-05-01T00:00:00Z` (since: ISO date or epoch ms). */
export function parseRequestsQuery(search: string): RequestLogQuery {
  const params = new URLSearchParams(search);
  const query: RequestLogQuery = {};
  const limit = params.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) throw invalid('limit', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    query.limit = Number(limit);
  }
  const since = params.get('since');
  if (since !== null) {
    const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (Number.isNaN(ms)) throw invalid('since', 'since must be an ISO date or epoch milliseconds');
    query.since = ms;
  }
  const pool = params.get('pool');
  if (pool) query.pool = pool;
  const instance = params.get('instance');
  if (instance) query.instance = instance;
  return query;
}

/**
 * The management API: Prometheus metrics, pool and instance state (credentials masked), the
 * request log, and an instance reset. Gateway key required; errors in the OpenAI shape.
 */
export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/metrics',
    protocol: 'admin',
    encodeError: encodeOpenAIError,
    handle: async (_req, res, rc) => {
      const metrics = rc.gateway.metrics;
      if (!metrics) throw disabled('/metrics', 'METRICS_ENABLED');
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
  },
  {
    method: 'GET',
    path: '/admin/pools',
    protocol: 'admin',
    encodeError: encodeOpenAIError,
    handle: async (_req, res, rc) => {
      sendJson(res, 200, describePools(rc.gateway.registry, rc.gateway.now()));
    },
  },
  {
    method: 'GET',
    path: '/admin/requests',
    protocol: 'admin',
    encodeError: encodeOpenAIError,
    handle: async (_req, res, rc) => {
      const log = rc.gateway.requestLog;
      if (!log) throw disabled('the request log', 'REQUEST_LOG_ENABLED');
      const query = parseRequestsQuery(rc.search);
      let requests;
      try {
        requests = await log.query(query);
      } catch (error) {
        throw new GatewayError('internal', `request log query failed: ${(error as Error).message}`, { origin: 'gateway', cause: error });
      }
      sendJson(res, 200, { requests });
    },
  },
  {
    method: 'POST',
    path: RESET_PATH,
    protocol: 'admin',
    encodeError: encodeOpenAIError,
    handle: async (req, res, rc) => {
      req.resume();
      const raw = RESET_PATH.exec(rc.path)?.[1] ?? '';
      // Not valid percent-encoding: looked up as it came, which finds nothing.
      const uuid = decodePathSegment(raw) ?? raw;
      const instance = rc.gateway.registry.instance(uuid);
      if (!instance) throw new GatewayError('not_found', `no instance with uuid ${uuid}`, { origin: 'client' });
      rc.gateway.registry.reset(instance);
      rc.gateway.logger.info({ pool: instance.poolKey, instance: instance.name }, 'instance reset by the admin API');
      sendJson(res, 200, { instance: describeInstance(instance, rc.gateway.now()) });
    },
  },
];
