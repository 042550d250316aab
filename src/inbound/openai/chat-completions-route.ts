import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../../canonical/index.js';
import { forwardWithFailover } from '../../gateway/forward-with-failover.js';
import { resolveTarget } from '../../gateway/resolve-target.js';
import { sessionKeyOf } from '../../gateway/session-key.js';
import { serveCanonical } from '../../gateway/serve-canonical.js';
import { parseJsonBody } from '../../http/parse-json-body.js';
import { readBody } from '../../http/read-body.js';
import type { RequestContext } from '../../http/request-context.js';
import { decodeOpenAIChatRequest } from './decode-chat-request.js';
import { encodeOpenAIChatResponse } from './encode-chat-response.js';
import { encodeOpenAIChatStream } from './encode-chat-stream.js';
import { encodeOpenAIStreamError } from './encode-error.js';

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The conversation's opening: system prompt(s) and the first user turn. */
function opening(messages: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const message of messages) {
    out.push(message);
    if ((message as { role?: unknown })?.role === 'user') break;
  }
  return out;
}

/** POST /v1/chat/completions */
export async function handleChatCompletions(req: IncomingMessage, res: ServerResponse, rc: RequestContext): Promise<void> {
  const ctx = rc.gateway;
  const body = await readBody(req, MAX_BODY_BYTES);
  const parsed = parseJsonBody(body);
  const model = parsed.model;
  if (typeof model !== 'string' || model === '') throw GatewayError.invalidRequest('model: expected a non-empty string', 'model');
  const messages = parsed.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw GatewayError.invalidRequest('messages: expected a non-empty array', 'messages');
  const header = req.headers['model-provider'];
  const target = resolveTarget(ctx, rc.pathPool, typeof header === 'string' ? header : undefined, model);
  const sessionKey = ctx.config().SESSION_AFFINITY ? sessionKeyOf(req.headers, opening(messages)) : undefined;
  const stream = parsed.stream === true;

  if (target.adapter.wireFormat === 'openai') {
    const upstreamBody = target.model === model ? body : JSON.stringify({ ...parsed, model: target.model });
    await forwardWithFailover({
      ctx,
      res,
      signal: rc.signal,
      target,
      path: '/chat/completions',
      body: upstreamBody,
      stream,
      headers: {},
      sessionKey,
      encodeStreamError: encodeOpenAIStreamError,
    });
    return;
  }

  const request = { ...decodeOpenAIChatRequest(parsed), model: target.model };
  await serveCanonical({
    ctx,
    res,
    signal: rc.signal,
    target,
    request,
    sessionKey,
    encodeResponse: (response) => JSON.stringify(encodeOpenAIChatResponse(response, model)),
    encodeStream: (events) => encodeOpenAIChatStream(events, { clientModel: model, includeUsage: request.includeUsage === true }),
  });
}
