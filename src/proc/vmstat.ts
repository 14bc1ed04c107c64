// The system-wide count of OOM kills since boot: /proc/vmstat's oom_kill line (kernels ≥ 4.13).
import { posix } from 'node:path';
import { parseOomKillCount } from '../core/oomlog';
import { readText } from './readfile';

/** /proc/vmstat's oom_kill under `root` (null: unreadable, or a kernel without it). */
export function readOomKillCount(root = '/'): number | null {
  return parseOomKillCount(readText(posix.join(root, 'proc/vmstat')).text);
}
