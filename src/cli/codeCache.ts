// Loading a CommonJS bundle through V8's code cache: the bytecode of the functions a run
// compiled, saved beside the bundle (`BUNDLE.cache`) and handed to the next run, which then
// skips parsing and compiling them (about 13 ms of a 65 ms `pmemstat --help`). Node 20 has no
// compile cache of its own for this (NODE_COMPILE_CACHE came with node 22).
//
// The cache is used only when its first line names this bundle as it is now (size, mtime,
// ctime, inode: a rebuild or any rewrite changes ctime) and this node (version, arch; V8
// checks its own version and flags as well and may still reject it); otherwise it is
// written again when the run ends. It is trusted as much as the bundle beside it: only a
// file of the bundle's owner or root, not writable by group or others, is read.
//
// Code run this way has no dynamic import() of packages (node 20 offers it to vm scripts
// only as an experimental feature that warns): the recorder's commands, which import their
// SQLite package so, are loaded by require instead (launch.ts).
import { closeSync, fstatSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** What happened to the cache: read and accepted, absent, of another bundle or node, refused by V8, or not to be trusted. */
export type CacheState = 'used' | 'none' | 'stale' | 'rejected' | 'untrusted';

export interface Loaded {
  cache: CacheState;
  /** Write the cache of what has been compiled so far (when it was not used); false when it cannot be written. */
  save(): boolean;
}

/** The first line of a cache file: what it was made from. */
export function cacheKey(bundle: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): string {
  return `pmemstat-code-cache 1 ${process.version} ${process.arch} ${bundle.size} ${bundle.mtimeMs} ${bundle.ctimeMs} ${bundle.ino}`;
}

function readCache(file: string, key: string, owner: number): { state: CacheState; data?: Buffer } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { state: 'none' };
  }
  try {
    const st = fstatSync(fd);
    if ((st.uid !== owner && st.uid !== 0) || (st.mode & 0o022) !== 0) return { state: 'untrusted' };
    const buf = readFileSync(fd);
    const nl = buf.indexOf(10);
    if (nl < 0 || buf.toString('latin1', 0, nl) !== key) return { state: 'stale' };
    return { state: 'used', data: buf.subarray(nl + 1) };
  } catch {
    return { state: 'none' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Run `bundle` as the main CommonJS module would run (its own require, module, __filename
 * and __dirname), compiled with the code cache at `cacheFile`.
 */
export function loadBundle(bundle: string, cacheFile = `${bundle}.cache`): Loaded {
  const fd = openSync(bundle, 'r');
  let st: Stats;
  let source: string;
  try {
    st = fstatSync(fd);
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const key = cacheKey(st);
  const cached = readCache(cacheFile, key, st.uid);
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new Script(wrapped, {
    filename: bundle,
    ...(cached.data ? { cachedData: cached.data } : {}),
  });
  const state: CacheState = cached.data && script.cachedDataRejected === true ? 'rejected' : cached.state;
  const fn = script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  const mod = { exports: {}, id: '.', filename: bundle, loaded: false };
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  return {
    cache: state,
    save: () => {
      if (state === 'used') return true;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), script.createCachedData()]), { mode: 0o644, flag: 'wx' });
        renameSync(tmp, cacheFile);
        return true;
      } catch {
        try {
          unlinkSync(tmp);
        } catch {
          /* never written */
        }
        return false;
      }
    },
  };
}
