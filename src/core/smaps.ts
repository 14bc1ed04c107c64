// Parsers for /proc/PID/smaps_rollup (fast mode) and /proc/PID/smaps (detail mode):
// docs/columns.md#the-columns. Pure and I/O-free; both are on the sampling hot path,
// so they are hand-written scanners over the string (indexOf / charCodeAt): no
// regex, no split into lines, no substring allocation per line.

import type { Mem, Rollup } from './types';
import { latin1Bytes, parseSmapsDetailBytes } from './smapsBytes';

export { headerNameAt, headerNameEnd, isSysvName } from './smapsHeader';

const SP = 32; // ' '
const TAB = 9; // '\t'
const D0 = 48; // '0'
const D9 = 57; // '9'
const UA = 65; // 'A'

const C_P = 80; // 'P'
const C_S = 83; // 'S'
const C_r = 114; // 'r'

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
  /** Estimated Pss_Shmem (KB): the Pss of the mappings smapsBytes.ts's SHMEM_PREFIXES name. smaps has no Pss_Shmem line per mapping. */
  pssShmem: number;
  /**
   * The sum of the `AnonHugePages:` lines (KB), what the rollup's one line says (the `thp`
   * column): read in the same pass (a second scan of the text was ~2 % of a one-shot -o).
   */
  anonHuge?: number;
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
 * or two byte compares. After the first record, records the kernel printed alike are read
 * at the offsets it showed (smapsBytes.ts): finding each line end was most of the parse.
 * The sampler parses the bytes it read (parseSmapsDetailBytes); this is the same parse of a
 * latin1 string, as readFileSync(…, 'latin1') gives.
 */
export function parseSmapsDetail(text: string, zramActive: boolean, extra?: SmapsExtra): Mem {
  return parseSmapsDetailBytes(latin1Bytes(text), zramActive, extra);
}
