import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Writes a creds JSON file atomically (temp file + rename) with mode 0600, creating its directory
 * (0700) when missing. A crash never leaves a half-written file behind.
 */
export async function writeCredsFile(file: string, json: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, fsync: true });
}
