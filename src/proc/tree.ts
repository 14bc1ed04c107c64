// A captured tree (`--root DIR`) is untrusted input, read by whoever runs pmemstat, root
// included: a `cmdline` symlinked to /etc/shadow printed shadow's lines, one to /dev/zero
// grew the reader to 800 MB, a FIFO `stat` hung it (docs/threat-model.md). Every file under
// the tree in use is opened here: resolved inside the tree (no symlink out of it, checked
// before the open so that no device or FIFO outside is even opened, and again on the open
// fd), non-blocking, not following a final symlink, a regular file only, and read up to
// TREE_FILE_MAX. The live system (root `/`) is read as before. Module state, like
// readfile.ts's buffer: the trees this thread was told of (useTree).
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** The most a tree's file may hold: a captured smaps of a very large process fits. */
export const TREE_FILE_MAX = 64 * 1024 * 1024;

interface Tree {
  prefix: string;
  real: string;
}
/** Every tree read in this thread (a process may read several, and the live system meanwhile). */
const trees: Tree[] = [];
const treeFds = new Set<number>();

/** Read paths under `root` as a tree from now on (`/`, the live system, is trusted). */
export function useTree(root: string): void {
  if (root === '/' || root === '') return;
  const prefix = root.endsWith('/') ? root : root + '/';
  if (trees.some((t) => t.prefix === prefix)) return;
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    real = root; // missing: every open below fails anyway
  }
  trees.push({ prefix, real: real.endsWith('/') ? real : real + '/' });
}

function treeOf(path: string): Tree | null {
  let best: Tree | null = null;
  for (const t of trees) if (path.startsWith(t.prefix) && (!best || t.prefix.length > best.prefix.length)) best = t;
  return best;
}

export function underTree(path: string): boolean {
  return trees.length > 0 && treeOf(path) !== null;
}

function inside(t: Tree | null, real: string): boolean {
  return t !== null && (real + '/').startsWith(t.real);
}

/** The errno-like codes of a refusal: read as "no such file" (isDenied() is false for them). */
type Refused = { fd: -1; code: string };

export function openTreeFile(path: string): { fd: number; code: null } | Refused {
  const t = treeOf(path);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    return { fd: -1, code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  if (!inside(t, real)) return { fd: -1, code: 'EXDEV' };
  let fd: number;
  try {
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
  } catch (e) {
    return { fd: -1, code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  let why: string | null = null;
  try {
    // The tree may have changed between realpath and open: ask the kernel what was opened.
    if (!inside(t, readlinkSync(`/proc/self/fd/${fd}`))) why = 'EXDEV';
    else if (!fstatSync(fd).isFile()) why = 'EINVAL';
  } catch (e) {
    why = (e as NodeJS.ErrnoException).code ?? 'EIO';
  }
  if (why) {
    closeSync(fd);
    return { fd: -1, code: why };
  }
  treeFds.add(fd);
  return { fd, code: null };
}

/** How much of `fd` may be read: TREE_FILE_MAX for a tree's file, else no limit. */
export function treeFileCap(fd: number): number {
  return treeFds.has(fd) ? TREE_FILE_MAX : Infinity;
}

export function treeFileClosed(fd: number): void {
  treeFds.delete(fd);
}

/** A link's text may be read if the directory holding it resolves inside the tree. */
export function treeLinkAllowed(path: string): boolean {
  try {
    return inside(treeOf(path), realpathSync(dirname(path)));
  } catch {
    return false;
  }
}

/** Whether `path` is a regular file inside the tree (exekey's script lookup), without opening it. */
export function treeRegularFile(path: string): boolean {
  try {
    const real = realpathSync(path);
    return inside(treeOf(path), real) && lstatSync(real).isFile();
  } catch {
    return false;
  }
}
