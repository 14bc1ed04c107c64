// Parsers of the per-process extras (docs/columns.md): transparent huge pages (AnonHugePages,
// which parseRollup reads from smaps_rollup; smaps' per-mapping lines are summed here) and
// KSM-merged pages (/proc/PID/ksm_stat). Pure and I/O-free.

const ANON_HUGE = '\nAnonHugePages:';

/** The decimal number after `pos` (blanks skipped), or -1 when there is none. */
function numberAfter(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  let n = 0;
  let any = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    any = true;
  }
  return any ? n : -1;
}

/**
 * The sum of every mapping's `AnonHugePages:` line of /proc/PID/smaps (KB): what the rollup's
 * one line says, for a detail read without the rollup. Malformed lines count as 0.
 */
export function smapsAnonHugeKb(text: string): number {
  let sum = 0;
  for (let at = text.indexOf(ANON_HUGE); at >= 0; at = text.indexOf(ANON_HUGE, at + ANON_HUGE.length)) {
    const v = numberAfter(text, at + ANON_HUGE.length);
    if (v > 0) sum += v;
  }
  return sum;
}

/**
 * `ksm_merging_pages` of /proc/PID/ksm_stat (pages of the process that KSM merged), or null
 * when the file has no such line (an older kernel's file has ksm_rmap_items alone; garbage).
 */
export function parseKsmStat(text: string): number | null {
  for (const line of text.split('\n')) {
    const m = /^ksm_merging_pages\s+(\d+)\s*$/.exec(line);
    if (m) {
      const n = Number(m[1]);
      return Number.isSafeInteger(n) ? n : null;
    }
  }
  return null;
}

/** KB of `pages` pages of `pageSize` bytes. */
export function pagesKb(pages: number, pageSize: number): number {
  return Math.round((pages * pageSize) / 1024);
}

/** AT_PAGESZ, the kernel's page size, from /proc/self/auxv (64-bit little-endian pairs), or null. */
export function auxvPageSize(auxv: Uint8Array): number | null {
  const AT_PAGESZ = 6n;
  const v = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  for (let o = 0; o + 16 <= auxv.byteLength; o += 16) {
    const type = v.getBigUint64(o, true);
    if (type === 0n) break;
    if (type === AT_PAGESZ) {
      const n = Number(v.getBigUint64(o + 8, true));
      return n > 0 && (n & (n - 1)) === 0 ? n : null;
    }
  }
  return null;
}
