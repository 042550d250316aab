import type { CallOptions, CancelListener } from '../upstream/provider-adapter.js';

/** Whether the client has gone away; all that failover and error mapping need to know. */
export interface Cancellable {
  readonly aborted: boolean;
}

/**
 * Tells the request path that the client went away. An AbortController per request costs more
 * than the rest of our per-request work together (EventTarget set-up plus listener bookkeeping in
 * undici), so it is made only when something asks for `signal` (the canonical path); the fast path
 * registers its exchange as a listener instead. One listener at a time is the rule (one upstream
 * attempt runs at once), so it lives in a field; more go to an array.
 */
export class ClientCancellation implements Cancellable, CallOptions {
  private controller: AbortController | undefined;
  private listener: CancelListener | undefined;
  private more: CancelListener[] | undefined;
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

  addCancelListener(listener: CancelListener): void {
    if (this.cancelled) listener.onClientCancel();
    else if (!this.listener) this.listener = listener;
    else (this.more ??= []).push(listener);
  }

  removeCancelListener(listener: CancelListener): void {
    if (this.listener === listener) this.listener = undefined;
    else if (this.more) {
      const index = this.more.indexOf(listener);
      if (index !== -1) this.more.splice(index, 1);
    }
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.controller?.abort();
    const { listener, more } = this;
    this.listener = undefined;
    this.more = undefined;
    listener?.onClientCancel();
    more?.forEach((each) => each.onClientCancel());
  }
}
