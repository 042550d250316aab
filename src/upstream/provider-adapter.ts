import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { ChatRequest, ChatResponse, StreamEvent, WireFormat } from '../canonical/index.js';
import type { InstanceRecord } from '../config/instance-record.js';
import type { PipeResult } from './raw-exchange.js';
import type { UpstreamTimeouts } from './upstream-timeouts.js';

/** What every adapter may use; passed in so tests control time, logging and file locations. */
export interface AdapterDeps {
  /** Shared keep-alive agent: one connection pool per upstream origin, however many instances use it. */
  dispatcher: Dispatcher;
  timeouts: UpstreamTimeouts;
  logger: Logger;
  now: () => number;
  /** Directory relative credential paths in provider_pools.json are resolved against. */
  baseDir: string;
  /**
   * Writes fields an adapter learnt back onto its instance in provider_pools.json (e.g. a
   * discovered PROJECT_ID), with the next stats write.
   */
  persistFields(uuid: string, fields: Record<string, unknown>): void;
}

/** Told once when the client goes away. */
export interface CancelListener {
  onClientCancel(): void;
}

export interface CallOptions {
  /** Aborted when the client goes away or the gateway gives up on this attempt. */
  readonly signal: AbortSignal;
  /**
   * A cheaper alternative to listening on `signal` (which may be created only when read): no
   * AbortController, no closure. A listener added after the client left is told at once.
   */
  addCancelListener?(listener: CancelListener): void;
  removeCancelListener?(listener: CancelListener): void;
}

/** A same-protocol request forwarded byte for byte (model possibly rewritten). */
export interface ForwardRequest {
  /** Path under the upstream's versioned base, e.g. `/chat/completions` or `/messages`. */
  path: string;
  body: Buffer | string;
  stream: boolean;
  /** Client headers the upstream protocol defines and we pass through (anthropic-beta, ...). */
  headers: Record<string, string>;
}

/** A successful (2xx) upstream answer whose body goes back to the client untouched. */
export interface ForwardResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  /** The whole body (non-stream) or its first chunk (stream; null when empty). */
  readonly head: Buffer | null;
  /** Stream: writes `head` and the rest of the body into `res` as it arrives. */
  pipeRest(res: ServerResponse): Promise<PipeResult>;
}

/**
 * One pool instance's live connection to its upstream. Every method rejects with a
 * `GatewayError` classified from the upstream's answer; `stream` and `forward` resolve only
 * once the upstream has accepted the request (2xx), so a failure before that can fail over.
 */
export interface UpstreamConnection {
  generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse>;
  stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamEvent>>;
  /** Fast path, present only when the upstream speaks a client-facing protocol itself. */
  forward?(request: ForwardRequest, options: CallOptions): Promise<ForwardResponse>;
  /** The cheapest call that proves the instance can serve `model`; rejects like the others. */
  probe(model: string, options: CallOptions): Promise<void>;
  listModels?(options: CallOptions): Promise<string[]>;
  close(): Promise<void>;
}

export interface ProviderAdapter {
  /** The provider type key in provider_pools.json, e.g. `openai-custom`. */
  readonly type: string;
  /** The wire format the upstream speaks; equal to the client's format enables the fast path. */
  readonly wireFormat: WireFormat;
  /** Model used for health checks when an instance has no `checkModelName`. */
  readonly defaultCheckModel: string;
  /** Models advertised by /v1/models when the upstream cannot be asked. */
  readonly defaultModels: readonly string[];
  /**
   * Validates the provider-specific fields of one instance and prepares what calls need.
   * Throws an `InstanceConfigError` naming the bad field; never performs network I/O.
   */
  connect(record: InstanceRecord, deps: AdapterDeps): UpstreamConnection;
  /** Fields whose change requires a new connection (credentials, URLs). */
  readonly connectionFields: readonly string[];
}
