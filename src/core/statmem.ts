// Whether a process's memory can have changed between two reads of its /proc/PID/stat: the
// walk budget walks a process's page tables again at once only then (src/core/walkbudget.ts).
// Its CPU times, state or processor moving says nothing about its memory; its page-fault
// counters (a page touched for the first time or brought back from swap), its virtual size
// (mmap, munmap, brk) and its resident set (pages freed, reclaimed or swapped out) do.

/** proc(5) fields that follow the process's memory: minflt, majflt, vsize, rss. */
const MEM_FIELDS = [10, 12, 23, 24];
const LAST = MEM_FIELDS[MEM_FIELDS.length - 1];

/**
 * The memory fields of a stat line, as their text joined by spaces; null when the line is
 * cut or malformed. Scanned from the last ')' since comm may hold spaces and parentheses.
 */
export function statMemoryKey(stat: Uint8Array | null): string | null {
  if (stat === null) return null;
  const close = stat.lastIndexOf(0x29);
  if (close < 0) return null;
  let key = '';
  let field = 2; // comm
  let i = close + 1;
  const end = stat.length;
  while (i < end && field < LAST) {
    while (i < end && (stat[i] === 0x20 || stat[i] === 0x0a)) i++;
    if (i >= end) break;
    field++;
    const start = i;
    while (i < end && stat[i] !== 0x20 && stat[i] !== 0x0a) i++;
    if (MEM_FIELDS.includes(field)) key += (key ? ' ' : '') + String.fromCharCode(...stat.subarray(start, i));
  }
  return field === LAST ? key : null;
}

/** Whether the memory fields differ between two stat reads (unknown on either side counts as moved). */
export function memoryMoved(before: Uint8Array | null, after: Uint8Array | null): boolean {
  const a = statMemoryKey(before);
  return a === null || a !== statMemoryKey(after);
}
