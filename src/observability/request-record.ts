/**
 * What one client request did, filled in along the request path and handed to the observers
 * (metrics, request log) once the response is finished or the client has gone.
 */
export interface RequestRecord {
  /** Epoch ms the request arrived. */
  startedAt: number;
  method: string;
  /** Route path without any pool prefix, e.g. `/v1/chat/completions`. */
  route: string;
  /** Client protocol: openai, openai-responses, anthropic, gemini, or none (health, 404). */
  protocol: string;
  pool?: string;
  /** customName or uuid of the instance that served (the last one tried when all failed). */
  instance?: string;
  model?: string;
  stream?: boolean;
  /** Same-protocol pass-through rather than the canonical path. */
  fastPath?: boolean;
  /** Upstream attempts made (1 = no failover). */
  attempts: number;
  status: number;
  /** GatewayError code when the request failed. */
  errorCode?: string;
  /** From arrival to the first response byte / to the end. */
  firstByteMs?: number;
  durationMs: number;
  /** The client went away before the response was complete. */
  clientAborted: boolean;
}

export interface RequestObserver {
  onRequestEnd(record: RequestRecord): void;
}
