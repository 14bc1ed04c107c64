// The detail parse of /proc/PID/smaps over its bytes (docs/columns.md#detail-mode-every-mapping):
// the file as read, not a string decoded from it. Decoding every smaps to a latin1 string was
// about a third of the time of decoding and parsing it; this scanner reads the same figures
// from the bytes. Pure and I/O-free, like the string scanners of smaps.ts and smapsHeader.ts,
// whose rules it keeps byte for byte (parseSmapsDetail of a string is this parse of its bytes).

import type { Mem } from './types';
import { CAT_DATA, CAT_SHOTH, CAT_STACK, CAT_SYSV, CAT_TEXT, SHMEM_FLAG } from './smapsHeader';
import type { SmapsExtra } from './smaps';

const NL = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const DASH = 45;
const COLON = 58;
const D0 = 48;
const D9 = 57;
const UA = 65;
const UF = 70;
const LA = 97;
const LF = 102;
const C_P = 80;
const C_S = 83;
const C_V = 86;
const C_C = 67;
const C_r = 114;
const C_s = 115;
const C_w = 119;
const C_d = 100;
const C_m = 109;

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const NL_PSS = bytesOf('\nPss:');
const NL_PRIVATE_CLEAN = bytesOf('\nPrivate_Clean:');
const NL_PRIVATE_DIRTY = bytesOf('\nPrivate_Dirty:');
const NL_SWAP_PSS = bytesOf('\nSwapPss:');
const NL_ANON_HUGE = bytesOf('\nAnonHugePages:');
const NL_VMFLAGS = bytesOf('\nVmFlags:');
const PRIVATE_CLEAN = NL_PRIVATE_CLEAN.subarray(1);
const PRIVATE_DIRTY = NL_PRIVATE_DIRTY.subarray(1);
const SWAP_PSS = NL_SWAP_PSS.subarray(1);
const ANON_HUGE = NL_ANON_HUGE.subarray(1);
const VMFLAGS = NL_VMFLAGS.subarray(1);
const STACK = bytesOf('[stack]');
const GUARD = bytesOf('---p');
const SYSV = bytesOf('SYSV');
/**
 * Names of mappings whose pages are shmem (what the rollup counts as Pss_Shmem): SysV
 * segments (`/SYSV0000002a (deleted)`), POSIX shared memory in /dev/shm, memfds
 * (`/memfd:name (deleted)`), shared anonymous memory (`/dev/zero (deleted)`, or
 * `[anon_shmem:name]` when named). An approximation: a mapping of a file in another
 * tmpfs (/tmp, /run) is shmem too but cannot be told from a disk file by its name, and
 * pages a private mapping of these has copied on write are anonymous, not shmem.
 */
const SHMEM_PREFIXES = ['/SYSV', '/dev/shm/', '/memfd:', '/dev/zero (deleted)', '[anon_shmem'].map(bytesOf);

/**
 * The bytes of a string read as latin1 (each char code one byte); UTF-8 when it holds a char
 * above 255, whose low byte could otherwise read as a newline or a digit.
 */
export function latin1Bytes(text: string): Uint8Array {
  const b = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) return new TextEncoder().encode(text);
    b[i] = c;
  }
  return b;
}

function matchAt(b: Uint8Array, pos: number, word: Uint8Array): boolean {
  if (pos < 0 || pos + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[pos + i] !== word[i]) return false;
  return true;
}

function lineEnd(b: Uint8Array, pos: number, len: number): number {
  while (pos < len && b[pos] !== NL) pos++;
  return pos;
}

function numberAt(b: Uint8Array, pos: number, end: number): number {
  let i = pos;
  while (i < end && (b[i] === SP || b[i] === TAB)) i++;
  let n = 0;
  let any = false;
  while (i < end) {
    const c = b[i];
    if (c < D0 || c > D9) break;
    n = n * 10 + (c - D0);
    any = true;
    i++;
  }
  return any ? n : -1;
}

