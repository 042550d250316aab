import { setTimeout as sleep } from 'node:timers/promises';

/** Waits `ms`; resolves false instead when `signal` aborts first (the client left or the mock closed). */
export async function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
