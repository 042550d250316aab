import type { CallOptions } from '../upstream/provider-adapter.js';

/** Whether the client has gone away; all that failover and error mapping need to know. */
export interface Cancellable {
  readonly aborted: boolean;
}

/**
 * Tells the request path that the client went away. An AbortController per request costs more
 * than the rest of our per-request work together (EventTarget set-up plus listener bookkeeping in
 * undici), so it is made only when something asks for `signal` (the canonical path); the fast path
 * registers a plain callback with `onCancel` instead.
 */
export class ClientCancellation implements Cancellable, CallOptions {
  private controller: AbortController | undefined;
  private listeners: Array<() => void> | undefined;
  private cancelled = false;

  get aborted(): boolean {
    return this.cancelled;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.cancelled) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** Calls `listener` once if the client goes away; returns a function that unregisters it. */
  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => undefined;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index !== -1) this.listeners!.splice(index, 1);
    };
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.controller?.abort();
    const listeners = this.listeners;
    this.listeners = undefined;
    listeners?.forEach((listener) => listener());
  }
}
