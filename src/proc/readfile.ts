// Reading /proc files fast: one reusable buffer, no stat() (proc files report size 0).
import { closeSync, openSync, readSync, readlinkSync } from 'node:fs';
import { openTreeFile, treeFileCap, treeFileClosed, treeLinkAllowed, underTree } from './tree';

const BASE_BYTES = 1 << 20;
/** The largest buffer kept between reads (most smaps files fit; a crafted one may not). */
const KEEP_BYTES = 8 << 20;
let buf = Buffer.allocUnsafe(BASE_BYTES);

// Node's Buffer has a faster latin1 decoder than toString('latin1') (no argument
// checks, no slice); it is undocumented, so fall back when it is missing.
type Latin1 = { latin1Slice?: (start: number, end: number) => string };
const latin1 = (b: Buffer): string => {
  const f = (b as Latin1).latin1Slice;
  return f ? f.call(b, 0, b.length) : b.toString('latin1');
};

/** `cut`: the file had more than the `maxBytes` asked for; `data` is its head. */
export type ReadResult = { ok: true; data: Buffer; cut: boolean } | { ok: false; code: string };

/**
 * How a reader knows it has reached the end without a further read that returns 0:
 * `true` = the file is one record, so a short read is the end; `false` = read until 0;
 * an EndTest object = told each chunk (start, end) just read, it says whether the file
 * ended there, and is shown the whole file when a read of 0 ended it.
 */
export type EndOf = boolean | EndTest;
export interface EndTest {
  ended(data: Buffer, start: number, end: number): boolean;
  atEof(data: Buffer): void;
}

const VSYSCALL = Buffer.from('ffffffffff600000-', 'latin1');
const VSYSCALL_LINE = Buffer.from('\nffffffffff600000-', 'latin1');
/** Bytes of the vsyscall page's record in smaps (0 = not seen yet); the same in every process. */
let vsyscallRecord = 0;

/**
 * smaps is many seq_file records (one per mapping), handed over about a page at a time,
 * so a short read is not its end. But on x86-64 the vsyscall page is always the last
 * mapping listed, and its record is the same bytes in every process (fixed-width figures
 * that are all constant): once one smaps read to the end has shown its length, a chunk that
 * ends with it is the end, and the read that would return 0 (taking the process's mmap lock
 * again) is saved. The test is a few byte compares per chunk. A file name cannot forge it:
 * the kernel escapes a newline in a name.
 */
export const smapsEnd: EndTest = {
  ended(data, start, end) {
    const at = end - vsyscallRecord;
    if (vsyscallRecord === 0 || at < start || data[end - 1] !== 10 || (at > 0 && data[at - 1] !== 10)) return false;
    for (let i = 0; i < VSYSCALL.length; i++) if (data[at + i] !== VSYSCALL[i]) return false;
    return true;
  },
  atEof(data) {
    if (vsyscallRecord !== 0) return;
    const head = data.lastIndexOf(VSYSCALL_LINE);
    if (head >= 0) vsyscallRecord = data.length - head - 1;
    else if (data.indexOf(VSYSCALL) === 0) vsyscallRecord = data.length;
  },
};

/** Forget the learnt vsyscall record (tests). */
export function resetSmapsEnd(): void {
  vsyscallRecord = 0;
}

/**
 * Read a whole open file from offset 0 into the shared buffer (a /proc file
 * regenerates on a read at offset 0, so a kept fd gives fresh figures each time).
 * `singleRecord`: the file is one seq_file record (stat, smaps_rollup, meminfo), which
 * the kernel hands over in one read when the buffer is larger — a short read is EOF.
 * `maxBytes`: read no more than this (the result says whether the file had more).
 * The returned Buffer is valid only until the next call.
 */
