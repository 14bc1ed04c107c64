// Parsers for /proc/PID/smaps_rollup (fast mode) and /proc/PID/smaps (detail mode):
// docs/columns.md#the-columns. Pure and I/O-free; both are on the sampling hot path,
// so they are hand-written scanners over the string (indexOf / charCodeAt): no
// regex, no split into lines, no substring allocation per line.

import type { Mem, Rollup } from './types';

const CR = 13; // '\r'
const SP = 32; // ' '
const TAB = 9; // '\t'
const COLON = 58; // ':'
const DASH = 45; // '-'
const D0 = 48; // '0'
const D9 = 57; // '9'
const UA = 65; // 'A'
const UF = 70; // 'F'
const LA = 97; // 'a'
const LF = 102; // 'f'

const C_P = 80; // 'P'
const C_S = 83; // 'S'
const C_s = 115; // 's'
const C_w = 119; // 'w'
const C_r = 114; // 'r'
const C_C = 67; // 'C'
const C_V = 86; // 'V'
const C_d = 100; // 'd'
const C_m = 109; // 'm'

/**
 * Parse the decimal number that follows position `pos` (after optional blanks),
 * up to the first non-digit. Returns -1 when there is no digit.
 */
export function numberAt(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SP && c !== TAB) break;
    i++;
  }
  let n = 0;
  let any = false;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < D0 || c > D9) break;
    n = n * 10 + (c - D0);
    any = true;
    i++;
  }
  return any ? n : -1;
}

/** Whether `text` at `pos` starts with `word` (no allocation). */
function startsAt(text: string, pos: number, word: string): boolean {
  return text.startsWith(word, pos);
}

/**
 * Parse /proc/PID/smaps_rollup. Returns null when there is no `Pss:` line (an empty
 * file from a vanished process, garbage). Malformed lines are skipped; fields that
 * are missing (older kernels lack Pss_Anon/Pss_File/Pss_Shmem) read as 0.
 */
export function parseRollup(text: string): Rollup | null {
  let pss = -1;
  let pssAnon = 0;
  let pssFile = 0;
  let pssShmem = 0;
  let swapPss = 0;
  let uss = 0;
  let anonHuge = 0;
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = text.charCodeAt(pos);
    if (c === UA && startsAt(text, pos, 'AnonHugePages:')) anonHuge = Math.max(0, numberAt(text, pos + 14, eol));
    else if (c === C_P) {
      // Pss:, Pss_Anon:, Pss_File:, Pss_Shmem:, Private_Clean:, Private_Dirty: (Pss_Dirty: is ignored)
      const priv = privateAt(text, pos, eol);
      if (priv >= 0) uss += priv;
      else if (startsAt(text, pos, 'Pss:')) {
        const v = numberAt(text, pos + 4, eol);
        if (v >= 0) pss = v;
      } else if (startsAt(text, pos, 'Pss_Anon:')) {
        const v = numberAt(text, pos + 9, eol);
        if (v >= 0) pssAnon = v;
      } else if (startsAt(text, pos, 'Pss_File:')) {
        const v = numberAt(text, pos + 9, eol);
        if (v >= 0) pssFile = v;
      } else if (startsAt(text, pos, 'Pss_Shmem:')) {
        const v = numberAt(text, pos + 10, eol);
        if (v >= 0) pssShmem = v;
      }
    } else if (c === C_S && startsAt(text, pos, 'SwapPss:')) {
      const v = numberAt(text, pos + 8, eol);
      if (v >= 0) swapPss = v;
    }
    pos = eol + 1;
  }
  if (pss < 0) return null;
  return { pss, pssAnon, pssFile, pssShmem, swapPss, uss, anonHuge };
}

/** The figure of a `Private_Clean:` or `Private_Dirty:` line at `pos` (-1: another line). */
function privateAt(text: string, pos: number, eol: number): number {
  if (text.charCodeAt(pos + 1) !== C_r || !(startsAt(text, pos, 'Private_Clean:') || startsAt(text, pos, 'Private_Dirty:'))) return -1;
  return Math.max(0, numberAt(text, pos + 14, eol));
}

