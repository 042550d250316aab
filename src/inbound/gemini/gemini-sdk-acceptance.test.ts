import { ApiError, GoogleGenAI, Type } from '@google/genai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArray, readFixtures } from '../../../test/fixtures/gemini/fixture-io.js';
import { GatewayError, type ChatRequest, type ChatResponse, type StreamEvent } from '../../canonical/index.js';
import { decodeGeminiUpstreamStream } from '../../upstream/gemini/decode-generate-content-stream.js';
import { encodeGeminiUpstreamRequest } from '../../upstream/gemini/encode-generate-content-request.js';
import { decodeGeminiRequest } from './decode-generate-content-request.js';
import { encodeGeminiError } from './encode-error.js';
import { encodeGeminiResponse } from './encode-generate-content-response.js';
import { encodeGeminiStream } from './encode-generate-content-stream.js';

/**
 * SDK acceptance: the Gemini codec's output, served over HTTP on 127.0.0.1, must be consumed by the
 * official `@google/genai` SDK like generativelanguage.googleapis.com's. The model in the URL picks
 * the scenario; every request the SDK sends must pass our own decoder.
 */

const response: ChatResponse = {
  id: 'resp-1',
  model: 'upstream',
  created: 0,
  content: [
    { type: 'reasoning', text: 'Planning the lookup.' },
    { type: 'text', text: 'Checking 世界 🌍' },
    { type: 'reasoning', text: '', signature: 'CiQB' },
    { type: 'tool-call', id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Paris"}' },
  ],
  finishReason: 'tool-calls',
  rawFinishReason: 'STOP',
  usage: { inputTokens: 40, outputTokens: 38, reasoningTokens: 30, cachedInputTokens: 10 },
};

const streamEvents: StreamEvent[] = [
  { type: 'start', id: 'resp-2', model: 'upstream', created: 0 },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Bonjour ' },
  { type: 'text-delta', index: 0, text: '世界 👋' },
  { type: 'text-end', index: 0 },
  { type: 'tool-call-start', index: 1, id: 'toolu_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 1, argumentsJson: '{"city":' },
  { type: 'tool-call-delta', index: 1, argumentsJson: '"Rome"}' },
  { type: 'tool-call-end', index: 1 },
  { type: 'finish', finishReason: 'tool-calls', rawFinishReason: 'tool_use', usage: { inputTokens: 9, outputTokens: 5 } },
];

const textOnly: StreamEvent[] = [
  { type: 'start', id: 'resp-3', model: 'upstream', created: 0 },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Hello' },
  { type: 'text-delta', index: 0, text: ' there' },
  { type: 'text-end', index: 0 },
  { type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } },
];

const midStreamError: StreamEvent[] = [
  { type: 'start', id: 'resp-4', model: 'upstream', created: 0 },
  { type: 'text-start', index: 0 },
  { type: 'text-delta', index: 0, text: 'Part' },
  { type: 'error', error: new GatewayError('overloaded', 'The model is overloaded.') },
];

const received: ChatRequest[] = [];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function writeStream(res: ServerResponse, frames: AsyncIterable<string>): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for await (const frame of frames) res.write(frame);
  res.end();
}

function writeError(res: ServerResponse, error: GatewayError): void {
  const encoded = encodeGeminiError(error);
  res.writeHead(encoded.status, encoded.headers);
  res.end(encoded.body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/.exec(req.url ?? '');
  if (!match) return writeError(res, new GatewayError('not_found', `no route ${req.url}`));
  const model = decodeURIComponent(match[1]!);
  const stream = match[2] === 'streamGenerateContent';
  let request: ChatRequest;
  try {
    request = decodeGeminiRequest(await readBody(req), model, stream);
  } catch (error) {
    return writeError(res, error as GatewayError);
  }
  received.push(request);
  const options = { clientModel: model };
  switch (model) {
    case 'rate-limited':
      return writeError(res, new GatewayError('rate_limited', 'Quota exceeded. Please retry in 31s.', { retryAfterMs: 31_000 }));
    case 'overloaded':
      return writeError(res, new GatewayError('overloaded', 'The model is overloaded.'));
    case 'mid-stream-error':
      return writeStream(res, encodeGeminiStream(fromArray(midStreamError), options));
    case 'text-only':
      return writeStream(res, encodeGeminiStream(fromArray(textOnly), options));
    case 'upstream-pipe': {
      const fixture = readFixtures<{ body: string }>('gemini/upstream-stream').find((f) => f.name === 'thoughts-and-signed-call')!;
      const body = fromArray([new TextEncoder().encode(fixture.data.body)]);
      return writeStream(res, encodeGeminiStream(decodeGeminiUpstreamStream(body), options));
    }
    default:
      if (stream) return writeStream(res, encodeGeminiStream(fromArray(streamEvents), options));
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(encodeGeminiResponse(response, model)));
  }
}

let server: Server;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const config = {
  systemInstruction: 'Be brief.',
  tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } } }] }],
  thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
};

