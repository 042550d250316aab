import type { EventEmitter } from 'node:events';

/**
 * Resolves once a full response can take more ('drain') or never will ('close'), and removes
 * both listeners either way: racing two `once()` promises left the loser's listener behind on
 * every wait, piling up over a long stream to a slow client.
 */
export function waitForDrain(res: EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
