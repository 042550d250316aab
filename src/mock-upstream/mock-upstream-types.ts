import type { IncomingHttpHeaders } from 'node:http';

export interface MockUpstreamOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted API keys; a request with another key gets 401 in the provider's own error shape. Omitted = accept any. */
  apiKeys?: string[];
  /** Fault per API key ('*' = every key without a fault of its own). */
  faults?: Record<string, MockFault>;
  /** Number of content chunks in a streamed text reply (default 20). */
  streamChunks?: number;
  /** Seed of the flaky fault's deterministic RNG. */
  seed?: number;
}

/**
 * What the mock does to a generation request (`/v1/chat/completions`, `/v1/messages`). Metadata
 * endpoints (`/v1/models`, `/v1/messages/count_tokens`) are never faulted, so a fault's `times` and a
 * sequence's steps are spent only by generation requests.
 */
export type MockFault =
  | { kind: 'none' }
  /** Answer with this status (error body in the endpoint's shape unless `body`); `times` = only the next N requests. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; times?: number }
  /** Accept the request, never answer (until the client gives up or the mock closes). */
  | { kind: 'hang' }
  /** Reset the TCP connection before any response bytes. */
  | { kind: 'reset' }
  /** 200, send N SSE events, then destroy the socket (a non-stream reply is cut after its headers and half its body). */
  | { kind: 'drop-mid-stream'; afterChunks: number }
  /** Delay between stream events (non-stream replies are unaffected). */
  | { kind: 'slow-chunks'; delayMs: number }
  /** Delay before the status line. */
  | { kind: 'slow-headers'; delayMs: number }
  /** Fail with probability `failureRate` (seeded, per key) with `status` (default 500), else answer normally. */
  | { kind: 'flaky'; failureRate: number; status?: number }
  /** One step per request, then normal. */
  | { kind: 'sequence'; steps: MockFault[] };

export interface MockRecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Node's lowercased request headers. */
  headers: Readonly<IncomingHttpHeaders>;
  /** Parsed JSON body; undefined when there was no body or it was not JSON. */
  body: unknown;
  /** `Authorization: Bearer` (OpenAI) or `x-api-key` (Anthropic, Bearer as fallback); undefined when absent. */
  apiKey: string | undefined;
}

export interface MockUpstream {
  /** e.g. http://127.0.0.1:43121 (no /v1). */
  url: string;
  port: number;
  /** '*' for every key that has no fault of its own. Replaces the key's previous fault and its progress. */
  setFault(apiKey: string, fault: MockFault): void;
  clearFaults(): void;
  /** Every request received, newest last. Bounded ring (the last 1000). */
  readonly requests: readonly MockRecordedRequest[];
  /** Requests received with this key since start / resetRecords (all endpoints, not bounded by the ring). */
  countFor(apiKey: string): number;
  resetRecords(): void;
  /** Stops listening and destroys open and hanging sockets. */
  close(): Promise<void>;
}