describe('@google/genai accepts the Gemini codec', () => {
  it('generateContent: text, thoughts, function call with its signature, usage', async () => {
    const result = await ai.models.generateContent({ model: 'my-gemini', contents: 'Weather in Paris?', config });
    expect(result.modelVersion).toBe('my-gemini');
    const visible = (result.candidates?.[0]?.content?.parts ?? []).filter((part) => part.text !== undefined && !part.thought);
    expect(visible.map((part) => part.text).join('')).toBe('Checking 世界 🌍');
    expect(result.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(result.candidates?.[0]?.finishReason).toBe('STOP');
    expect(result.candidates?.[0]?.content?.parts?.at(-1)?.thoughtSignature).toBe('CiQB');
    expect(result.usageMetadata).toMatchObject({ promptTokenCount: 40, candidatesTokenCount: 8, thoughtsTokenCount: 30, totalTokenCount: 78 });
    const request = received.at(-1)!;
    expect(request).toMatchObject({ model: 'my-gemini', stream: false, system: [{ type: 'text', text: 'Be brief.' }], reasoning: { budgetTokens: 1024, includeThoughts: true } });
    expect(request.tools?.[0]?.inputSchema).toEqual({ type: 'object', properties: { city: { type: 'string' } } });
  });

  it('generateContentStream: text deltas, a whole function call, finishReason on the last chunk', async () => {
    const chunks = await ai.models.generateContentStream({ model: 'my-gemini', contents: 'Weather in Rome?', config });
    let text = '';
    const calls: unknown[] = [];
    let finish: string | undefined;
    for await (const chunk of chunks) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) if (part.text !== undefined && !part.thought) text += part.text;
      calls.push(...(chunk.functionCalls ?? []));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(text).toBe('Bonjour 世界 👋');
    expect(calls).toEqual([{ name: 'get_weather', args: { city: 'Rome' } }]);
    expect(finish).toBe('STOP');
    expect(received.at(-1)?.stream).toBe(true);
  });

  it('a chat keeps the streamed model turn in its history (every chunk has parts)', async () => {
    const chat = ai.chats.create({ model: 'text-only' });
    let text = '';
    for await (const chunk of await chat.sendMessageStream({ message: 'Hi' })) text += chunk.text ?? '';
    expect(text).toBe('Hello there');
    // The SDK records one model content per chunk, and nothing at all if any chunk were invalid.
    const history = chat.getHistory();
    expect(history[0]?.role).toBe('user');
    expect(history.slice(1).map((c) => c.role)).toEqual(['model', 'model', 'model']);
    // The history comes back through our decoder: texts in order, the final empty part dropped.
    for await (const _ of await chat.sendMessageStream({ message: 'Again' })) void _;
    const second = received.at(-1)!;
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant', 'assistant', 'user']);
    const replayed = second.messages.flatMap((m) => (m.role === 'assistant' ? m.content : []));
    expect(replayed).toEqual([
      { type: 'text', text: 'Hello' },
      { type: 'text', text: ' there' },
    ]);
  });

  it('streaming through the upstream decoder end to end (thoughts, signature on the call)', async () => {
    const chunks = await ai.models.generateContentStream({ model: 'upstream-pipe', contents: 'x', config });
    const parts = [];
    for await (const chunk of chunks) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    const calls = parts.filter((part) => part.functionCall);
    expect(calls.map((part) => part.functionCall?.args)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(calls[0]?.thoughtSignature).toBe('CiQB');
    expect(parts.filter((part) => part.thought).map((part) => part.text).join('')).toBe('Planning the lookup.');
  });

  it('full function round trip in a chat: signature back on its call, responses paired with their calls', async () => {
    const chat = ai.chats.create({ model: 'upstream-pipe', config });
    for await (const _ of await chat.sendMessageStream({ message: 'Weather in Paris and Rome?' })) void _;
    for await (const _ of await chat.sendMessageStream({
      message: [
        { functionResponse: { name: 'get_weather', response: { output: '18°C' } } },
        { functionResponse: { name: 'get_weather', response: { output: '21°C' } } },
      ],
    })) void _;
    const next = received.at(-1)!;
    const calls = next.messages.flatMap((m) => (m.role === 'assistant' ? m.content.filter((p) => p.type === 'tool-call') : []));
    const results = next.messages.flatMap((m) => (m.role === 'tool' ? m.content : []));
    expect(results.map((r) => r.toolCallId)).toEqual(calls.map((c) => c.id));
    expect(results.map((r) => r.content)).toEqual([[{ type: 'text', text: '18°C' }], [{ type: 'text', text: '21°C' }]]);
    // Re-encoded for a Gemini upstream, the model turn is what Gemini sent, signature included.
    const upstream = encodeGeminiUpstreamRequest(next);
    const modelTurn = upstream.contents.find((content) => content.role === 'model')!;
    expect(modelTurn.parts.filter((part) => part.functionCall)).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'CiQB' },
      { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
    ]);
    expect(upstream.contents.at(-1)?.parts.map((part) => part.functionResponse?.response)).toEqual([{ output: '18°C' }, { output: '21°C' }]);
  });

  it('a mid-stream error chunk raises ApiError with its code', async () => {
    const chunks = await ai.models.generateContentStream({ model: 'mid-stream-error', contents: 'x' });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of chunks) seen.push(chunk.text ?? '');
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen).toEqual(['Part']);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect((error as ApiError).message).toContain('UNAVAILABLE');
  });

  it('429 → ApiError status 429 with RetryInfo in the body', async () => {
    const error = await ai.models.generateContent({ model: 'rate-limited', contents: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    const body = JSON.parse((error as ApiError).message) as { error: { status: string; details: Array<Record<string, string>> } };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details[0]).toEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' });
  });

  it('503 → ApiError status 503 (also for streaming calls, before the stream starts)', async () => {
    const error = await ai.models.generateContentStream({ model: 'overloaded', contents: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
  });

  it('an invalid request is rejected by our decoder as a 400 INVALID_ARGUMENT', async () => {
    const error = await ai.models
      .generateContent({ model: 'my-gemini', contents: 'x', config: { temperature: 'hot' as unknown as number } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('generationConfig.temperature');
  });
});
