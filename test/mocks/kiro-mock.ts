import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { readBodyText } from './read-body-text.js';

/**
 * A faithful local stand-in for the three Kiro services (protocols.md §5), on 127.0.0.1:
 * - the Kiro API: `POST /generateAssistantResponse` answering an AWS binary event stream and
 *   `GET /getUsageLimits`, both checking the bearer token;
 * - the Kiro auth service: `POST /refreshToken` `{refreshToken}` (social logins);
 * - the SSO-OIDC token endpoint: `POST /token` with the refresh_token grant (Builder ID / IdC).
 * Tokens are issued and rotated like the real services; faults are switched on the returned object.
 */

export const MOCK_PROFILE_ARN = 'arn:aws:codewhisperer:us-east-1:123456789012:profile/MOCK';
export const MOCK_CLIENT_ID = 'mock-client-id';
export const MOCK_CLIENT_SECRET = 'mock-client-secret';
export const INVALID_TOKEN_MESSAGE = 'The bearer token included in the request is invalid.';

export interface KiroMockFaults {
  /** Every API call answers 402 (monthly quota); usage limits show the allowance used up. */
  quota?: boolean;
  /** Body of the 402, e.g. with a `nextDateReset`. */
  quotaBody?: Record<string, unknown>;
  /** Refresh endpoints answer 400 invalid_grant / 401. */
  refreshFails?: boolean;
  /** The next N generate calls send an exception frame after HTTP 200 (before any content). */
  exceptionAfter200?: { count: number; type: string; message: string };
  /** The next N generate calls answer this HTTP status with an AWS JSON error body. */
  status?: { count: number; status: number; type: string; message: string; reason?: string };
}

export interface KiroMockRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface KiroMock {
  url: string;
  faults: KiroMockFaults;
  /** Every request, in order. */
  requests: KiroMockRequest[];
  refreshCalls: { social: number; idc: number };
  generateCalls: number;
  /** Makes a fresh valid access token (as a login would). */
  issueAccessToken(): string;
  /** The refresh token the refresh endpoints currently accept. */
  refreshToken: string;
  /** Every issued access token becomes invalid (403 "bearer token … invalid"). */
  revokeAccessTokens(): void;
  /** Every issued access token becomes expired (401). */
  expireAccessTokens(): void;
  /** Text-frame delay between events, ms. */
  eventDelayMs: number;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function kiroEventFrame(eventType: string, payload: unknown): Uint8Array {
  const headers: MessageHeaders = {
    ':event-type': { type: 'string', value: eventType },
    ':content-type': { type: 'string', value: 'application/json' },
    ':message-type': { type: 'string', value: 'event' },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(payload)) });
}