function privateAt(b: Uint8Array, pos: number, eol: number): number {
  if (b[pos + 1] !== C_r || !(matchAt(b, pos, PRIVATE_CLEAN) || matchAt(b, pos, PRIVATE_DIRTY))) return -1;
  return Math.max(0, numberAt(b, pos + 14, eol));
}

function isHex(c: number): boolean {
  return (c >= D0 && c <= D9) || (c >= LA && c <= LF) || (c >= UA && c <= UF);
}

/**
 * The category of the mapping header line [pos, eol) (`start-end perms offset dev inode [name]`,
 * the rules of headerNameAt and headerNameEnd in smapsHeader.ts), plus SHMEM_FLAG; -1 when the
 * line is not a header.
 */
function headerCategory(b: Uint8Array, pos: number, eol: number): number {
  let sp = pos;
  while (sp < eol && b[sp] !== SP) sp++;
  if (sp >= eol) return -1;
  let dash = -1;
  for (let i = pos; i < sp; i++) {
    const c = b[i];
    if (c === DASH) {
      if (dash >= 0) return -1;
      dash = i;
    } else if (!isHex(c)) {
      return -1;
    }
  }
  if (dash <= pos || dash === sp - 1 || sp + 5 > eol) return -1;
  let i = sp + 1;
  for (let f = 0; f < 4; f++) {
    while (i < eol && b[i] !== SP) i++;
    while (i < eol && b[i] === SP) i++;
  }
  let end = eol;
  while (end > i && (b[end - 1] === SP || b[end - 1] === TAB || b[end - 1] === CR)) end--;
  const p = sp + 1;
  const c1 = b[i + 1];
  let shm = 0;
  if (end > i && (c1 === C_S || c1 === C_d || c1 === C_m || c1 === LA)) {
    for (const w of SHMEM_PREFIXES) if (end - i >= w.length && matchAt(b, i, w)) { shm = SHMEM_FLAG; break; }
  }
  if (b[p + 3] === C_s) {
    for (let j = i; j + 4 <= end; j++) if (b[j] === C_S && matchAt(b, j, SYSV)) return CAT_SYSV | shm;
    return CAT_SHOTH | shm;
  }
  if (end - i === 7 && matchAt(b, i, STACK)) return CAT_STACK;
  if (b[p + 1] === C_w) return CAT_DATA | shm;
  if (matchAt(b, p, GUARD)) return CAT_DATA;
  return CAT_TEXT | shm;
}

/** As smaps.ts's RecordLayout: offsets from the newline that ends a header (-1: not seen). */
interface Layout {
  pss: number;
  anonHuge: number;
  privateClean: number;
  privateDirty: number;
  swapPss: number;
  vmFlags: number;
}

/** Sums of a file; `cat`/`shm` say where a Pss goes. */
class Sums {
  shmemPss = 0;
  sysv = 0;
  shOth = 0;
  stack = 0;
  data = 0;
  text = 0;
  pswap = 0;
  uss = 0;
  anonHuge = 0;
  cat = -1;
  shm = false;
  add(v: number): void {
    if (this.shm) this.shmemPss += v;
    switch (this.cat) {
      case CAT_SYSV: this.sysv += v; break;
      case CAT_SHOTH: this.shOth += v; break;
      case CAT_STACK: this.stack += v; break;
      case CAT_DATA: this.data += v; break;
      default: this.text += v; break;
    }
  }
}

/** Read the record whose header ends at `h` through `lay`; -1 when a label is not where it was. */
function readByLayout(b: Uint8Array, h: number, lay: Layout, s: Sums): number {
  if (
    !matchAt(b, h + lay.vmFlags, NL_VMFLAGS) ||
    !matchAt(b, h + lay.pss, NL_PSS) ||
    !matchAt(b, h + lay.privateClean, NL_PRIVATE_CLEAN) ||
    !matchAt(b, h + lay.privateDirty, NL_PRIVATE_DIRTY) ||
    !matchAt(b, h + lay.swapPss, NL_SWAP_PSS) ||
    (lay.anonHuge >= 0 && !matchAt(b, h + lay.anonHuge, NL_ANON_HUGE))
  ) {
    return -1;
  }
  const len = b.length;
  const pss = numberAt(b, h + lay.pss + 5, len);
  if (pss > 0) s.add(pss);
  s.uss += Math.max(0, numberAt(b, h + lay.privateClean + 15, len)) + Math.max(0, numberAt(b, h + lay.privateDirty + 15, len));
  const swap = numberAt(b, h + lay.swapPss + 9, len);
  if (swap > 0) s.pswap += swap;
  if (lay.anonHuge >= 0) {
    const v = numberAt(b, h + lay.anonHuge + 15, len);
    if (v > 0) s.anonHuge += v;
  }
  return lineEnd(b, h + lay.vmFlags + 1, len) + 1;
}

