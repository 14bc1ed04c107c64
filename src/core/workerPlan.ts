// How many worker threads a one-shot sample starts, from how many cores are free at its first
// line. On a machine whose cores are all taken a worker does not read in parallel: it takes
// turns with the main thread and adds its own start-up and JIT (90–160 ms of CPU measured on a
// loaded 2-core machine) for no wall time. Pure: test/unit/workerPlan.test.ts.

/** At most this many workers, however many cores are free (more share the kernel's locks for little). */
export const MAX_WORKERS = 3;

/**
 * The running count of /proc/loadavg ("0.50 0.40 0.30 3/2183 23578": the 4th field is
 * runnable tasks / all tasks, sampled at the read); null when the text is not of that shape.
 */
export function runnableTasks(loadavg: string): number | null {
  const m = /^\S+ \S+ \S+ (\d+)\/\d+ /.exec(loadavg);
  return m ? Number(m[1]) : null;
}

/**
 * Workers for `cpus` usable cores (sched affinity) when /proc/loadavg reads `loadavg` (null:
 * unreadable). The runnable count includes the reader itself; each other runnable task takes a
 * core, the main thread one more, and a worker goes on each core left over. Without the
 * count, a worker on every core but one.
 */
export function workersForFreeCores(cpus: number, loadavg: string | null): number {
  const all = Math.max(0, Math.min(cpus - 1, MAX_WORKERS));
  const running = loadavg === null ? null : runnableTasks(loadavg);
  if (running === null) return all;
  const others = Math.max(0, running - 1);
  return Math.max(0, Math.min(all, cpus - others - 1));
}
