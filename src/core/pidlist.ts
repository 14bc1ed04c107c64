// The listing of /proc as pids, and the files that tell whether it can have changed.

/**
 * The pids among the names of /proc, in ascending order. The names come sorted as text
 * (libuv sorts a directory's entries with strcmp), and text order among names of one length
 * is numeric order: a pass that buckets them by length puts them in order without a sort.
 */
export function pidsOfNames(names: readonly string[]): number[] {
  const byLength: number[][] = [];
  for (const n of names) {
    const len = n.length;
    if (len === 0 || len > 10) continue;
    let ok = true;
    for (let i = 0; i < len; i++) {
      const c = n.charCodeAt(i);
      if (c < 48 || c > 57) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    (byLength[len] ??= []).push(Number(n));
  }
  const pids: number[] = [];
  for (const b of byLength) if (b) for (const p of b) pids.push(p);
  // Names that did not come in text order (another libc, a test's list): sort after all.
  for (let i = 1; i < pids.length; i++) if (pids[i - 1] >= pids[i]) return pids.sort((a, b) => a - b);
  return pids;
}

/**
 * The last pid the kernel allocated, from /proc/loadavg ("0.10 0.20 0.30 1/234 5678"): the
 * fifth field. Every process and thread created in this pid namespace or one below it takes
 * a pid here, so an unchanged figure means none was. null when the text is not that shape.
 */
export function lastPidOf(loadavg: string): number | null {
  const m = /^\S+ \S+ \S+ \d+\/\d+ (\d+)\s*$/.exec(loadavg);
  return m ? Number(m[1]) : null;
}

/**
 * Whether a process's /proc/self/status shows it in the pid namespace of the /proc it read:
 * NSpid lists its pid in that namespace and each one below it, so one figure means the same
 * namespace. false without the line (kernels before 4.1).
 */
export function sameProcPidNs(status: string): boolean {
  const m = /^NSpid:\s*(.*)$/m.exec(status);
  return m !== null && m[1].trim().split(/\s+/).length === 1;
}
