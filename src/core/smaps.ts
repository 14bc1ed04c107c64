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

/**
 * Parse the decimal number that follows position `pos` (after optional blanks),
 * up to the first non-digit. Returns -1 when there is no digit.
 */
function numberAt(text: string, pos: number, end: number): number {
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
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = text.charCodeAt(pos);
    if (c === C_P) {
      // Pss:, Pss_Anon:, Pss_File:, Pss_Shmem: (Pss_Dirty: is ignored)
      if (startsAt(text, pos, 'Pss:')) {
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
  return { pss, pssAnon, pssFile, pssShmem, swapPss };
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
  };
}

// Mapping categories (docs/columns.md#detail-mode-every-mapping).
const CAT_SYSV = 0;
const CAT_SHOTH = 1;
const CAT_STACK = 2;
const CAT_DATA = 3;
const CAT_TEXT = 4;

function isHex(c: number): boolean {
  return (c >= D0 && c <= D9) || (c >= LA && c <= LF) || (c >= UA && c <= UF);
}

/**
 * Categorise a mapping header line `start-end perms offset dev inode [name]` that
 * spans [pos, eol). Returns -1 when the line is not a header.
 */
function headerCategory(text: string, pos: number, eol: number): number {
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
  const p = sp + 1;
  if (p + 4 > eol) return -1;
  const p1 = text.charCodeAt(p + 1);
  const p3 = text.charCodeAt(p + 3);
  const shared = p3 === C_s;
  // Skip perms, offset, dev, inode (4 fields) to the name.
  let i = p;
  for (let f = 0; f < 4; f++) {
    while (i < eol && text.charCodeAt(i) !== SP) i++;
    while (i < eol && text.charCodeAt(i) === SP) i++;
  }
  let nameEnd = eol;
  while (nameEnd > i) {
    const c = text.charCodeAt(nameEnd - 1);
    if (c !== SP && c !== TAB && c !== CR) break;
    nameEnd--;
  }
  if (shared) {
    // Name contains "SYSV" (e.g. "/SYSV0000002a (deleted)").
    for (let j = i; j + 4 <= nameEnd; j++) {
      if (text.charCodeAt(j) === C_S && text.startsWith('SYSV', j)) return CAT_SYSV;
    }
    return CAT_SHOTH;
  }
  if (nameEnd - i === 7 && text.startsWith('[stack]', i)) return CAT_STACK;
  if (p1 === C_w) return CAT_DATA;
  // Guard pages ("---p") have Pss 0; they go with data.
  if (text.startsWith('---p', p)) return CAT_DATA;
  return CAT_TEXT;
}

/**
 * Detail mode: walk the mappings of /proc/PID/smaps and add each
 * mapping's `Pss` to its category and its `SwapPss` to pswap. ptotal is the sum of
 * the categories (+ pswap when zRAM is active), i.e. exactly the sum of all `Pss:`
 * lines. Malformed lines are skipped; attribute lines before the first header are
 * ignored.
 *
 * Only three kinds of line are looked at: headers (first character a hex digit,
 * a '-' in the first field), `Pss:` and `SwapPss:`. Every other attribute line
 * (Pss_Dirty:, Private_*:, VmFlags:, …) is skipped after one charCodeAt.
 */
export function parseSmapsDetail(text: string, zramActive: boolean): Mem {
  let sysv = 0;
  let shOth = 0;
  let stack = 0;
  let data = 0;
  let txt = 0;
  let pswap = 0;
  let cat = -1;
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = text.charCodeAt(pos);
    if (c === C_P) {
      // "Pss:" (not "Pss_Dirty:", "Private_Clean:", …)
      if (cat >= 0 && text.charCodeAt(pos + 3) === COLON && text.charCodeAt(pos + 1) === C_s &&
          text.charCodeAt(pos + 2) === C_s) {
        const v = numberAt(text, pos + 4, eol);
        if (v > 0) {
          switch (cat) {
            case CAT_SYSV: sysv += v; break;
            case CAT_SHOTH: shOth += v; break;
            case CAT_STACK: stack += v; break;
            case CAT_DATA: data += v; break;
            default: txt += v; break;
          }
        }
      }
    } else if (c === C_S) {
      // "SwapPss:" (not "Swap:", "Size:", "Shared_*:")
      if (cat >= 0 && text.charCodeAt(pos + 7) === COLON && text.startsWith('SwapPss:', pos)) {
        const v = numberAt(text, pos + 8, eol);
        if (v > 0) pswap += v;
      }
    } else if ((c >= D0 && c <= D9) || (c >= LA && c <= LF)) {
      // Kernels print addresses in lower-case hex; attribute names start upper-case.
      const k = headerCategory(text, pos, eol);
      if (k >= 0) cat = k;
    }
    pos = eol + 1;
  }
  const ptotal = sysv + shOth + stack + txt + data + (zramActive ? pswap : 0);
  return { pswap, shSYSV: sysv, shOth, stack, text: txt, data, ptotal };
}
