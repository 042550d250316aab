import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { collect, fromArray } from '../../../test/fixtures/openai/golden.js';
import { encodeOpenAIChatStream } from './encode-chat-stream.js';

const anyText = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom('"', '\\', '\n\n', '\u2028', '\ud800'));

describe('encodeOpenAIChatStream text frames', () => {
  it('are byte for byte JSON.stringify of the whole chunk, whatever the id, model, created and text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.oneof(fc.nat(), fc.double()),
        fc.boolean(),
        fc.constantFrom('text', 'reasoning'),
        anyText,
        async (id, model, created, includeUsage, kind, text) => {
          const events: StreamEvent[] = [
            { type: 'start', id, model: 'upstream', created },
            kind === 'text' ? { type: 'text-start', index: 0 } : { type: 'reasoning-start', index: 0 },
            kind === 'text' ? { type: 'text-delta', index: 0, text } : { type: 'reasoning-delta', index: 0, text },
          ];
          const frames = await collect(encodeOpenAIChatStream(fromArray(events), { clientModel: model, includeUsage }));
          const chunk: Record<string, unknown> = {
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [{ index: 0, delta: kind === 'text' ? { content: text } : { reasoning_content: text }, logprobs: null, finish_reason: null }],
          };
          if (includeUsage) chunk.usage = null;
          expect(frames).toContain(`data: ${JSON.stringify(chunk)}\n\n`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
