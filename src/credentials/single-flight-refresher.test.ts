import { describe, expect, it } from 'vitest';
import { SingleFlightRefresher, waitWithSignal } from './single-flight-refresher.js';

describe('SingleFlightRefresher', () => {
  it('shares one in-flight task between callers and starts a new one after it settles', async () => {
    const flight = new SingleFlightRefresher<number>();
    let calls = 0;
    const task = async (): Promise<number> => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return calls;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => flight.run(task)));
    expect(results).toEqual(Array(10).fill(1));
    expect(flight.inFlight).toBe(false);
    expect(await flight.run(task)).toBe(2);
  });

  it('shares a rejection and clears it so the next call retries', async () => {
    const flight = new SingleFlightRefresher<string>();
    const failing = flight.run(async () => {
      throw new Error('nope');
    });
    const joined = flight.run(async () => 'unused');
    await expect(failing).rejects.toThrow('nope');
    await expect(joined).rejects.toThrow('nope');
    expect(await flight.run(async () => 'ok')).toBe('ok');
  });

  it('turns a synchronous throw into a rejection', async () => {
    const flight = new SingleFlightRefresher<string>();
    await expect(
      flight.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(flight.inFlight).toBe(false);
  });

  it('waitWithSignal rejects the waiter on abort with client_closed', async () => {
    const controller = new AbortController();
    const never = new Promise<string>(() => undefined);
    const waiting = waitWithSignal(never, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'client_closed' });
    expect(await waitWithSignal(Promise.resolve('x'), new AbortController().signal)).toBe('x');
  });
});
