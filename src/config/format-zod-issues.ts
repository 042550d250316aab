import type { z } from 'zod';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(root)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One line per issue: `file: field.path = <bad value>: expected ...`. */
export function formatZodIssues(file: string, root: unknown, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path];
      const bad = valueAt(root, path);
      const shown = bad === undefined ? '(missing)' : JSON.stringify(bad);
      return `${file}: ${formatPath(path)} = ${shown}: ${issue.message}`;
    })
    .join('\n');
}
