import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.js';
import { parsePoolsFile, type ParsedPoolsFile } from '../config/parse-pools-file.js';

export interface PoolsFileContent {
  text: string;
  parsed: ParsedPoolsFile;
}

export async function readPoolsFile(file: string): Promise<PoolsFileContent> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `${file}: provider pools file is missing` : `${file}: cannot be read: ${(error as Error).message}`, file);
  }
  return { text, parsed: parsePoolsFile(text, file) };
}
