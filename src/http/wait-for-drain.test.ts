import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitForDrain } from './wait-for-drain.js';

describe('waitForDrain', () => {
  it('leaves no listener behind, however many times a stream waits', async () => {
    const res = new EventEmitter();
    for (let i = 0; i < 50; i++) {
      const waited = waitForDrain(res);
      res.emit('drain');
      await waited;
    }
    expect(res.listenerCount('drain')).toBe(0);
    expect(res.listenerCount('close')).toBe(0);
  });

  it('also ends the wait when the client goes away', async () => {
    const res = new EventEmitter();
    const waited = waitForDrain(res);
    res.emit('close');
    await expect(waited).resolves.toBeUndefined();
    expect(res.listenerCount('drain')).toBe(0);
  });
});
