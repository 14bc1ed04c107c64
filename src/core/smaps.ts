// Parsers for /proc/PID/smaps_rollup (fast mode) and /proc/PID/smaps (detail mode):
// docs/columns.md#the-columns. Pure and I/O-free; both are on the sampling hot path,
// so they are hand-written scanners over the string (indexOf / charCodeAt): no
// regex, no split into lines, no substring allocation per line.

import type { Mem, Rollup } from './types';
import { CAT_DATA, CAT_SHOTH, CAT_STACK, CAT_SYSV, headerCategory, matchAt, SHMEM_FLAG } from './smapsHeader';

export { headerNameAt, headerNameEnd, isSysvName } from './smapsHeader';

const SP = 32; // ' '
const TAB = 9; // '\t'
const COLON = 58; // ':'
const D0 = 48; // '0'
const D9 = 57; // '9'
const UA = 65; // 'A'
const LA = 97; // 'a'
const LF = 102; // 'f'

const C_P = 80; // 'P'
const C_S = 83; // 'S'
const C_s = 115; // 's'
const C_r = 114; // 'r'
const C_C = 67; // 'C'
const C_V = 86; // 'V'

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

/** What parseSmapsDetail can tell besides the categories. */
export interface SmapsExtra {
  /** Estimated Pss_Shmem (KB): the Pss of the mappings isShmemName names. smaps has no Pss_Shmem line per mapping. */
  pssShmem: number;
  /**
   * The sum of the `AnonHugePages:` lines (KB), what the rollup's one line says (the `thp`
   * column): read in the same pass (a second scan of the text was ~2 % of a one-shot -o).
   */
  anonHuge?: number;
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
  /** -1: the record had no such line (it is then not read). */
  anonHuge: number;
  privateClean: number;
  privateDirty: number;
  swapPss: number;
  vmFlags: number;
}

const NL_PSS = '\nPss:';
const NL_PRIVATE_CLEAN = '\nPrivate_Clean:';
const NL_PRIVATE_DIRTY = '\nPrivate_Dirty:';
const NL_SWAP_PSS = '\nSwapPss:';
const NL_ANON_HUGE = '\nAnonHugePages:';
const NL_VMFLAGS = '\nVmFlags:';

/** What one record's attribute lines gave (-1: that line was absent). */
interface RecordFigures {
  pss: number;
  anonHuge: number;
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
    !matchAt(text, h + lay.swapPss, NL_SWAP_PSS) ||
    (lay.anonHuge >= 0 && !matchAt(text, h + lay.anonHuge, NL_ANON_HUGE))
  ) {
    return -1;
  }
  const len = text.length;
  out.pss = numberAt(text, h + lay.pss + NL_PSS.length, len);
  out.uss = Math.max(0, numberAt(text, h + lay.privateClean + NL_PRIVATE_CLEAN.length, len)) +
    Math.max(0, numberAt(text, h + lay.privateDirty + NL_PRIVATE_DIRTY.length, len));
  out.swapPss = numberAt(text, h + lay.swapPss + NL_SWAP_PSS.length, len);
  out.anonHuge = lay.anonHuge >= 0 ? numberAt(text, h + lay.anonHuge + NL_ANON_HUGE.length, len) : -1;
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
  let anonHuge = 0;
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
  const fig: RecordFigures = { pss: -1, anonHuge: -1, uss: 0, swapPss: -1 };
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
    } else if (c === UA) {
      // "AnonHugePages:", counted as smapsAnonHugeKb counts it: any such line after the first.
      if (pos > 0 && text.startsWith('AnonHugePages:', pos)) {
        const v = numberAt(text, pos + 14, eol);
        if (v > 0) anonHuge += v;
        if (learn) learn.anonHuge = pos - 1 - h;
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
            if (fig.anonHuge > 0) anonHuge += fig.anonHuge;
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
    extra.pssShmem = shmemPss;
    extra.anonHuge = anonHuge;
  }
  const pss = sysv + shOth + stack + txt + data;
  return { pswap, shSYSV: sysv, shOth, stack, text: txt, data, ptotal: pss + (zramActive ? pswap : 0), uss, epss: pss + pswap };
}
