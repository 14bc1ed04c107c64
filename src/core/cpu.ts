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

/**
 * One process's points (time, ticks, total ticks), oldest first, in a ring of triples: the
 * tracker is updated for every process every tick, and a ring that only moves its head makes
 * no garbage once it has grown to the window's length.
 */
interface Points {
  /** The sample that last updated it (see beginSample). */
  stamp: number;
  head: number;
  len: number;
  ring: number[];
}

const at = (p: Points, k: number, field: number): number => p.ring[((p.head + k) % (p.ring.length / 3)) * 3 + field];

/**
 * Points kept apart by at least the window over this: a client asking for samples back to back
 * (20 ms apart at 2,000 processes) grew each ring to the window's thousand points, 50 MB in
 * all. The newest point moves until the next is this far on, so a ring holds at most this
 * many and two (the base's precision a 32nd of the window; at a 1 s tick of a 20 s window
 * every point is kept, as before).
 */
export const CPU_WINDOW_POINTS = 32;

/** Keeps a short history per process (pid + start time) and answers its CPU%. */
export class CpuTracker {
  private hist = new Map<string, Points>();
  private stamp = 0;

  constructor(public avgSecs = 20) {}

  /** Start a sample: processes not updated before `endSample` are forgotten. */
  beginSample(): void {
    this.stamp++;
  }

  /**
   * Record a process's ticks at `time` (ms) and return its CPU% over the window
   * (0 for a process seen for the first time).
   */
  update(id: string, time: number, ticks: number, totalTicks: number, ncpu: number): number {
    let pts = this.hist.get(id);
    if (!pts) {
      pts = { stamp: 0, head: 0, len: 0, ring: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
      this.hist.set(id, pts);
    }
    pts.stamp = this.stamp;
    let cap = pts.ring.length / 3;
    // Close behind the point before the newest: the newest moves on (see CPU_WINDOW_POINTS).
    if (pts.len >= 2 && time - at(pts, pts.len - 2, 0) < (this.avgSecs * 1000) / CPU_WINDOW_POINTS) pts.len--;
    if (pts.len === cap) {
      const ring: number[] = [];
      for (let k = 0; k < pts.len; k++) ring.push(at(pts, k, 0), at(pts, k, 1), at(pts, k, 2));
      for (let k = 0; k < cap; k++) ring.push(0, 0, 0);
      pts.ring = ring;
      pts.head = 0;
      cap *= 2;
    }
    const i = ((pts.head + pts.len) % cap) * 3;
    pts.ring[i] = time;
    pts.ring[i + 1] = ticks;
    pts.ring[i + 2] = totalTicks;
    pts.len++;
    // Keep the newest point that is at least the window old, as the base.
    const horizon = time - this.avgSecs * 1000;
    while (pts.len > 2 && at(pts, 1, 0) <= horizon) {
      pts.head = (pts.head + 1) % cap;
      pts.len--;
    }
    const dTotal = totalTicks - at(pts, 0, 2);
    if (pts.len < 2 || dTotal <= 0) return 0;
    const pct = (ncpu * 100 * (ticks - at(pts, 0, 1))) / dTotal;
    return pct > 0 ? pct : 0;
  }

  endSample(): void {
    this.hist.forEach((pts, id) => {
      if (pts.stamp !== this.stamp) this.hist.delete(id);
    });
  }
}
