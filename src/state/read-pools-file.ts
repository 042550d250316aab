import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.js';
import { parsePoolsFile, type ParsedPoolsFile } from '../config/parse-pools-file.js';

export interface PoolsFileContent {
  text: string;
  parsed: ParsedPoolsFile;
}

/**
 * Reads and parses the pools file; `unless` skips the parse when the text is exactly that (our
 * own last write, seen again by the file watcher: parsing 10,000 instances costs ~100 ms).
 */
export async function readPoolsFile(file: string): Promise<PoolsFileContent>;
export async function readPoolsFile(file: string, unless: string): Promise<PoolsFileContent | undefined>;
export async function readPoolsFile(file: string, unless?: string): Promise<PoolsFileContent | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `${file}: provider pools file is missing` : `${file}: cannot be read: ${(error as Error).message}`, file);
  }
  if (unless !== undefined && text === unless) return undefined;
  return { text, parsed: parsePoolsFile(text, file) };
}
