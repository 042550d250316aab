import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.js';
import { parsePoolsFile, type ParsedPoolsFile } from '../config/parse-pools-file.js';

export interface PoolsFileContent {
  bytes: Buffer;
  parsed: ParsedPoolsFile;
}

/**
 * Reads and parses the pools file; `unless` skips the parse when the bytes are exactly those (our
 * own last write, seen again by the file watcher: parsing 10,000 instances costs ~100 ms).
 */
export async function readPoolsFile(file: string): Promise<PoolsFileContent>;
export async function readPoolsFile(file: string, unless: Buffer): Promise<PoolsFileContent | undefined>;
export async function readPoolsFile(file: string, unless?: Buffer): Promise<PoolsFileContent | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `${file}: provider pools file is missing` : `${file}: cannot be read: ${(error as Error).message}`, file);
  }
  // Bytes compared before any decoding: the watcher sees every one of our own writes.
  if (unless !== undefined && bytes.equals(unless)) return undefined;
  return { bytes, parsed: parsePoolsFile(bytes.toString('utf8'), file) };
}
