import { describe, expect, it } from 'vitest';
import {
  collect,
  eventsFromJson,
  expected,
  fromArray,
  readFixtures,
  type EventJson,
} from '../../../test/fixtures/anthropic/fixture-io.js';
import { GatewayError, type StreamEvent } from '../../canonical/index.js';
import { encodeAnthropicMessagesStream } from './encode-messages-stream.js';

interface Frame {
  event: string;
  data: unknown;
}

interface EncodeStreamFixture {
  description: string;
  clientModel: string;
  events: EventJson[];
  frames: Frame[];
}

/** Parses `event: X\ndata: {...}\n\n` frames, asserting the exact framing on the way. */
function parseFrames(text: string): Frame[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^event: [a-z_]+$/);
      expect(lines[1]!.startsWith('data: ')).toBe(true);
      const event = lines[0]!.slice('event: '.length);
      const data = JSON.parse(lines[1]!.slice('data: '.length)) as { type: string };
      expect(data.type).toBe(event);
      return { event, data };
    });
}

async function encode(events: StreamEvent[], clientModel = 'claude-sonnet-4-5'): Promise<string[]> {
  return collect(encodeAnthropicMessagesStream(fromArray(events), { clientModel }));
}

describe('encodeAnthropicMessagesStream: golden fixtures (events → SSE)', () => {
  const fixtures = readFixtures<EncodeStreamFixture>('anthropic/encode-stream');
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(5));
  for (const fixture of fixtures) {
    it(fixture.name, async () => {
      const chunks = await encode(eventsFromJson(fixture.data.events), fixture.data.clientModel);
      expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      const frames = parseFrames(chunks.join(''));
      expect(frames).toEqual(expected(fixture, 'frames', frames));
    });
  }
});

describe('encodeAnthropicMessagesStream: invariants', () => {
  const start: StreamEvent = { type: 'start', id: 'msg_1', model: 'm', created: 0 };
  const finish: StreamEvent = { type: 'finish', finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 } };

  it('writes exactly one terminal, as the last frame, and nothing after it', async () => {
    const frames = parseFrames((await encode([start, finish, { type: 'text-start', index: 0 }, finish])).join(''));
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
  });

  it('turns a throwing source into an error frame', async () => {
    async function* failing(): AsyncGenerator<StreamEvent> {
      yield start;
      throw new GatewayError('upstream_timeout', 'no data for 60s');
    }
    const frames = parseFrames((await collect(encodeAnthropicMessagesStream(failing(), { clientModel: 'm' }))).join(''));
    expect(frames.at(-1)).toEqual({ event: 'error', data: { type: 'error', error: { type: 'timeout_error', message: 'no data for 60s' } } });
  });

  it('numbers blocks densely in order of emission even when canonical indexes are sparse', async () => {
    const frames = parseFrames(
      (
        await encode([
          start,
          { type: 'text-start', index: 3 },
          { type: 'text-delta', index: 3, text: 'a' },
          { type: 'text-end', index: 3 },
          { type: 'tool-call-start', index: 7, id: 't', name: 'n' },
          { type: 'tool-call-end', index: 7 },
          finish,
        ])
      ).join(''),
    );
    const indexes = frames.filter((f) => f.event === 'content_block_start').map((f) => (f.data as { index: number }).index);
    expect(indexes).toEqual([0, 1]);
  });
});
