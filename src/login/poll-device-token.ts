import { LoginError } from './login-error.js';
import type { LoginIo } from './login-io.js';

/** How one poll of a device-code token endpoint went. */
export type DevicePollAnswer<T> =
  | { kind: 'done'; value: T }
  | { kind: 'pending' }
  | { kind: 'slow_down' }
  | { kind: 'failed'; reason: string };

export interface DevicePollOptions<T> {
  poll: () => Promise<DevicePollAnswer<T>>;
  /** First wait between polls (RFC 8628 `interval`). */
  intervalMs: number;
  /** Upper bound the wait grows to on `slow_down`. */
  maxIntervalMs: number;
  /** `slow_down` multiplies the wait by this. */
  slowDownFactor: number;
  /** When the device code expires (epoch ms). */
  deadlineMs: number;
  io: Pick<LoginIo, 'now' | 'sleep'>;
}

/**
 * Polls a device-authorization token endpoint (RFC 8628 §3.4–3.5): waits `intervalMs` between
 * polls, keeps going on `authorization_pending`, backs off on `slow_down`, and stops on any other
 * answer or when the device code expires.
 */
export async function pollDeviceToken<T>(options: DevicePollOptions<T>): Promise<T> {
  let interval = options.intervalMs;
  for (;;) {
    if (options.io.now() >= options.deadlineMs) throw new LoginError('the device code expired before the login was approved; run the login again');
    await options.io.sleep(interval);
    const answer = await options.poll();
    switch (answer.kind) {
      case 'done':
        return answer.value;
      case 'pending':
        break;
      case 'slow_down':
        interval = Math.min(options.maxIntervalMs, Math.round(interval * options.slowDownFactor));
        break;
      case 'failed':
        throw new LoginError(answer.reason);
    }
  }
}
