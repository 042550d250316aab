import { describe, expect, it } from 'vitest';
import { collect, eventsFromJson, expected, fromArray, readFixtures, type EventJson } from '../../../test/fixtures/gemini/fixture-io.js';
import type { StreamEvent } from '../../canonical/index.js';
import { encodeGeminiStream } from './encode-generate-content-stream.js';

interface EncodeStreamFixture {
  description: string;
  clientModel: string;
  events: EventJson[];
  chunks: unknown[];
}

/** Parses `data: {...}\r\n\r\n` frames, asserting the exact framing on the way. */
function parseChunks(frames: string[]): unknown[] {
  return frames.map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    expect(frame.endsWith('\r\n\r\n')).toBe(true);
    const json = frame.slice('data: '.length, -4);
    expect(json).not.toContain('\n');
    return JSON.parse(json) as unknown;
  });
}

describe('encodeGeminiStream: golden fixtures (events → SSE)', () => {
  const fixtures = readFixtures<EncodeStreamFixture>('gemini/encode-stream');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const frames = await collect(encodeGeminiStream(fromArray(eventsFromJson(fixture.data.events)), { clientModel: fixture.data.clientModel }));
      const chunks = parseChunks(frames);
      expect(chunks).toEqual(expected(fixture, 'chunks', chunks));
      // Every content chunk has parts (the Gemini SDK's chat drops turns with an empty chunk).
      for (const chunk of chunks as Array<{ candidates?: Array<{ content: { parts: unknown[] } }> }>) {
        if (chunk.candidates) expect(chunk.candidates[0]!.content.parts.length).toBeGreaterThan(0);
      }
    });
  }
});

describe('encodeGeminiStream: one terminal', () => {
  it('stops after the finish chunk', async () => {
    const events: StreamEvent[] = [
      { type: 'start', id: 'r', model: 'm', created: 0 },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } },
      { type: 'text-delta', index: 0, text: 'late' },
    ];
    const frames = await collect(encodeGeminiStream(fromArray(events), { clientModel: 'm' }));
    expect(frames).toHaveLength(1);
  });
});
