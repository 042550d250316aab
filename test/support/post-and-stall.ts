import { request } from 'node:http';

/**
 * POSTs `body` and reads the whole answer, but takes nothing for 400 ms after its first bytes:
 * a client that stalls, so the gateway must hold its upstream back and then go on.
 */
export function postAndStall(url: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      let stalled = false;
      res.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        if (!stalled) {
          stalled = true;
          res.pause();
          setTimeout(() => res.resume(), 400);
        }
      });
      res.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
