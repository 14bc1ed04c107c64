// Reads one process's mappings for `pmemstat --maps PID` and the helper's `maps` request.
// The process is named by pid and, from the panel, its start time: a pid reused by another
// process since the panel saw it is refused, and so is one that changed while smaps was read.
// Only a process (a thread-group leader) is read, and at most SMAPS_READ_MAX of its smaps.
import { posix } from 'node:path';
import { groupMaps, wholeSmapsRecords } from '../core/maps';
import { parsePidStat } from '../core/procfiles';
import { threadRefusal } from '../proc/leader';
import { useTree } from '../proc/tree';
import { isDenied, readText, readTextYielding, SMAPS_READ_MAX } from '../proc/readfile';
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

type Start = { starttime: number; kthread: boolean };
type SmapsText = { text: string; code: null; cut: boolean } | { text: null; code: string };

/** The process as named, or why it has no mappings to show. */
function check(root: string, pid: number, starttime: number | null, asRoot: boolean): Start | MapsResult {
  useTree(root);
  const before = startOf(root, pid);
  if (before === 'denied') return { ok: false, outcome: 'not-permitted', message: deniedText(`/proc/${pid}/stat`, asRoot) };
  if (!before) return { ok: false, outcome: 'not-found', message: `no process ${pid}` };
  if (starttime !== null && before.starttime !== starttime) {
    return { ok: false, outcome: 'pid-reused', message: `pid ${pid} now belongs to another process (start time ${before.starttime}, not ${starttime})` };
  }
  const thread = threadRefusal(pid, root);
  if (thread) return { ok: false, outcome: 'not-found', message: thread };
  if (before.kthread) return { ok: false, outcome: 'kernel-thread', message: `${pid} is a kernel thread: it has no mappings of its own` };
  return before;
}

/** Its mappings from the smaps text read, if the process is still the one named. */
function grouped(root: string, pid: number, before: Start, r: SmapsText, asRoot: boolean): MapsResult {
  if (r.text === null) {
    return isDenied(r.code)
      ? { ok: false, outcome: 'not-permitted', message: deniedText(`/proc/${pid}/smaps`, asRoot) }
      : { ok: false, outcome: 'not-found', message: `no process ${pid}` };
  }
  const after = startOf(root, pid);
  if (after === null || after === 'denied' || after.starttime !== before.starttime) {
    return { ok: false, outcome: 'pid-reused', message: `pid ${pid} exited or was reused while its mappings were read` };
  }
  const zram = readZramStats(root) !== null;
  if (!r.cut) return { ok: true, pid, starttime: before.starttime, maps: groupMaps(r.text, zram) };
  // Too large to read whole: the whole records read, and the view says so.
  const whole = wholeSmapsRecords(r.text);
  return { ok: true, pid, starttime: before.starttime, maps: { ...groupMaps(whole, zram), cut: whole.length } };
}

const smapsPath = (root: string, pid: number) => posix.join(root, 'proc', String(pid), 'smaps');

/** The grouped mappings of `pid` under `root`; with `starttime`, only of that very process. */
export function readProcessMaps(root: string, pid: number, starttime: number | null, asRoot = process.getuid?.() === 0): MapsResult {
  const before = check(root, pid, starttime, asRoot);
  if ('ok' in before) return before;
  return grouped(root, pid, before, readText(smapsPath(root, pid), false, SMAPS_READ_MAX), asRoot);
}

/** readProcessMaps for the helper: the read lets its other requests in between (readTextYielding). */
export async function readProcessMapsYielding(root: string, pid: number, starttime: number | null, asRoot = process.getuid?.() === 0): Promise<MapsResult> {
  const before = check(root, pid, starttime, asRoot);
  if ('ok' in before) return before;
  return grouped(root, pid, before, await readTextYielding(smapsPath(root, pid), SMAPS_READ_MAX), asRoot);
}
