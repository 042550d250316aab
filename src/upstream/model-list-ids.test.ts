import { describe, expect, it } from 'vitest';
import { modelListIds } from './model-list-ids.js';

describe('modelListIds', () => {
  it('lists string ids and treats a missing data as empty', () => {
    expect(modelListIds({ data: [{ id: 'a' }, { id: 2 }, null, { id: 'b' }] }, 'x')).toEqual(['a', 'b']);
    expect(modelListIds({}, 'x')).toEqual([]);
  });

  it.each([[null], ['text'], [[1, 2]], [{ data: 'nope' }], [{ data: { id: 'a' } }]])('rejects %j as bad_upstream_response', (body) => {
    expect(() => modelListIds(body, 'x')).toThrow(expect.objectContaining({ code: 'bad_upstream_response' }));
  });
});
