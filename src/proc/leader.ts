// Whether a pid names a process or one of its threads: /proc/TID/stat is readable for any
// thread id (the directory is only left out of /proc's listing), and kill(2) given a thread
// id signals its whole process. The kill and maps paths accept only a thread-group leader.
import { posix } from 'node:path';
import { parseTgid } from '../core/procfiles';
import { readText } from './readfile';

/** The process `pid` is a thread of (its Tgid), `pid` itself for a leader; null if unknown. */
export function threadGroupOf(pid: number, root = '/'): number | null {
  const r = readText(posix.join(root, 'proc', String(pid), 'status'));
  return r.text === null ? null : parseTgid(r.text);
}

/** Why `pid` is no process of its own (a thread of another), or null. */
export function threadRefusal(pid: number, root = '/'): string | null {
  const tgid = threadGroupOf(pid, root);
  if (tgid === null || tgid === pid) return null;
  return `${pid} is a thread of process ${tgid}, not a process`;
}