export function kiroExceptionFrame(exceptionType: string, message: string): Uint8Array {
  const headers: MessageHeaders = {
    ':exception-type': { type: 'string', value: exceptionType },
    ':content-type': { type: 'string', value: 'application/json' },
    ':message-type': { type: 'string', value: 'exception' },
  };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify({ message })) });
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': 'mock-request-id',
    ...(errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.aws.codewhisperer/` } : {}),
  });
  res.end(text);
}

function validation(res: ServerResponse, why: string): void {
  sendJson(res, 400, { message: 'Improperly formed request.', reason: null, mockWhy: why }, 'ValidationException');
}

/** Rejects what the real service rejects (protocols.md §5.2); returns a reason or undefined. */
function invalidBody(body: unknown): string | undefined {
  if (!isObject(body) || !isObject(body['conversationState'])) return 'no conversationState';
  const json = JSON.stringify(body);
  if (json.includes('null')) {
    const hasNull = (value: unknown): boolean => value === null || (typeof value === 'object' && value !== null && Object.values(value).some(hasNull));
    if (hasNull(body)) return 'null field';
  }
  const state = body['conversationState'];
  const current = isObject(state['currentMessage']) ? state['currentMessage']['userInputMessage'] : undefined;
  if (!isObject(current)) return 'currentMessage is not a userInputMessage';
  const history = Array.isArray(state['history']) ? (state['history'] as unknown[]) : [];
  const turns = [...history, { userInputMessage: current }];
  const toolUseIds = new Set<string>();
  let previousUses = new Set<string>();
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i];
    if (!isObject(turn)) return 'bad turn';
    const expectUser = i % 2 === 0;
    const message = expectUser ? turn['userInputMessage'] : turn['assistantResponseMessage'];
    if (!isObject(message)) return `turn ${i} breaks user/assistant alternation`;
    if (typeof message['content'] !== 'string' || message['content'] === '') return `turn ${i} has empty content`;
    if (expectUser) {
      if (typeof message['modelId'] !== 'string' || message['origin'] !== 'AI_EDITOR') return `turn ${i} lacks modelId/origin`;
      const context = isObject(message['userInputMessageContext']) ? message['userInputMessageContext'] : {};
      const results = Array.isArray(context['toolResults']) ? (context['toolResults'] as Json[]) : [];
      const seen = new Set<string>();
      for (const result of results) {
        const id = String(result['toolUseId']);
        if (seen.has(id)) return `duplicate toolResult ${id}`;
        if (!previousUses.has(id)) return `orphan toolResult ${id}`;
        seen.add(id);
      }
      const tools = Array.isArray(context['tools']) ? (context['tools'] as Json[]) : [];
      for (const tool of tools) {
        const spec = isObject(tool['toolSpecification']) ? tool['toolSpecification'] : {};
        if (typeof spec['name'] !== 'string' || spec['name'].length > 64) return 'tool name longer than 64';
        if (!isObject(spec['inputSchema']) || !isObject(spec['inputSchema']['json'])) return 'tool without inputSchema.json';
      }
      previousUses = new Set();
    } else {
      const uses = Array.isArray(message['toolUses']) ? (message['toolUses'] as Json[]) : [];
      previousUses = new Set();
      for (const use of uses) {
        const id = String(use['toolUseId']);
        if (toolUseIds.has(id)) return `duplicate toolUse ${id}`;
        if (!isObject(use['input'])) return 'toolUse input is not an object';
        if (Object.hasOwn(use['input'], '')) return 'toolUse input has an empty key';
        toolUseIds.add(id);
        previousUses.add(id);
      }
    }
  }
  if (history.length > 0 && !isObject((history.at(-1) as Json)['assistantResponseMessage'])) return 'history does not end with an assistant turn';
  return undefined;
}

function split(text: string, parts: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** What the mock answers to one conversation state. */
function planFrames(state: Json): Uint8Array[] {
  const current = (state['currentMessage'] as Json)['userInputMessage'] as Json;
  const context = isObject(current['userInputMessageContext']) ? current['userInputMessageContext'] : {};
  const results = Array.isArray(context['toolResults']) ? (context['toolResults'] as Json[]) : [];
  const tools = Array.isArray(context['tools']) ? (context['tools'] as Json[]) : [];
  const frames: Uint8Array[] = [];
  let outputChars = 0;
  if (results.length > 0) {
    const first = results[0]!;
    const content = Array.isArray(first['content']) ? (first['content'] as Json[]) : [];
    const text = `Tool said: ${content.map((c) => (typeof c['text'] === 'string' ? c['text'] : JSON.stringify(c['json']))).join('')}`;
    for (const piece of split(text, 3)) frames.push(kiroEventFrame('assistantResponseEvent', { content: piece }));
    outputChars = text.length;
  } else if (tools.length > 0) {
    const toolUseId = `tooluse_mock${Math.random().toString(36).slice(2, 10)}`;
    const name = 'get_weather';
    frames.push(kiroEventFrame('toolUseEvent', { toolUseId, name }));
    for (const piece of ['{"ci', 'ty":"Pa', 'ris"}']) frames.push(kiroEventFrame('toolUseEvent', { toolUseId, name, input: piece }));
    frames.push(kiroEventFrame('toolUseEvent', { toolUseId, name, stop: true }));
    // The real service sometimes repeats a finished call.
    frames.push(kiroEventFrame('toolUseEvent', { toolUseId, name, input: '{"city":"Paris"}', stop: true }));
    outputChars = 30;
  } else {
    // The system prompt is folded into the first user turn: echo the last line the user wrote.
    const said = String(current['content']).split('\n').at(-1) ?? '';
    const text = `Hello from mock! You said: ${said}`;
    for (const piece of split(text, 4)) frames.push(kiroEventFrame('assistantResponseEvent', { content: piece }));
    outputChars = text.length;
  }
  frames.push(kiroEventFrame('meteringEvent', { unit: 'credit', unitPlural: 'credits', usage: 0.0097 }));
  frames.push(kiroEventFrame('contextUsageEvent', { contextUsagePercentage: Math.max(0.01, (JSON.stringify(state).length / 4 + outputChars / 4) / 2000) }));
  return frames;
}

export async function startKiroMock(): Promise<KiroMock> {
  let tokenCounter = 0;
  const valid = new Set<string>();
  const revoked = new Set<string>();
  const expired = new Set<string>();
  let refreshCounter = 0;

  const mock: KiroMock = {
    url: '',
    faults: {},
    requests: [],
    refreshCalls: { social: 0, idc: 0 },
    generateCalls: 0,
    refreshToken: 'aorMOCK-refresh-0',
    eventDelayMs: 2,
    issueAccessToken() {
      const token = `aoaMOCK-access-${++tokenCounter}`;
      valid.add(token);
      return token;
    },
    revokeAccessTokens() {
      for (const token of valid) revoked.add(token);
      valid.clear();
    },
    expireAccessTokens() {
      for (const token of valid) expired.add(token);
      valid.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** The bearer check of the Kiro API; answers the error itself and returns false on failure. */
  const authorised = (req: IncomingMessage, res: ServerResponse): boolean => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (valid.has(token)) return true;
    if (expired.has(token)) {
      sendJson(res, 401, { message: 'The security token included in the request is expired', reason: null }, 'UnauthorizedException');
    } else {
      sendJson(res, 403, { message: INVALID_TOKEN_MESSAGE, reason: null }, 'AccessDeniedException');
    }
    return false;
  };

  const rotate = () => {
    mock.refreshToken = `aorMOCK-refresh-${++refreshCounter}`;
    return { accessToken: mock.issueAccessToken(), refreshToken: mock.refreshToken, expiresIn: 3600 };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = req.method === 'POST' ? await readBodyText(req) : '';
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    mock.requests.push({ method: req.method ?? '', path: url.pathname + url.search, headers: req.headers, body });

    if (req.method === 'POST' && url.pathname === '/refreshToken') {
      mock.refreshCalls.social++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (mock.faults.refreshFails || !isObject(body) || body['refreshToken'] !== mock.refreshToken) {
        sendJson(res, 401, { message: 'Invalid refresh token provided' });
        return;
      }
      sendJson(res, 200, { ...rotate(), profileArn: MOCK_PROFILE_ARN });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      mock.refreshCalls.idc++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (!isObject(body) || body['clientId'] !== MOCK_CLIENT_ID || body['clientSecret'] !== MOCK_CLIENT_SECRET) {
        sendJson(res, 400, { error: 'invalid_client', error_description: 'Invalid client credentials' });
        return;
      }
      if (mock.faults.refreshFails || body['grantType'] !== 'refresh_token' || body['refreshToken'] !== mock.refreshToken) {
        sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' });
        return;
      }
      sendJson(res, 200, { ...rotate(), tokenType: 'Bearer' });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/getUsageLimits') {
      if (!authorised(req, res)) return;
      const limit = 50;
      sendJson(res, 200, {
        usageBreakdownList: [
          {
            resourceType: 'AGENTIC_REQUEST',
            currentUsage: mock.faults.quota ? limit : 3,
            usageLimit: limit,
            nextDateReset: Math.floor(Date.UTC(2099, 0, 1) / 1000),
          },
        ],
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/generateAssistantResponse') {
      mock.generateCalls++;
      if (!authorised(req, res)) return;
      if (mock.faults.quota) {
        sendJson(res, 402, mock.faults.quotaBody ?? { message: 'You have reached the limit for this month.', reason: 'MONTHLY_REQUEST_COUNT' });
        return;
      }
      const status = mock.faults.status;
      if (status && status.count > 0) {
        status.count--;
        sendJson(res, status.status, { message: status.message, reason: status.reason ?? null }, status.type);
        return;
      }
      const why = invalidBody(body);
      if (why) {
        validation(res, why);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'mock-request-id' });
      const exception = mock.faults.exceptionAfter200;
      if (exception && exception.count > 0) {
        exception.count--;
        res.end(kiroExceptionFrame(exception.type, exception.message));
        return;
      }
      for (const frame of planFrames((body as Json)['conversationState'] as Json)) {
        // Split each frame across two writes: clients must reassemble frames from chunks.
        const cut = Math.floor(frame.byteLength / 2);
        res.write(frame.subarray(0, cut));
        await new Promise((resolve) => setTimeout(resolve, mock.eventDelayMs));
        res.write(frame.subarray(cut));
      }
      res.end();
      return;
    }
    sendJson(res, 404, { message: `no route ${req.method} ${url.pathname}` }, 'UnknownOperationException');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) }, 'InternalServerException');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return mock;
}
