import type { LoginIo } from './login-io.js';

/** Test support: a LoginIo recording printed lines, with short sleeps and numbered uuids. */
export function testIo(lines: string[]): LoginIo {
  let n = 0;
  return { out: (line) => lines.push(line), now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))), newUuid: () => `uuid-${++n}` };
}

/** Test support: waits until a printed line matches. */
export async function waitForLine(lines: string[], pattern: RegExp, timeoutMs = 5000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of lines) {
      const match = pattern.exec(line);
      if (match) return match;
    }
    if (Date.now() > deadline) throw new Error(`no line matched ${pattern}:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

