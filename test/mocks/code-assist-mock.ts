import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBodyText } from './read-body-text.js';

/**
 * Google Code Assist (`cloudcode-pa` v1internal, protocols.md §4) on 127.0.0.1: bearer-checked
 * `:generateContent`, `:streamGenerateContent?alt=sse` (`data: {"response": ...}\r\n\r\n`),
 * `:countTokens`, `:loadCodeAssist`, `:onboardUser` with a polled long-running operation, and
 * google.rpc.Status errors. Replies follow the repo's mock upstream: `Hello from mock! You said:
 * <last user text>`; a `get_weather {"city":"Paris"}` call when tools are declared and the last
 * turn is the user's text; `Tool said: <result>` after a functionResponse.
 */
export interface CodeAssistMockOptions {
  /** Access tokens accepted from the start (more via `acceptToken`). */
  tokens?: string[];
  /** The managed project loadCodeAssist/onboarding hands out; generate requires it. */
  projectId?: string;
  /** Whether loadCodeAssist already reports a current tier. Default true. */
  onboarded?: boolean;
  /** How many answers of the onboarding (onboardUser's own, then each poll) say `done: false`. Default 1. */
  pendingPolls?: number;
  /** Text chunks per streamed reply. Default 3. */
  streamChunks?: number;
}

/** Fault for the next generation requests (generateContent / streamGenerateContent). */
export type CodeAssistFault =
  /** 429 RESOURCE_EXHAUSTED with ErrorInfo + RetryInfo (`retryDelay` like "30s"). */
  | { kind: 'rate-limit'; retryDelay: string; reason?: 'RATE_LIMIT_EXCEEDED' | 'QUOTA_EXHAUSTED'; times?: number }
  /** 401 UNAUTHENTICATED whatever the token. */
  | { kind: 'unauthenticated'; times?: number }
  | { kind: 'status'; status: number; status_name: string; message: string; times?: number };