/**
 * Fast mode: data = Pss_Anon, text = Pss_File, shOth = Pss_Shmem,
 * pswap = SwapPss.
 *
 * ptotal is the rollup's own `Pss` line (plus SwapPss when zRAM is active), not the
 * sum Pss_Anon + Pss_File + Pss_Shmem: the kernel accumulates Pss and each of the
 * three parts separately with sub-KB precision and then truncates each to KB, so the
 * sum of the parts can be 1–2 KB below Pss. On kernels without the Pss_* breakdown
 * Pss is still right.
 */
export function rollupToMem(r: Rollup, zramActive: boolean): Mem {
  return {
    pswap: r.swapPss,
    shSYSV: 0,
    shOth: r.pssShmem,
    stack: 0,
    text: r.pssFile,
    data: r.pssAnon,
    ptotal: r.pss + (zramActive ? r.swapPss : 0),
    uss: r.uss,
    epss: r.pss + r.swapPss,
  };
}

// Mapping categories (docs/columns.md#detail-mode-every-mapping).
const CAT_SYSV = 0;
const CAT_SHOTH = 1;
const CAT_STACK = 2;
const CAT_DATA = 3;
const CAT_TEXT = 4;
/** Added to a header's category when the mapping is of shared memory (see isShmemName). */
const SHMEM_FLAG = 8;

/**
 * Names of mappings whose pages are shmem (what the rollup counts as Pss_Shmem): SysV
 * segments (`/SYSV0000002a (deleted)`), POSIX shared memory in /dev/shm, memfds
 * (`/memfd:name (deleted)`), shared anonymous memory (`/dev/zero (deleted)`, or
 * `[anon_shmem:name]` when named). An approximation: a mapping of a file in another
 * tmpfs (/tmp, /run) is shmem too but cannot be told from a disk file by its name, and
 * pages a private mapping of these has copied on write are anonymous, not shmem.
 */
const SHMEM_PREFIXES = ['/SYSV', '/dev/shm/', '/memfd:', '/dev/zero (deleted)', '[anon_shmem'];

function isShmemName(text: string, start: number, end: number): boolean {
  // Most names are libraries and files: one compare rules them out.
  const c = text.charCodeAt(start + 1);
  if (end <= start || !(c === C_S || c === C_d || c === C_m || c === LA)) return false;
  for (const p of SHMEM_PREFIXES) if (end - start >= p.length && matchAt(text, start, p)) return true;
  return false;
}

/** text.startsWith(word, pos) without a call into the runtime (on the parse's hot path). */
function matchAt(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(pos + i) !== word.charCodeAt(i)) return false;
  return true;
}

function isHex(c: number): boolean {
  return (c >= D0 && c <= D9) || (c >= LA && c <= LF) || (c >= UA && c <= UF);
}

/**
 * Where the name of a mapping header line `start-end perms offset dev inode [name]`
 * spanning [pos, eol) starts (eol when it has none); -1 when the line is not a header.
 * The perms are the four characters at the first space + 1.
 */
export function headerNameAt(text: string, pos: number, eol: number): number {
  // start-end: hex digits, a '-', hex digits, then a space.
  const sp = text.indexOf(' ', pos);
  if (sp < 0 || sp >= eol) return -1;
  let dash = -1;
  for (let i = pos; i < sp; i++) {
    const c = text.charCodeAt(i);
    if (c === DASH) {
      if (dash >= 0) return -1;
      dash = i;
    } else if (!isHex(c)) {
      return -1;
    }
  }
  if (dash <= pos || dash === sp - 1) return -1;
  // perms: 4 characters, e.g. "rw-p", "r--s", "---p".
  if (sp + 5 > eol) return -1;
  // Skip perms, offset, dev, inode (4 fields) to the name.
  let i = sp + 1;
  for (let f = 0; f < 4; f++) {
    while (i < eol && text.charCodeAt(i) !== SP) i++;
    while (i < eol && text.charCodeAt(i) === SP) i++;
  }
  return i;
}

/** The end of a header's name: eol without trailing blanks (and a CR). */
export function headerNameEnd(text: string, nameAt: number, eol: number): number {
  let nameEnd = eol;
  while (nameEnd > nameAt) {
    const c = text.charCodeAt(nameEnd - 1);
    if (c !== SP && c !== TAB && c !== CR) break;
    nameEnd--;
  }
  return nameEnd;
}

