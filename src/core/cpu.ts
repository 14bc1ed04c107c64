// CPU% over a moving window: ncpu × 100 × Δ(utime+stime) / Δ(total ticks).
// Not normalised: four busy CPUs read 400 % (docs/columns.md#the-other-columns).

/** Clock ticks a second of /proc/PID/stat (USER_HZ: 100 on every Linux architecture node runs on). */
export const USER_HZ = 100;

/**
 * CPU% since the process started, as `ps` shows it: its utime+stime over the time since its
 * start (`starttime`, ticks after boot; `uptimeSecs` from /proc/uptime). For a single sample,
 * which has no window to measure over.
 */
export function cpuSinceStart(ticks: number, starttime: number, uptimeSecs: number, hz = USER_HZ): number {
  const elapsed = uptimeSecs * hz - starttime;
  return elapsed > 0 && ticks > 0 ? (100 * ticks) / elapsed : 0;
}

interface Point {
  time: number;
  ticks: number;
  total: number;
}

/** Keeps a short history per process (pid + start time) and answers its CPU%. */
export class CpuTracker {
  private hist = new Map<string, Point[]>();
  private seen = new Set<string>();

  constructor(public avgSecs = 20) {}

  /** Start a sample: processes not updated before `endSample` are forgotten. */
  beginSample(): void {
    this.seen.clear();
  }

  /**
   * Record a process's ticks at `time` (ms) and return its CPU% over the window
   * (0 for a process seen for the first time).
   */
  update(id: string, time: number, ticks: number, totalTicks: number, ncpu: number): number {
    this.seen.add(id);
    let pts = this.hist.get(id);
    if (!pts) {
      pts = [];
      this.hist.set(id, pts);
    }
    pts.push({ time, ticks, total: totalTicks });
    // Keep the newest point that is at least the window old, as the base.
    const horizon = time - this.avgSecs * 1000;
    while (pts.length > 2 && pts[1].time <= horizon) pts.shift();
    const base = pts[0];
    const dTotal = totalTicks - base.total;
    if (pts.length < 2 || dTotal <= 0) return 0;
    const pct = (ncpu * 100 * (ticks - base.ticks)) / dTotal;
    return pct > 0 ? pct : 0;
  }

  endSample(): void {
    for (const id of this.hist.keys()) if (!this.seen.has(id)) this.hist.delete(id);
  }
}