export interface CodeAssistRecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v1internal:generateContent`. */
  path: string;
  query: string;
  token: string | undefined;
  body: unknown;
}

export interface CodeAssistMock {
  url: string;
  projectId: string;
  readonly requests: readonly CodeAssistRecordedRequest[];
  /** Requests to a method, e.g. `generateContent`, `loadCodeAssist`, `operations`. */
  count(method: string): number;
  acceptToken(token: string): void;
  /** The token is answered 401 from now on (revoked or expired server-side). */
  expireToken(token: string): void;
  setFault(fault: CodeAssistFault | undefined): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, code: number, status: string, message: string, details: Json[] = []): void {
  sendJson(response, code, { error: { code, message, status, ...(details.length > 0 ? { details } : {}) } });
}

const DOMAIN = 'cloudcode-pa.googleapis.com';

interface Plan {
  text?: string;
  call?: { name: string; args: Json };
  promptChars: number;
}

/** The deterministic reply for one Gemini request. */
function planReply(request: Json): Plan {
  const contents = Array.isArray(request['contents']) ? request['contents'].filter(isObject) : [];
  const promptChars = JSON.stringify(contents).length;
  const last = contents.at(-1);
  const parts = last && Array.isArray(last['parts']) ? last['parts'].filter(isObject) : [];
  const result = parts.map((part) => part['functionResponse']).find(isObject);
  if (result !== undefined) {
    const response = isObject(result['response']) ? result['response'] : {};
    const value = response['output'] ?? response['result'] ?? response['content'] ?? response;
    return { text: `Tool said: ${typeof value === 'string' ? value : JSON.stringify(value)}`, promptChars };
  }
  const tools = Array.isArray(request['tools']) ? request['tools'].filter(isObject) : [];
  const declaration = tools.flatMap((tool) => (Array.isArray(tool['functionDeclarations']) ? tool['functionDeclarations'].filter(isObject) : []))[0];
  if (declaration !== undefined && last?.['role'] === 'user') {
    const schema = declaration['parametersJsonSchema'] ?? declaration['parameters'];
    const hasCity = isObject(schema) && isObject(schema['properties']) && 'city' in schema['properties'];
    return { call: { name: String(declaration['name']), args: hasCity ? { city: 'Paris' } : {} }, promptChars };
  }
  const text = parts.flatMap((part) => (typeof part['text'] === 'string' ? [part['text']] : [])).join('');
  return { text: `Hello from mock! You said: ${text}`, promptChars };
}

function usage(plan: Plan, done: boolean): Json {
  const prompt = Math.max(1, Math.ceil(plan.promptChars / 4));
  const output = Math.max(1, Math.ceil(((plan.text?.length ?? 0) + (plan.call ? JSON.stringify(plan.call).length : 0)) / 4));
  return done ? { promptTokenCount: prompt, candidatesTokenCount: output, totalTokenCount: prompt + output } : { promptTokenCount: prompt, totalTokenCount: prompt };
}

export async function startCodeAssistMock(options: CodeAssistMockOptions = {}): Promise<CodeAssistMock> {
  const tokens = new Set(options.tokens ?? []);
  const expired = new Set<string>();
  const projectId = options.projectId ?? 'mock-project-123';
  let onboarded = options.onboarded ?? true;
  const pendingPolls = options.pendingPolls ?? 1;
  const polls = new Map<string, number>();
  const streamChunks = options.streamChunks ?? 3;
  const requests: CodeAssistRecordedRequest[] = [];
  const counts = new Map<string, number>();
  let fault: CodeAssistFault | undefined;
  let faultUses = 0;
  let traceCounter = 0;

  const takeFault = (): CodeAssistFault | undefined => {
    if (fault === undefined) return undefined;
    const current = fault;
    faultUses++;
    if (current.times !== undefined && faultUses >= current.times) {
      fault = undefined;
      faultUses = 0;
    }
    return current;
  };

  const answerFault = (response: ServerResponse, current: CodeAssistFault, model: string): void => {
    if (current.kind === 'unauthenticated') {
      sendError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    } else if (current.kind === 'rate-limit') {
      const reason = current.reason ?? 'RATE_LIMIT_EXCEEDED';
      sendError(response, 429, 'RESOURCE_EXHAUSTED', `You have exhausted your capacity on this model. Your quota will reset after ${current.retryDelay}.`, [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: DOMAIN, metadata: { uiMessage: 'true', model, quotaResetDelay: current.retryDelay } },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: current.retryDelay },
      ]);
    } else {
      sendError(response, current.status, current.status_name, current.message);
    }
  };

  const operationResult = (name: string): Json => ({
    name,
    done: true,
    response: { '@type': 'type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse', cloudaicompanionProject: { id: projectId, name: projectId } },
  });

  const generate = (response: ServerResponse, body: Json, stream: boolean): void => {
    const model = body['model'];
    if (typeof model !== 'string' || model === '' || model.startsWith('models/')) {
      sendError(response, 400, 'INVALID_ARGUMENT', `Invalid model: ${String(model)} (expected a bare model id)`);
      return;
    }
    if (body['project'] !== projectId) {
      sendError(response, 403, 'PERMISSION_DENIED', `Permission denied on resource project ${String(body['project'])}.`);
      return;
    }
    const request = body['request'];
    if (!isObject(request) || !Array.isArray(request['contents']) || request['contents'].length === 0) {
      sendError(response, 400, 'INVALID_ARGUMENT', 'request.contents is required');
      return;
    }
    const current = takeFault();
    if (current) {
      answerFault(response, current, model);
      return;
    }
    const plan = planReply(request);
    const traceId = `trace-${++traceCounter}`;
    const wrap = (parts: Json[], done: boolean): Json => ({
      response: {
        candidates: [{ content: { role: 'model', parts }, ...(done ? { finishReason: 'STOP' } : {}), index: 0 }],
        usageMetadata: usage(plan, done),
        modelVersion: model,
        createTime: new Date(0).toISOString(),
        responseId: `resp-${traceCounter}`,
      },
      traceId,
    });
    const finalParts: Json[] = plan.call ? [{ functionCall: plan.call }] : [{ text: plan.text ?? '' }];
    if (!stream) {
      sendJson(response, 200, { ...wrap(finalParts, true), consumedCredits: [{ creditType: 'GOOGLE_ONE_AI', creditAmount: '1' }] });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events: Json[] = [];
    if (plan.call) {
      events.push(wrap(finalParts, true));
    } else {
      const text = [...(plan.text ?? '')];
      const size = Math.max(1, Math.ceil(text.length / streamChunks));
      for (let start = 0; start < text.length; start += size) {
        const done = start + size >= text.length;
        events.push(wrap([{ text: text.slice(start, start + size).join('') }], done));
      }
    }
    for (const event of events) response.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
    response.end();
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const text = await readBodyText(request);
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const auth = request.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      requests.push({ method: request.method ?? '', path: url.pathname, query: url.search, token, body });
      const method = url.pathname.startsWith('/v1internal:') ? url.pathname.slice('/v1internal:'.length) : url.pathname.startsWith('/v1internal/operations/') ? 'operations' : url.pathname;
      counts.set(method, (counts.get(method) ?? 0) + 1);

      if (token === undefined || !tokens.has(token) || expired.has(token)) {
        sendError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
        return;
      }
      if (method === 'operations' && request.method === 'GET') {
        const name = url.pathname.slice('/v1internal/'.length);
        const left = polls.get(name);
        if (left === undefined) return sendError(response, 404, 'NOT_FOUND', `Operation ${name} not found.`);
        if (left > 0) {
          polls.set(name, left - 1);
          return sendJson(response, 200, { name, done: false });
        }
        onboarded = true;
        return sendJson(response, 200, operationResult(name));
      }
      if (request.method !== 'POST' || !isObject(body)) return sendError(response, 400, 'INVALID_ARGUMENT', 'Expected a JSON object body');
      switch (method) {
        case 'generateContent':
          return generate(response, body, false);
        case 'streamGenerateContent':
          if (url.searchParams.get('alt') !== 'sse') return sendError(response, 400, 'INVALID_ARGUMENT', 'this mock serves alt=sse only');
          return generate(response, body, true);
        case 'countTokens': {
          const inner = body['request'];
          if (!isObject(inner) || typeof inner['model'] !== 'string' || !inner['model'].startsWith('models/')) {
            return sendError(response, 400, 'INVALID_ARGUMENT', 'request.model must be models/<id>');
          }
          return sendJson(response, 200, { totalTokens: Math.max(1, Math.ceil(JSON.stringify(inner['contents'] ?? []).length / 4)) });
        }
        case 'loadCodeAssist':
          return sendJson(
            response,
            200,
            onboarded
              ? { currentTier: { id: 'free-tier', name: 'Gemini Code Assist for individuals', hasOnboardedPreviously: true }, allowedTiers: [{ id: 'free-tier', isDefault: true }], cloudaicompanionProject: projectId }
              : { allowedTiers: [{ id: 'free-tier', isDefault: true, userDefinedCloudaicompanionProject: false }, { id: 'standard-tier', userDefinedCloudaicompanionProject: true }] },
          );
        case 'onboardUser': {
          if (body['tierId'] !== 'free-tier') return sendError(response, 400, 'INVALID_ARGUMENT', `unknown tier ${String(body['tierId'])}`);
          if (body['cloudaicompanionProject'] !== undefined) return sendError(response, 400, 'FAILED_PRECONDITION', 'Precondition Failed');
          const name = `operations/onboard-${counts.get('onboardUser') ?? 0}`;
          if (pendingPolls === 0) {
            onboarded = true;
            return sendJson(response, 200, operationResult(name));
          }
          polls.set(name, pendingPolls - 1);
          return sendJson(response, 200, { name, done: false });
        }
        default:
          return sendError(response, 404, 'NOT_FOUND', `Method not found: ${url.pathname}`);
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'INTERNAL', String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    projectId,
    requests,
    count: (method) => counts.get(method) ?? 0,
    acceptToken: (token) => void tokens.add(token),
    expireToken: (token) => void expired.add(token),
    setFault(next) {
      fault = next;
      faultUses = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
