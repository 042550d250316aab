import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';
import writeFileAtomic from 'write-file-atomic';
import { parsePoolsFile } from '../config/parse-pools-file.js';
import { LoginError } from './login-error.js';

export interface AddPoolInstanceOptions {
  poolsFile: string;
  /** e.g. `openai-qwen-oauth`. */
  poolKey: string;
  /** The provider's fields (creds path, ...); poolgate's own fields are added around them. */
  fields: Record<string, unknown>;
  /** The field naming the creds file: an instance already pointing at the same file is not added twice. */
  credsField: string;
  newUuid: () => string;
}

export interface AddPoolInstanceResult {
  uuid: string;
  added: boolean;
}

const FORMATTING: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

/**
 * How a creds path is written into the pools file: relative (`./x.json`) when the file sits in the
 * pools file's directory tree, absolute otherwise. Adapters resolve it against that directory.
 */
export function credsPathForPoolsFile(credsFile: string, poolsFile: string): string {
  const absolute = path.resolve(credsFile);
  const relative = path.relative(path.dirname(path.resolve(poolsFile)), absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return absolute;
  return `./${relative.split(path.sep).join('/')}`;
}

async function readOrEmpty(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LoginError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function validate(text: string, file: string): Record<string, unknown> {
  try {
    return parsePoolsFile(text, file, () => 'uuid-check').document;
  } catch (error) {
    throw new LoginError(`${file} is not a valid provider pools file, so it was left untouched:\n${(error as Error).message}`);
  }
}

/**
 * Appends one instance to a pool of provider_pools.json (creating the file or the pool when
 * missing). The edit is textual, so comments, formatting and every other pool and instance stay
 * as they were; the result is validated before it atomically replaces the file, and a file that
 * does not parse is never overwritten.
 */
export async function addPoolInstance(options: AddPoolInstanceOptions): Promise<AddPoolInstanceResult> {
  const file = options.poolsFile;
  const original = (await readOrEmpty(file)) ?? '{}\n';
  const document = validate(original, file);
  const pool = document[options.poolKey];
  const wanted = options.fields[options.credsField];
  if (Array.isArray(pool)) {
    const existing = pool.find((entry) => typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>)[options.credsField] === wanted) as Record<string, unknown> | undefined;
    // A uuid-less existing entry gets one from the gateway on its next start; report it as found.
    if (existing) return { uuid: typeof existing.uuid === 'string' ? existing.uuid : '', added: false };
  }

  const uuid = options.newUuid();
  const instance = { ...options.fields, uuid, checkModelName: null, isHealthy: true, lastUsed: null, usageCount: 0, errorCount: 0, lastErrorTime: null };
  const edits = Array.isArray(pool)
    ? modify(original, [options.poolKey, -1], instance, { isArrayInsertion: true, formattingOptions: FORMATTING })
    : modify(original, [options.poolKey], [instance], { formattingOptions: FORMATTING });
  let text = applyEdits(original, edits);
  if (!text.endsWith('\n')) text += '\n';

  const updated = validate(text, file);
  const after = updated[options.poolKey];
  if (!Array.isArray(after) || JSON.stringify(after.at(-1)) !== JSON.stringify(instance)) {
    throw new LoginError(`could not add the instance to ${file}; it was left untouched`);
  }
  await writeFileAtomic(file, text, { fsync: true });
  return { uuid, added: true };
}
