import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

/**
 * Calls `onChange` (debounced) when `file` changes.
 *
 * Watches the file itself, not its directory: the request log's SQLite files live beside the pools
 * file by default, and a directory watch woke the event loop for each of their writes (over a
 * hundred inotify reads a second under load) only to drop the event by name. Editors, our own
 * atomic writes and Kubernetes' config-map symlink swaps replace the file rather than write it,
 * which leaves a watch on the old inode; so every event re-arms the watch on whatever the path now
 * names. While the file does not exist the directory is watched, by name, until it appears.
 */
export function watchFile(file: string, debounceMs: number, onChange: () => void): () => void {
  const base = path.basename(file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  let closed = false;

  const changed = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
    timer.unref();
  };
  const open = (target: string, listener: (name: string | null) => void): FSWatcher | undefined => {
    try {
      const opened = watch(target, (_event, name) => listener(name === null ? null : name.toString()));
      opened.unref();
      // A watch that fails later (its directory removed, say) is re-armed like a change.
      opened.on('error', () => {
        changed();
        arm();
      });
      return opened;
    } catch {
      return undefined;
    }
  };
  const arm = (): void => {
    watcher?.close();
    watcher = undefined;
    if (closed) return;
    watcher =
      open(file, () => {
        changed();
        arm();
      }) ??
      open(path.dirname(file), (name) => {
        if (name !== null && name !== base) return;
        changed();
        arm();
      });
  };

  arm();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    watcher?.close();
    watcher = undefined;
  };
}
