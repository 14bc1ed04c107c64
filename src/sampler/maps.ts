// Reads one process's mappings for `pmemstat --maps PID` and the helper's `maps` request.
// The process is named by pid and, from the panel, its start time: a pid reused by another
// process since the panel saw it is refused, and so is one that changed while smaps was read.
import { posix } from 'node:path';
import { groupMaps } from '../core/maps';
import { parsePidStat } from '../core/procfiles';
import { isDenied, readText } from '../proc/readfile';
import { readZramStats } from '../proc/zramfs';
import type { MapsResult } from '../shared/mapsSchema';

function startOf(root: string, pid: number): { starttime: number; kthread: boolean } | 'denied' | null {
  const r = readText(posix.join(root, 'proc', String(pid), 'stat'));
  if (r.text === null) return isDenied(r.code) ? 'denied' : null;
  const st = parsePidStat(r.text);
  return st && st.pid === pid ? { starttime: st.starttime, kthread: st.kthread } : null;
}

/**
 * Why a /proc file of another process was refused: to a user, it is another user's (root would
 * read it); to root, a container, sandbox or the kernel limits /proc (as the panel's banner says).
 */
export function deniedText(path: string, asRoot: boolean): string {
  return asRoot
    ? `${path} is not readable even as root: a container or sandbox (or the kernel) limits /proc`
    : `${path} is not readable (another user's process: run as root)`;
}

/** The grouped mappings of `pid` under `root`; with `starttime`, only of that very process. */
export function readProcessMaps(root: string, pid: number, starttime: number | null, asRoot = process.getuid?.() === 0): MapsResult {
  const before = startOf(root, pid);
  if (before === 'denied') return { ok: false, outcome: 'not-permitted', message: deniedText(`/proc/${pid}/stat`, asRoot) };
  if (!before) return { ok: false, outcome: 'not-found', message: `no process ${pid}` };
  if (starttime !== null && before.starttime !== starttime) {
    return { ok: false, outcome: 'pid-reused', message: `pid ${pid} now belongs to another process (start time ${before.starttime}, not ${starttime})` };
  }
  if (before.kthread) return { ok: false, outcome: 'kernel-thread', message: `${pid} is a kernel thread: it has no mappings of its own` };
  const r = readText(posix.join(root, 'proc', String(pid), 'smaps'));
  if (r.text === null) {
    return isDenied(r.code)
      ? { ok: false, outcome: 'not-permitted', message: deniedText(`/proc/${pid}/smaps`, asRoot) }
      : { ok: false, outcome: 'not-found', message: `no process ${pid}` };
  }
  const after = startOf(root, pid);
  if (after === null || after === 'denied' || after.starttime !== before.starttime) {
    return { ok: false, outcome: 'pid-reused', message: `pid ${pid} exited or was reused while its mappings were read` };
  }
  return { ok: true, pid, starttime: before.starttime, maps: groupMaps(r.text, readZramStats(root) !== null) };
}