/** Whether a mapping's name [i, end) holds "SYSV" (e.g. "/SYSV0000002a (deleted)"). */
export function isSysvName(text: string, i: number, end: number): boolean {
  for (let j = i; j + 4 <= end; j++) {
    if (text.charCodeAt(j) === C_S && text.startsWith('SYSV', j)) return true;
  }
  return false;
}

/**
 * Categorise a mapping header line that spans [pos, eol). Returns -1 when the line
 * is not a header.
 */
function headerCategory(text: string, pos: number, eol: number): number {
  const i = headerNameAt(text, pos, eol);
  if (i < 0) return -1;
  const p = text.indexOf(' ', pos) + 1;
  const p1 = text.charCodeAt(p + 1);
  const shared = text.charCodeAt(p + 3) === C_s;
  const nameEnd = headerNameEnd(text, i, eol);
  const shm = isShmemName(text, i, nameEnd) ? SHMEM_FLAG : 0;
  if (shared) return (isSysvName(text, i, nameEnd) ? CAT_SYSV : CAT_SHOTH) | shm;
  if (nameEnd - i === 7 && text.startsWith('[stack]', i)) return CAT_STACK;
  if (p1 === C_w) return CAT_DATA | shm;
  // Guard pages ("---p") have Pss 0; they go with data.
  if (text.startsWith('---p', p)) return CAT_DATA;
  return CAT_TEXT | shm;
}

/** What parseSmapsDetail can tell besides the categories. */
export interface SmapsExtra {
  /** Estimated Pss_Shmem (KB): the Pss of the mappings isShmemName names. smaps has no Pss_Shmem line per mapping. */
  pssShmem: number;
}

/**
 * Where the lines parseSmapsDetail reads sit in a record, as offsets from the newline that
 * ends its header: the kernel prints every record's attribute lines in one order and, while
 * each figure fits its 8-character column, at the same widths. Learnt from the first record
 * read line by line; each later record is checked against it (the label at each offset,
 * and `VmFlags:`, the last line, after every figure) and read line by line when it differs.
 */
interface RecordLayout {
  pss: number;
  privateClean: number;
  privateDirty: number;
  swapPss: number;
  vmFlags: number;
}

const NL_PSS = '\nPss:';
const NL_PRIVATE_CLEAN = '\nPrivate_Clean:';
const NL_PRIVATE_DIRTY = '\nPrivate_Dirty:';
const NL_SWAP_PSS = '\nSwapPss:';
const NL_VMFLAGS = '\nVmFlags:';

/** What one record's attribute lines gave (-1: that line was absent). */
interface RecordFigures {
  pss: number;
  uss: number;
  swapPss: number;
}

/**
 * Read the record whose header line ends at `h` through a learnt layout; null when it does not
 * match (the caller then reads the record line by line). Returns where the next record starts.
 */
function readByLayout(text: string, h: number, lay: RecordLayout, out: RecordFigures): number {
  if (
    !matchAt(text, h + lay.vmFlags, NL_VMFLAGS) ||
    !matchAt(text, h + lay.pss, NL_PSS) ||
    !matchAt(text, h + lay.privateClean, NL_PRIVATE_CLEAN) ||
    !matchAt(text, h + lay.privateDirty, NL_PRIVATE_DIRTY) ||
    !matchAt(text, h + lay.swapPss, NL_SWAP_PSS)
  ) {
    return -1;
  }
  const len = text.length;
  out.pss = numberAt(text, h + lay.pss + NL_PSS.length, len);
  out.uss = Math.max(0, numberAt(text, h + lay.privateClean + NL_PRIVATE_CLEAN.length, len)) +
    Math.max(0, numberAt(text, h + lay.privateDirty + NL_PRIVATE_DIRTY.length, len));
  out.swapPss = numberAt(text, h + lay.swapPss + NL_SWAP_PSS.length, len);
  const end = text.indexOf('\n', h + lay.vmFlags + 1);
  return end < 0 ? len : end + 1;
}

