import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOpenAIResponsesStreamEncoder, responsesDeltaFields, responsesDeltaFrame, responsesEventFrame } from './encode-responses-stream.js';

// Full Unicode, lone surrogates, quotes, backslashes, control characters and line breaks.
const text = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom('"', '\\', '\n\n', '\u2028', '\ud800', '</script>'));

/** The event as the encoder once built it: a payload object stringified whole. */
function expectedFrame(kind: 'message' | 'reasoning' | 'function_call', sequence: number, itemId: string, outputIndex: number, delta: string): string {
  const base = { item_id: itemId, output_index: outputIndex };
  const [type, payload] =
    kind === 'message'
      ? ['response.output_text.delta', { ...base, content_index: 0, delta, logprobs: [] }]
      : kind === 'reasoning'
        ? ['response.reasoning_summary_text.delta', { ...base, summary_index: 0, delta }]
        : ['response.function_call_arguments.delta', { ...base, delta }];
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...payload })}\n\n`;
}

describe('Responses delta frames', () => {
  it('are byte for byte what JSON.stringify makes of the whole event, for any delta, item id and index', () => {
    fc.assert(
      fc.property(fc.constantFrom('message', 'reasoning', 'function_call' as const), fc.nat(), fc.string({ unit: 'binary' }), fc.nat(), text, (kind, sequence, itemId, outputIndex, delta) => {
        expect(responsesDeltaFrame(kind, sequence, responsesDeltaFields(kind, itemId, outputIndex), delta)).toBe(expectedFrame(kind, sequence, itemId, outputIndex, delta));
      }),
      { numRuns: 2000 },
    );
  });

  it('come out of the encoder with rising sequence numbers, for text, reasoning and tool-call blocks', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(text, { minLength: 1, maxLength: 3 }), (thoughts, texts, args) => {
        const encoder = createOpenAIResponsesStreamEncoder({ clientModel: 'm' });
        const out: string[] = [];
        encoder.push({ type: 'start', id: 'chatcmpl-1', model: 'm', created: 1 }, out);
        const blocks: Array<['reasoning' | 'message' | 'function_call', string[]]> = [['reasoning', thoughts], ['message', texts], ['function_call', args]];
        blocks.forEach(([kind, deltas], index) => {
          if (kind === 'reasoning') encoder.push({ type: 'reasoning-start', index }, out);
          else if (kind === 'message') encoder.push({ type: 'text-start', index }, out);
          else encoder.push({ type: 'tool-call-start', index, id: 'call_1', name: 'f' }, out);
          for (const delta of deltas) {
            const before = out.length;
            encoder.push(kind === 'function_call' ? { type: 'tool-call-delta', index, argumentsJson: delta } : { type: kind === 'reasoning' ? 'reasoning-delta' : 'text-delta', index, text: delta }, out);
            const frame = out[out.length - 1]!;
            const sequence = (JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { sequence_number: number }).sequence_number;
            const added = JSON.parse(out.find((f) => f.startsWith('event: response.output_item.added') && f.includes(`"output_index":${index}`))!.split('data: ')[1]!) as { item: { id: string } };
            expect(out.length - before).toBeGreaterThanOrEqual(1);
            expect(frame).toBe(expectedFrame(kind, sequence, added.item.id, index, delta));
          }
          encoder.push({ type: kind === 'reasoning' ? 'reasoning-end' : kind === 'message' ? 'text-end' : 'tool-call-end', index }, out);
        });
        const sequences = out.map((f) => (JSON.parse(f.slice(f.indexOf('data: ') + 6)) as { sequence_number: number }).sequence_number);
        expect(sequences).toEqual(sequences.map((_, i) => i));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Responses event frames', () => {
  it('are byte for byte what JSON.stringify makes of {type, sequence_number, ...payload}, for any payload', () => {
    const key = fc.string({ unit: 'binary' }).filter((k) => k !== 'type' && k !== 'sequence_number' && k !== '__proto__');
    const payload = fc.dictionary(key, fc.jsonValue(), { maxKeys: 5 });
    fc.assert(
      fc.property(fc.constantFrom('response.created', 'response.output_item.done', 'error'), fc.nat(), payload, (type, sequence, fields) => {
        expect(responsesEventFrame(type, sequence, JSON.stringify(fields))).toBe(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`);
      }),
      { numRuns: 2000 },
    );
  });
});
