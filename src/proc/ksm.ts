// The KSM figure of one process: /proc/PID/ksm_stat (where the kernel has it; root-only). Read only
// while the `ksm` column is shown (the Monitor's needs, src/core/figures.ts).
import { readFileSync } from 'node:fs';
import { auxvPageSize, pagesKb, parseKsmStat } from '../core/procExtras';
import { readText } from './readfile';

let pageSize: number | undefined;

/** The kernel's page size: AT_PAGESZ of this process's auxv (4096 where it cannot be read). */
export function systemPageSize(): number {
  if (pageSize === undefined) {
    let bytes: Uint8Array | null = null;
    try {
      bytes = readFileSync('/proc/self/auxv');
    } catch {
      bytes = null;
    }
    pageSize = (bytes && auxvPageSize(bytes)) ?? 4096;
  }
  return pageSize;
}

/** KB of the process's KSM-merged pages, or undefined: no such file (the kernel has none), unreadable, or no figure in it. */
export function readKsmKb(path: string): number | undefined {
  // A few lines from the kernel; a crafted tree's (--root) may be anything: read no more than a page.
  const text = readText(path, false, 4096).text;
  if (text === null) return undefined;
  const pages = parseKsmStat(text);
  return pages === null ? undefined : pagesKb(pages, systemPageSize());
}
