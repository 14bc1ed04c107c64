// Reading /proc files fast: one reusable buffer, no stat() (proc files report size 0).
import { closeSync, openSync, readSync, readlinkSync } from 'node:fs';

let buf = Buffer.allocUnsafe(1 << 20);

export type ReadResult = { ok: true; data: Buffer } | { ok: false; code: string };

/**
 * Read a whole file into the shared buffer. The returned Buffer is a view that is
 * valid only until the next call — decode it before reading another file.
 */
export function readShared(path: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { ok: false, code: errCode(e) };
  }
  try {
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    return { ok: true, data: buf.subarray(0, len) };
  } catch (e) {
    return { ok: false, code: errCode(e) };
  } finally {
    closeSync(fd);
  }
}

/** Read a file as a latin1 string (byte-exact, fast); null with the error code on failure. */
export function readText(path: string): { text: string; code: null } | { text: null; code: string } {
  const r = readShared(path);
  return r.ok ? { text: r.data.toString('latin1'), code: null } : { text: null, code: r.code };
}

/** A private copy of a file's bytes (for cmdline, which is kept). */
export function readBytes(path: string): { bytes: Buffer; code: null } | { bytes: null; code: string } {
  const r = readShared(path);
  return r.ok ? { bytes: Buffer.from(r.data), code: null } : { bytes: null, code: r.code };
}

export function readLink(path: string): string | null {
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
