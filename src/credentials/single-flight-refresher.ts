import { GatewayError } from '../canonical/gateway-error.js';

/**
 * Runs at most one task at a time: callers arriving while a task is in flight share its promise
 * (and its result or rejection); once it settles the next call starts a fresh task.
 */
export class SingleFlightRefresher<T> {
  #inFlight: Promise<T> | undefined;

  /** Whether a task is currently running. */
  get inFlight(): boolean {
    return this.#inFlight !== undefined;
  }

  run(task: () => Promise<T>): Promise<T> {
    if (this.#inFlight !== undefined) return this.#inFlight;
    let started: Promise<T>;
    try {
      started = task();
    } catch (error) {
      started = Promise.reject(error);
    }
    const shared = started.finally(() => {
      if (this.#inFlight === shared) this.#inFlight = undefined;
    });
    this.#inFlight = shared;
    return shared;
  }
}

/**
 * Lets one waiter stop waiting when its `signal` aborts (rejecting with `client_closed`) without
 * cancelling the shared work behind `promise`.
 */
export function waitWithSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    // The shared promise may still reject later; make sure that never surfaces as unhandled here.
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): GatewayError {
  return new GatewayError('client_closed', 'Request aborted while waiting for an access token', {
    cause: signal.reason,
  });
}
