import type { ServerResponse } from 'node:http';
import { closeSignal } from './close-signal.js';
import { delay } from './delay.js';
import type { MockHandlerDeps } from './mock-handler-deps.js';
import type { EncodeContext, MockProtocol } from './mock-protocol.js';
import { planReply } from './plan-reply.js';
import { renderReply } from './render-reply.js';
import { sendFaultStatus } from './send-fault-status.js';
import { sendError, sendJson } from './send-json.js';
import { destroyAfterFlush, writeFrames } from './write-frames.js';

export interface GenerationRequest {
  protocol: MockProtocol;
  apiKey: string | undefined;
  body: unknown;
  /** The body was present but not JSON. */
  invalidJson: boolean;
  requestId: string;
  /** Unique suffix for the response's ids. */
  replyId: string;
}

/**
 * A chat completion / message: apply the key's fault, validate, plan the reply, then write it.
 * Without pacing the reply is one precomputed buffer; faults and multibyte replies take the
 * event-by-event path.
 */
export async function sendGeneration(deps: MockHandlerDeps, request: GenerationRequest, res: ServerResponse): Promise<void> {
  const { protocol, requestId } = request;
  const fault = deps.faults.take(request.apiKey ?? '');
  let delayMs = 0;
  let dropAfter: number | undefined;
  switch (fault.kind) {
    case 'status':
      sendFaultStatus(res, protocol, fault, requestId);
      return;
    case 'hang':
      return;
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
    case 'slow-headers':
      if (!(await delay(fault.delayMs, closeSignal(res)))) return;
      break;
    case 'slow-chunks':
      delayMs = fault.delayMs;
      break;
    case 'drop-mid-stream':
      dropAfter = Math.max(0, fault.afterChunks);
      break;
    case 'none':
      break;
  }
  if (request.invalidJson) {
    sendError(res, protocol, 400, 'We could not parse the JSON body of your request.', requestId);
    return;
  }
  const read = protocol.readRequest(request.body);
  if (!read.ok) {
    sendError(res, protocol, 400, read.message, requestId);
    return;
  }
  const { input } = read;
  const reply = planReply(input);
  const ctx: EncodeContext = {
    id: request.replyId,
    created: Math.floor(deps.now() / 1000),
    model: input.model,
    includeUsage: input.includeUsage,
    streamChunks: deps.streamChunks,
  };
  if (!input.stream) {
    if (dropAfter !== undefined) {
      await sendTruncatedJson(res, protocol, Buffer.from(protocol.encodeBody(reply, ctx)), requestId);
      return;
    }
    sendJson(res, protocol, 200, renderReply(deps.cache, protocol, reply, ctx, false), requestId);
    return;
  }
  // No explicit `connection` header: node sets keep-alive itself and honours a client's `close`.
  const headers = [
    'content-type', protocol.sseContentType,
    'cache-control', 'no-cache',
    protocol.requestIdHeader, requestId,
  ];
  if (delayMs === 0 && dropAfter === undefined && !reply.splitCharacters) {
    res.writeHead(200, headers);
    res.end(renderReply(deps.cache, protocol, reply, ctx, true));
    return;
  }
  const frames = protocol.encodeFrames(reply, ctx).map((frame) => Buffer.from(frame));
  await writeFrames(res, headers, frames, { delayMs, dropAfter, splitCharacters: reply.splitCharacters }, closeSignal(res));
}

/** drop-mid-stream on a non-stream request: full content-length announced, half the body sent. */
async function sendTruncatedJson(res: ServerResponse, protocol: MockProtocol, body: Buffer, requestId: string): Promise<void> {
  res.writeHead(200, [
    'content-type', 'application/json',
    'content-length', String(body.length),
    protocol.requestIdHeader, requestId,
  ]);
  res.write(body.subarray(0, Math.floor(body.length / 2)));
  await destroyAfterFlush(res);
}
