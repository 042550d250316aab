import { randomUUID } from 'node:crypto';
import { ConfigError } from './config-error.js';
import { formatZodIssues } from './format-zod-issues.js';
import { instanceFieldsSchema } from './instance-fields.js';
import type { InstanceRecord } from './instance-record.js';
import { parseJsonc } from './parse-jsonc.js';

export interface ParsedPool {
  key: string;
  records: InstanceRecord[];
}

export interface ParsedPoolsFile {
  /** Pools in file order. */
  pools: ParsedPool[];
  /** The whole document with generated uuids filled in; what gets written back. */
  document: Record<string, unknown>;
  /** Whether uuids were generated, so the file must be written back once. */
  generatedUuids: boolean;
}

/**
 * Parses and validates provider_pools.json (the seed's format). Provider credentials are left to
 * each adapter; here we check the shape, our own fields, and uuid uniqueness across all pools.
 */
export function parsePoolsFile(text: string, file: string, newUuid: () => string = randomUUID): ParsedPoolsFile {
  const root = parseJsonc(text, file);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new ConfigError(`${file}: (root) = ${JSON.stringify(root)?.slice(0, 80)}: expected an object keyed by provider type`, file);
  }
  const document = root as Record<string, unknown>;
  const pools: ParsedPool[] = [];
  const seen = new Map<string, string>();
  let generatedUuids = false;
  const problems: string[] = [];

  for (const [key, value] of Object.entries(document)) {
    if (!Array.isArray(value)) {
      problems.push(`${file}: ${key} = ${JSON.stringify(value)?.slice(0, 80)}: expected an array of provider instances`);
      continue;
    }
    const records: InstanceRecord[] = [];
    value.forEach((entry: unknown, index: number) => {
      const where = `${key}[${index}]`;
      const result = instanceFieldsSchema.safeParse(entry);
      if (!result.success || entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        problems.push(result.success ? `${file}: ${where} = ${JSON.stringify(entry)}: expected an object` : formatZodIssues(file, document, result.error.issues, [key, index]));
        return;
      }
      const record = entry as Record<string, unknown>;
      if (record.uuid === undefined) {
        record.uuid = newUuid();
        generatedUuids = true;
      }
      const uuid = record.uuid as string;
      const previous = seen.get(uuid);
      if (previous) {
        problems.push(`${file}: ${where}.uuid = ${JSON.stringify(uuid)}: duplicate of ${previous}.uuid; every instance needs its own uuid`);
        return;
      }
      seen.set(uuid, where);
      records.push(record as InstanceRecord);
    });
    pools.push({ key, records });
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), file);
  return { pools, document, generatedUuids };
}
