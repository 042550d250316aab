import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Calls `onChange` (debounced) when `file` changes. Watches the directory, not the file: editors
 * and our own atomic writes replace the file by rename, which would orphan a watch on its inode.
 */
export function watchFile(file: string, debounceMs: number, onChange: () => void): () => void {
  const base = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path.dirname(file), (_event, name) => {
      if (name !== null && name.toString() !== base) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
      timer.unref();
    });
    watcher.unref();
  } catch {
    return () => undefined;
  }
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}
