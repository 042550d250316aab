import { describe, expect, it } from 'vitest';
import { collect, readGoldenCases } from '../../../test/fixtures/openai/golden.js';
import { decodeOpenAIUpstreamStream } from '../../upstream/openai-custom/decode-chat-stream.js';
import { encodeOpenAIChatStream } from './encode-chat-stream.js';

/**
 * OpenAI client → openai-custom upstream may take the pass-through fast path or the canonical
 * path; both must look the same to the client. For well-formed upstream streams, decoding into
 * canonical events and encoding back must give the client the same assembled answer as the
 * upstream's own chunks.
 */

interface Assembled {
  content: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: string | null;
  usage: unknown;
  done: boolean;
}

function assemble(sseText: string): Assembled {
  const result: Assembled = { content: '', reasoning: '', toolCalls: [], finishReason: null, usage: null, done: false };
  for (const block of sseText.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    if (data === '[DONE]') {
      result.done = true;
      continue;
    }
    const chunk = JSON.parse(data) as {
      choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
      usage?: { prompt_tokens: number; completion_tokens: number } | null;
    };
    if (chunk.usage) result.usage = { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens };
    for (const choice of chunk.choices) {
      const delta = choice.delta as {
        content?: string | null;
        reasoning_content?: string | null;
        tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
      };
      result.content += delta.content ?? '';
      result.reasoning += delta.reasoning_content ?? '';
      for (const call of delta.tool_calls ?? []) {
        const slot = (result.toolCalls[call.index] ??= { id: '', name: '', arguments: '' });
        slot.id ||= call.id ?? '';
        slot.name ||= call.function?.name ?? '';
        slot.arguments += call.function?.arguments ?? '';
      }
      result.finishReason = choice.finish_reason ?? result.finishReason;
    }
  }
  return result;
}

const WELL_FORMED = [
  'text-usage-after-finish',
  'tool-calls-parallel',
  'reasoning-content',
  'multibyte',
  'finish-length',
  'finish-content-filter',
  'crlf-delimiters',
];

describe('canonical path equals pass-through for well-formed OpenAI upstream streams', () => {
  const cases = readGoldenCases<{ body: string[] }>('openai/upstream-decode-stream').filter((c) => WELL_FORMED.includes(c.name));
  it('covers the chosen fixtures', () => expect(cases).toHaveLength(WELL_FORMED.length));
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const upstreamText = testCase.fixture.body.join('');
      const body = [new TextEncoder().encode(upstreamText)];
      async function* source(): AsyncGenerator<Uint8Array> {
        yield* body;
      }
      const frames = await collect(
        encodeOpenAIChatStream(decodeOpenAIUpstreamStream(source()), { clientModel: 'gpt-4o-mini', includeUsage: true }),
      );
      const viaCanonical = assemble(frames.join(''));
      const passThrough = assemble(upstreamText);
      // Usage: the canonical path always reports it (zeros when the upstream sent none).
      expect({ ...viaCanonical, usage: null }).toEqual({ ...passThrough, usage: null });
      if (passThrough.usage !== null) expect(viaCanonical.usage).toEqual(passThrough.usage);
    });
  }
});
