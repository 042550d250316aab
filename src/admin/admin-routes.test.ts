import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/index.js';
import { parseRequestsQuery } from './admin-routes.js';

describe('parseRequestsQuery', () => {
  it('reads limit, pool, instance and since (ISO or epoch ms)', () => {
    expect(parseRequestsQuery('')).toEqual({});
    expect(parseRequestsQuery('?limit=20&pool=openai-custom-eu&instance=eu%201')).toEqual({ limit: 20, pool: 'openai-custom-eu', instance: 'eu 1' });
    expect(parseRequestsQuery('?since=1700000000000')).toEqual({ since: 1_700_000_000_000 });
    expect(parseRequestsQuery('?since=2025-01-01T00:00:00Z')).toEqual({ since: Date.UTC(2025, 0, 1) });
  });

  it('rejects a bad limit or since as an invalid request naming the parameter', () => {
    for (const [search, param] of [['?limit=0', 'limit'], ['?limit=abc', 'limit'], ['?limit=1001', 'limit'], ['?since=yesterday', 'since']] as const) {
      let thrown: unknown;
      try {
        parseRequestsQuery(search);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(GatewayError);
      expect(thrown).toMatchObject({ code: 'invalid_request', status: 400, param });
    }
  });
});