export function readFd(fd: number, singleRecord: EndOf, maxBytes = Infinity): ReadResult {
  maxBytes = Math.min(maxBytes, treeFileCap(fd));
  try {
    // A read that grew the buffer past KEEP_BYTES gave its result; the next one gives the
    // memory back rather than holding one large file's size for the helper's lifetime.
    if (buf.length > KEEP_BYTES) buf = Buffer.allocUnsafe(BASE_BYTES);
    let len = 0;
    let cut = false;
    for (;;) {
      if (len >= maxBytes) {
        // One byte more tells whether the file goes on (a read at that offset is cheap).
        cut = readSync(fd, Buffer.alloc(1), 0, 1, len) > 0;
        break;
      }
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const space = Math.min(buf.length - len, maxBytes - len);
      const n = readSync(fd, buf, len, space, len);
      len += n;
      if (n === 0) {
        if (typeof singleRecord === 'object') singleRecord.atEof(buf.subarray(0, len));
        break;
      }
      if (singleRecord === true ? n < space && len < maxBytes : singleRecord !== false && singleRecord.ended(buf, len - n, len)) break;
    }
    return { ok: true, data: buf.subarray(0, len), cut };
  } catch (e) {
    return { ok: false, code: errCode(e) };
  }
}

/** Open for reading; a negative result is not an fd but means the error in `code`. */
export function openRead(path: string): { fd: number; code: null } | { fd: -1; code: string } {
  if (underTree(path)) return openTreeFile(path);
  try {
    return { fd: openSync(path, 'r'), code: null };
  } catch (e) {
    return { fd: -1, code: errCode(e) };
  }
}

