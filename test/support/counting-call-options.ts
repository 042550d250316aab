import type { CallOptions } from '../../src/upstream/provider-adapter.js';

/**
 * CallOptions as the gateway's ClientCancellation gives them (a cancel listener, and a signal made
 * only when read) that count how often the signal is read: reading it makes an AbortController,
 * which a request with nothing to wait for must not pay.
 */
export function countingCallOptions(timeoutMs = 5_000): { options: CallOptions; reads: () => number } {
  let reads = 0;
  const options: CallOptions = {
    get signal() {
      reads++;
      return AbortSignal.timeout(timeoutMs);
    },
    addCancelListener: () => undefined,
    removeCancelListener: () => undefined,
  };
  return { options, reads: () => reads };
}
