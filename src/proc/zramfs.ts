// The zRAM devices (docs/columns.md#the-second-line), summed: read by the sampler every sample and by
// the status bar for its tooltip.
import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { parseDisksize, parseZramMmStat } from '../core/procfiles';
import type { ZramStats } from '../core/types';
import { readText } from './readfile';

/** Sum of the active zram devices under `root`; null when none is active (disksize 0 or absent). */
export function readZramStats(root: string): ZramStats | null {
  const dir = posix.join(root, 'sys/class/block');
  let devs: string[];
  try {
    devs = readdirSync(dir).filter((d) => /^zram\d+$/.test(d));
  } catch {
    return null;
  }
  let sum: ZramStats | null = null;
  for (const d of devs.sort()) {
    const size = parseDisksize(readText(posix.join(dir, d, 'disksize')).text ?? '');
    if (!(size > 0)) continue; // an uninitialised device is not active (the original counted it)
    const mm = parseZramMmStat(readText(posix.join(dir, d, 'mm_stat')).text ?? '');
    if (!mm) continue;
    sum ??= { origDataSize: 0, comprDataSize: 0, memUsedTotal: 0, memLimit: 0, disksize: 0 };
    sum.origDataSize += mm.origDataSize;
    sum.comprDataSize += mm.comprDataSize;
    sum.memUsedTotal += mm.memUsedTotal;
    sum.memLimit += mm.memLimit;
    sum.disksize += size;
  }
  return sum;
}
