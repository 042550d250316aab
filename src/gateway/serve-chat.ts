import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError, type ChatRequest, type ChatResponse, type WireFormat } from '../canonical/index.js';
import type { StreamEncoder } from '../canonical/stream-encoder.js';
import type { RequestContext } from '../http/request-context.js';
import { forwardWithFailover } from './forward-with-failover.js';
import { resolveTarget } from './resolve-target.js';
import { serveCanonical } from './serve-canonical.js';
import { sessionKeyOf } from './session-key.js';
import type { ChatBody } from './chat-body.js';

/** How one client protocol's chat endpoint plugs into the shared request path. */
export interface ChatEndpoint {
  /** The wire format of the client's body; an upstream speaking it gets the body as it is. */
  wireFormat: WireFormat;
  /** Upstream path for the fast path, under the upstream's versioned base; none = always canonical. */
  forwardPath?: string;
  /** Client headers that the same-protocol upstream should receive (anthropic-beta, ...). */
  passHeaders?: readonly string[];
  decode(body: Record<string, unknown>): ChatRequest;
  encodeResponse(response: ChatResponse, clientModel: string, request: ChatRequest): string;
  /** A fresh encoder for one streamed answer. */
  streamEncoder(clientModel: string, request: ChatRequest): StreamEncoder;
  encodeStreamError(error: GatewayError): string;
  /** The conversation's opening, hashed for session affinity; undefined when the body has none (its decoder reports that). */
  opening(body: Record<string, unknown>): unknown;
}

/** Shared by every request that passes no client headers on; never written to. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * One chat request from any protocol: route it to a pool, then either forward it untouched (same
 * protocol on both sides) or decode it to the canonical model and encode the answer back.
 */
export async function serveChat(req: IncomingMessage, res: ServerResponse, rc: RequestContext, chat: ChatBody, endpoint: ChatEndpoint): Promise<void> {
  const ctx = rc.gateway;
  const model = chat.model;
  if (typeof model !== 'string' || model === '') throw GatewayError.invalidRequest('model: expected a non-empty string', 'model');
  const header = req.headers['model-provider'];
  const target = resolveTarget(ctx, rc.pathPool, typeof header === 'string' ? header : undefined, model);
  const sessionKey = ctx.config().SESSION_AFFINITY ? sessionKeyOf(req.headers, () => endpoint.opening(chat.parsed)) : undefined;

  if (target.adapter.wireFormat === endpoint.wireFormat && endpoint.forwardPath) {
    // The fast path skips the full decoder, so check here what the upstream would reject unclearly.
    if (!chat.hasMessages) throw GatewayError.invalidRequest('messages: expected a non-empty array', 'messages');
    let headers = NO_HEADERS;
    if (endpoint.passHeaders) {
      headers = {};
      for (const name of endpoint.passHeaders) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
    }
    await forwardWithFailover({
      ctx,
      res,
      cancellation: rc.cancellation,
      record: rc.record,
      target,
      path: endpoint.forwardPath,
      body: target.model === model ? chat.raw : JSON.stringify({ ...chat.parsed, model: target.model }),
      stream: chat.stream,
      headers,
      sessionKey,
      encodeStreamError: endpoint.encodeStreamError,
    });
    return;
  }
  const request = { ...endpoint.decode(chat.parsed), model: target.model };
  await serveCanonical({
    ctx,
    res,
    cancellation: rc.cancellation,
    record: rc.record,
    target,
    request,
    sessionKey,
    encodeResponse: (response) => endpoint.encodeResponse(response, model, request),
    streamEncoder: () => endpoint.streamEncoder(model, request),
  });
}
