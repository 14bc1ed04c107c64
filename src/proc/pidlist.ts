// Listing the live system's processes, and telling cheaply whether the listing can have changed.
import { readdirSync } from 'node:fs';
import { lastPidOf, pidsOfNames, sameProcPidNs } from '../core/pidlist';
import { readText } from './readfile';

/** The pids under `dir` (a /proc), ascending; [] when it cannot be read. */
export function listPidDir(dir: string): number[] {
  try {
    return pidsOfNames(readdirSync(dir));
  } catch {
    return [];
  }
}

/** The last pid allocated, from /proc/loadavg (null when unreadable or odd). */
export function readLastPid(): number | null {
  const t = readText('/proc/loadavg', true).text;
  return t === null ? null : lastPidOf(t);
}

let sameNs: boolean | undefined;

/** Whether /proc is the proc of this process's own pid namespace (read once: it cannot change). */
export function procIsOurPidNs(): boolean {
  sameNs ??= sameProcPidNs(readText('/proc/self/status').text ?? '');
  return sameNs;
}