/**
 * smaps.ts's parseSmapsDetail over the file's bytes: the same figures (the sum of every `Pss:`
 * line by category, SwapPss, the private pages, AnonHugePages, the shmem estimate), the same
 * lines looked at, the same layout learnt from the first record read line by line and checked
 * label by label on every later one.
 */
export function parseSmapsDetailBytes(b: Uint8Array, zramActive: boolean, extra?: SmapsExtra): Mem {
  const s = new Sums();
  let lay: Layout | null = null;
  let learn: Layout | null = null;
  let h = -1;
  const len = b.length;
  let pos = 0;
  while (pos < len) {
    const eol = lineEnd(b, pos, len);
    const c = b[pos];
    if (c === C_P) {
      if (s.cat >= 0 && b[pos + 1] === C_r) {
        const v = privateAt(b, pos, eol);
        if (v > 0) s.uss += v;
        if (learn && v >= 0) {
          if (b[pos + 8] === C_C) learn.privateClean = pos - 1 - h;
          else learn.privateDirty = pos - 1 - h;
        }
      } else if (s.cat >= 0 && b[pos + 3] === COLON && b[pos + 1] === C_s && b[pos + 2] === C_s) {
        const v = numberAt(b, pos + 4, eol);
        if (v > 0) s.add(v);
        if (learn) learn.pss = pos - 1 - h;
      }
    } else if (c === C_S) {
      if (s.cat >= 0 && b[pos + 7] === COLON && matchAt(b, pos, SWAP_PSS)) {
        const v = numberAt(b, pos + 8, eol);
        if (v > 0) s.pswap += v;
        if (learn) learn.swapPss = pos - 1 - h;
      }
    } else if (c === UA) {
      if (pos > 0 && matchAt(b, pos, ANON_HUGE)) {
        const v = numberAt(b, pos + 14, eol);
        if (v > 0) s.anonHuge += v;
        if (learn) learn.anonHuge = pos - 1 - h;
      }
    } else if (c === C_V) {
      if (learn && matchAt(b, pos, VMFLAGS)) {
        learn.vmFlags = pos - 1 - h;
        if (learn.pss >= 0 && learn.privateClean >= 0 && learn.privateDirty >= 0 && learn.swapPss >= 0) lay = learn;
        learn = null;
      }
    } else if ((c >= D0 && c <= D9) || (c >= LA && c <= LF)) {
      const k = headerCategory(b, pos, eol);
      if (k >= 0) {
        s.cat = k & ~SHMEM_FLAG;
        s.shm = (k & SHMEM_FLAG) !== 0;
        h = eol;
        learn = null;
        if (lay) {
          const next = readByLayout(b, h, lay, s);
          if (next >= 0) {
            pos = next;
            continue;
          }
        } else {
          learn = { pss: -1, anonHuge: -1, privateClean: -1, privateDirty: -1, swapPss: -1, vmFlags: -1 };
        }
      }
    }
    pos = eol + 1;
  }
  if (extra) {
    extra.pssShmem = s.shmemPss;
    extra.anonHuge = s.anonHuge;
  }
  const pss = s.sysv + s.shOth + s.stack + s.text + s.data;
  return { pswap: s.pswap, shSYSV: s.sysv, shOth: s.shOth, stack: s.stack, text: s.text, data: s.data, ptotal: pss + (zramActive ? s.pswap : 0), uss: s.uss, epss: pss + s.pswap };
}
