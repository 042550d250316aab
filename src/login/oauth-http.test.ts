import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginError } from './login-error.js';
import { postForm } from './oauth-http.js';

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
}

describe('oauth-http', () => {
  it('parses a JSON answer', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"a"}');
    });
    const answer = await postForm(url, { grant_type: 'x' });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ access_token: 'a' });
  });

  it('reports a body that breaks off mid-stream as a LoginError', async () => {
    const url = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"access_token":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const error = await postForm(url, { grant_type: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as LoginError).message).toContain('could not reach');
  });
});
