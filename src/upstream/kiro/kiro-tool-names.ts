import { createHash } from 'node:crypto';

/** Kiro rejects tool names longer than this (protocols.md §5.2, §9.19). */
export const KIRO_TOOL_NAME_MAX = 64;
const VALID = /^[A-Za-z0-9_-]+$/;

/**
 * The name a tool is declared under at Kiro. Valid names ≤ 64 characters pass unchanged; others
 * are sanitised (every other character → `_`), cut to 55 characters and suffixed with `_` and
 * 8 hex digits of the original's SHA-256, so the same name always mangles the same way and two
 * long names sharing a prefix stay distinct.
 */
export function kiroToolName(name: string): string {
  if (name.length <= KIRO_TOOL_NAME_MAX && VALID.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const sanitised = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, KIRO_TOOL_NAME_MAX - 9);
  return `${sanitised}_${hash}`;
}

/**
 * Kiro name → original name, for every name that was changed. Built from the request alone
 * (declared tools and tool calls in the history), so no state is kept between requests.
 */
export function kiroToolNameMap(names: Iterable<string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of names) {
    const mangled = kiroToolName(name);
    if (mangled !== name) map.set(mangled, name);
  }
  return map;
}
