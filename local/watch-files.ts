// The file watcher behind reloads: chokidar, the watcher the field maintains, rather than a
// hand-written one. Node's own recursive `fs.watch` was the other candidate, but on Linux Node 20
// implements it by watching each file, and loses one for good once an editor saves it by writing
// a copy and renaming it over the original; chokidar watches the folders, follows a replaced file (by
// its inode), picks up folders created later, and merges an editor's unlink-then-add into one
// change (`atomic`).
import path from 'node:path';
import { watch } from 'chokidar';

export interface WatchFilesOptions {
  /** Folders watched as a whole (new subfolders included) and single files. */
  readonly paths: readonly string[];
  /** Changes closer together than this are reported as one batch. */
  readonly settleMs: number;
  /** Each batch of changed paths (absolute), once the changes have settled. */
  readonly onBatch: (changed: ReadonlySet<string>) => void;
  /** Called at the first change of a batch, before it settles (to start work the batch will need). */
  readonly onFirstChange?: () => void;
}

export interface FileWatcher {
  /** Settles once the watched folders have been read: a change from then on is seen. */
  readonly ready: Promise<void>;
  /** Watches more files or folders (already watched ones are left as they are). */
  add(paths: readonly string[]): void;
  close(): Promise<void>;
}

/**
 * Inside a watched folder, dot files and folders (editors' swap files, `.git`) and `node_modules`
 * are no source of a bundle: they are not watched.
 */
function ignoredWithin(roots: ReadonlySet<string>): (file: string) => boolean {
  return (file) => {
    if (roots.has(file)) return false;
    const name = path.basename(file);
    return name.startsWith('.') || name === 'node_modules';
  };
}

export function watchFiles({ paths, settleMs, onBatch, onFirstChange }: WatchFilesOptions): FileWatcher {
  const roots = new Set(paths.map((p) => path.resolve(p)));
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watcher = watch([...roots], {
    ignoreInitial: true,
    // Like the rest of the local system, the watcher alone does not keep the process alive.
    persistent: false,
    ignored: ignoredWithin(roots),
    atomic: true,
  });
  watcher.on('all', (_event, file) => {
    if (closed) return;
    if (pending.size === 0) onFirstChange?.();
    pending.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const batch = pending;
      pending = new Set();
      if (!closed) onBatch(batch);
    }, settleMs);
  });
  // A folder that cannot be read (removed while being scanned) is simply not watched; chokidar
  // goes on with the rest.
  watcher.on('error', () => {});
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    add(more) {
      const fresh = more.map((p) => path.resolve(p)).filter((p) => !roots.has(p));
      if (fresh.length === 0 || closed) return;
      for (const p of fresh) roots.add(p);
      watcher.add(fresh);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