/**
 * Detail mode: walk the mappings of /proc/PID/smaps and add each mapping's `Pss`
 * to its category, its `SwapPss` to pswap and its private pages to uss. ptotal is the sum of
 * the categories (+ pswap when zRAM is active), i.e. exactly the sum of all `Pss:`
 * lines. Malformed lines are skipped; attribute lines before the first header are
 * ignored.
 *
 * Only these lines are looked at: headers (first character a hex digit, a '-' in
 * the first field), `Pss:`, `SwapPss:` and `Private_Clean:`/`Private_Dirty:` (for
 * uss). Every other attribute line (Pss_Dirty:, VmFlags:, …) is skipped after one
 * or two charCodeAt. After the first record, records the kernel printed alike are read
 * at the offsets it showed (RecordLayout): finding each line end was most of the parse.
 */
export function parseSmapsDetail(text: string, zramActive: boolean, extra?: SmapsExtra): Mem {
  let shmemPss = 0;
  let shm = false;
  let sysv = 0;
  let shOth = 0;
  let stack = 0;
  let data = 0;
  let txt = 0;
  let pswap = 0;
  let uss = 0;
  let cat = -1;
  const add = (v: number) => {
    if (shm) shmemPss += v;
    switch (cat) {
      case CAT_SYSV: sysv += v; break;
      case CAT_SHOTH: shOth += v; break;
      case CAT_STACK: stack += v; break;
      case CAT_DATA: data += v; break;
      default: txt += v; break;
    }
  };
  // The layout being learnt from the record read line by line (offsets from its header's newline; -1 = not seen).
  let lay: RecordLayout | null = null;
  let h = -1;
  let learn: RecordLayout | null = null;
  const fig: RecordFigures = { pss: -1, uss: 0, swapPss: -1 };
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = text.charCodeAt(pos);
    if (c === C_P) {
      // "Pss:" (not "Pss_Dirty:", …), "Private_Clean:" and "Private_Dirty:"
      if (cat >= 0 && text.charCodeAt(pos + 1) === C_r) {
        const v = privateAt(text, pos, eol);
        if (v > 0) uss += v;
        if (learn && v >= 0) {
          if (text.charCodeAt(pos + 8) === C_C) learn.privateClean = pos - 1 - h;
          else learn.privateDirty = pos - 1 - h;
        }
      } else if (cat >= 0 && text.charCodeAt(pos + 3) === COLON && text.charCodeAt(pos + 1) === C_s &&
          text.charCodeAt(pos + 2) === C_s) {
        const v = numberAt(text, pos + 4, eol);
        if (v > 0) add(v);
        if (learn) learn.pss = pos - 1 - h;
      }
    } else if (c === C_S) {
      // "SwapPss:" (not "Swap:", "Size:", "Shared_*:")
      if (cat >= 0 && text.charCodeAt(pos + 7) === COLON && text.startsWith('SwapPss:', pos)) {
        const v = numberAt(text, pos + 8, eol);
        if (v > 0) pswap += v;
        if (learn) learn.swapPss = pos - 1 - h;
      }
    } else if (c === C_V) {
      if (learn && text.startsWith('VmFlags:', pos)) {
        learn.vmFlags = pos - 1 - h;
        if (learn.pss >= 0 && learn.privateClean >= 0 && learn.privateDirty >= 0 && learn.swapPss >= 0) lay = learn;
        learn = null;
      }
    } else if ((c >= D0 && c <= D9) || (c >= LA && c <= LF)) {
      // Kernels print addresses in lower-case hex; attribute names start upper-case.
      const k = headerCategory(text, pos, eol);
      if (k >= 0) {
        cat = k & ~SHMEM_FLAG;
        shm = (k & SHMEM_FLAG) !== 0;
        h = eol;
        learn = null;
        if (lay) {
          const next = readByLayout(text, h, lay, fig);
          if (next >= 0) {
            if (fig.pss > 0) add(fig.pss);
            uss += fig.uss;
            if (fig.swapPss > 0) pswap += fig.swapPss;
            pos = next;
            continue;
          }
        } else {
          learn = { pss: -1, privateClean: -1, privateDirty: -1, swapPss: -1, vmFlags: -1 };
        }
      }
    }
    pos = eol + 1;
  }
  if (extra) extra.pssShmem = shmemPss;
  const pss = sysv + shOth + stack + txt + data;
  return { pswap, shSYSV: sysv, shOth, stack, text: txt, data, ptotal: pss + (zramActive ? pswap : 0), uss, epss: pss + pswap };
}