export function closeFd(fd: number): void {
  treeFileClosed(fd);
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** The soft limit on open files (from /proc/self/limits), or 1024 when unknown. */
export function openFilesLimit(): number {
  const r = readText('/proc/self/limits');
  const m = r.text === null ? null : /^Max open files\s+(\d+)/m.exec(r.text);
  return m ? Number(m[1]) : 1024;
}

/**
 * Read a whole file into the shared buffer. The returned Buffer is a view that is
 * valid only until the next call — decode it before reading another file.
 */
export function readShared(path: string, singleRecord: EndOf = false, maxBytes = Infinity): ReadResult {
  const o = openRead(path);
  if (o.code !== null) return { ok: false, code: o.code };
  try {
    return readFd(o.fd, singleRecord, maxBytes);
  } finally {
    closeFd(o.fd);
  }
}

/**
 * Read a file as a latin1 string (byte-exact, fast); null with the error code on failure.
 * `maxBytes`: read no more (`cut` says the file had more).
 */
export function readText(path: string, singleRecord: EndOf = false, maxBytes = Infinity): { text: string; code: null; cut: boolean } | { text: null; code: string } {
  const r = readShared(path, singleRecord, maxBytes);
  return r.ok ? { text: latin1(r.data), code: null, cut: r.cut } : { text: null, code: r.code };
}

/**
 * The most of one smaps read: a process with 65,000 mappings of a 4,000-character path has
 * 310 MB of it, and reading and parsing all of it held the helper for seconds and a GB.
 * Ordinary processes stay far below (a few MB); beyond it, the first mappings are shown.
 */
export const SMAPS_READ_MAX = 16 * 1024 * 1024;

/**
 * readText for a file that may be large, in chunks of its own memory (not the shared
 * buffer), letting other work run between them: a request that reads one process's 16 MB
 * of smaps (a second of the kernel's time) does not hold up the helper's other requests.
 */
export async function readTextYielding(path: string, maxBytes: number, chunk = 1 << 20): Promise<{ text: string; code: null; cut: boolean } | { text: null; code: string }> {
  const o = openRead(path);
  if (o.code !== null) return { text: null, code: o.code };
  const parts: Buffer[] = [];
  let len = 0;
  let cut = false;
  try {
    const max = Math.min(maxBytes, treeFileCap(o.fd));
    for (;;) {
      if (len >= max) {
        cut = readSync(o.fd, Buffer.alloc(1), 0, 1, len) > 0;
        break;
      }
      const b = Buffer.allocUnsafe(Math.min(chunk, max - len));
      const n = readSync(o.fd, b, 0, b.length, len);
      if (n === 0) break;
      parts.push(b.subarray(0, n));
      len += n;
      await new Promise<void>((res) => setImmediate(res));
    }
    return { text: latin1(Buffer.concat(parts, len)), code: null, cut };
  } catch (e) {
    return { text: null, code: errCode(e) };
  } finally {
    closeFd(o.fd);
  }
}

/** The last bytes read from a file and what they parsed to. */
export interface Memo<T> {
  raw: Buffer | null;
  value: T | null;
}

export function emptyMemo<T>(): Memo<T> {
  return { raw: null, value: null };
}

/** `changed`: the bytes differ from the ones parsed last time (always true on a first read). */
export type ParsedRead<T> = { ok: true; value: T | null; bytes: number; changed: boolean } | { ok: false; code: string };

/**
 * Read a single-record file through an open fd and parse it, unless its bytes are the
 * ones parsed last time: an idle process's stat and smaps_rollup read the same every
 * sample, and decoding them into strings was most of a sample's own CPU time.
 */
export function readFdParsed<T>(fd: number, memo: Memo<T>, parse: (text: string) => T | null): ParsedRead<T> {
  const r = readFd(fd, true);
  if (!r.ok) return r;
  const d = r.data;
  if (memo.raw !== null && memo.raw.equals(d)) return { ok: true, value: memo.value, bytes: d.length, changed: false };
  const value = parse(latin1(d));
  memo.raw = value === null ? null : Buffer.from(d);
  memo.value = value;
  return { ok: true, value, bytes: d.length, changed: true };
}

/** What `rereadFd` found. */
export const SAME = 0;
export const CHANGED = 1;
export const FAILED = -1;
/** The error code of the last `rereadFd` that returned FAILED. */
export let rereadError = '';

/**
 * readFdParsed for the live view's hot path: every process's kept stat fd, read every tick.
 * Returns SAME (the bytes parsed last time: the memo holds their value), CHANGED (parsed anew
 * into the memo) or FAILED (the memo is untouched; `rereadError` says why). The unchanged
 * case, an idle process's, allocates nothing: no view of the buffer, no result object.
 */
export function rereadFd<T>(fd: number, memo: Memo<T>, parse: (text: string) => T | null): number {
  let n: number;
  if (treeFileCap(fd) !== Infinity) {
    const r = readFd(fd, true);
    if (!r.ok) {
      rereadError = r.code;
      return FAILED;
    }
    n = r.data.length;
  } else {
    try {
      n = readSync(fd, buf, 0, buf.length, 0);
    } catch (e) {
      rereadError = errCode(e);
      return FAILED;
    }
    // Not one record after all (a buffer's worth): the general reader, which grows the buffer.
    if (n === buf.length) {
      const r = readFd(fd, true);
      if (!r.ok) {
        rereadError = r.code;
        return FAILED;
      }
      n = r.data.length;
    }
  }
  const raw = memo.raw;
  if (raw !== null && raw.length === n && buf.compare(raw, 0, n, 0, n) === 0) return SAME;
  const d = buf.subarray(0, n);
  const value = parse(latin1(d));
  memo.raw = value === null ? null : Buffer.from(d);
  memo.value = value;
  return CHANGED;
}

/**
 * A private copy of a file's bytes. cmdline is read from the process's memory in one go
 * up to the size asked for, so pass `true` there: a short read is its end.
 */
export function readBytes(path: string, singleRecord: EndOf = false, maxBytes = Infinity): { bytes: Buffer; code: null; cut: boolean } | { bytes: null; code: string } {
  const r = readShared(path, singleRecord, maxBytes);
  return r.ok ? { bytes: Buffer.from(r.data), code: null, cut: r.cut } : { bytes: null, code: r.code };
}

export function readLink(path: string): string | null {
  if (underTree(path) && !treeLinkAllowed(path)) return null;
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

export function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

/** Not ours to read (as opposed to vanished). */
export function isDenied(code: string): boolean {
  return code === 'EACCES' || code === 'EPERM';
}
