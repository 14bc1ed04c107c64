// Leak suspicion: a group whose ptotal kept rising over the last N samples.
import type { History } from './history';
import type { Units } from './types';
import { formatKb, withCommas } from './units';

export interface LeakOptions {
  /** Window: the last N sample-to-sample steps. */
  samples: number;
  /** The ptotal must have grown by at least this much (KB) over the window. */
  minGrowthKb: number;
}

export const DEFAULT_LEAK_OPTIONS: LeakOptions = { samples: 20, minGrowthKb: 1024 };

export interface LeakVerdict {
  suspect: boolean;
  /** ptotal growth over the window, KB. */
  growthKb: number;
  /** Samples of the window that stand above its first one (by more than the noise). */
  rises: number;
  /** Steps that gave back more than the noise. */
  falls: number;
  steps: number;
  /** Seconds the window spans. */
  seconds: number;
}

/**
 * Judge one series (oldest first) over its last `samples` steps. A leak rose in most
 * samples of the window (stands above where the window began), grew by minGrowthKb in
 * all, grew in at least two steps (one jump, a start-up allocation, is not a trend), gave
 * little back (at most a quarter of the steps fall), and is at or near its peak now.
 * Changes smaller than the noise — PSS of shared pages shifts by a few KB whenever any
 * other process maps or unmaps a library — count neither as rises nor as falls.
 */
export function judgeLeak(values: readonly number[], times: readonly number[], o: LeakOptions): LeakVerdict {
  const n = Math.min(values.length - 1, o.samples);
  const none: LeakVerdict = { suspect: false, growthKb: 0, rises: 0, falls: 0, steps: Math.max(0, n), seconds: 0 };
  if (n < o.samples || n < 2) return none; // not enough history yet
  const noise = Math.max(1, o.minGrowthKb / (2 * n));
  const start = values.length - 1 - n;
  const base = values[start];
  let rises = 0;
  let steps = 0;
  let falls = 0;
  let peak = base;
  for (let i = start + 1; i < values.length; i++) {
    if (values[i] - base > noise) rises++;
    const d = values[i] - values[i - 1];
    if (d > noise) steps++;
    else if (d < -noise) falls++;
    if (values[i] > peak) peak = values[i];
  }
  const last = values[values.length - 1];
  const growthKb = last - base;
  const nearPeak = peak - last <= o.minGrowthKb / 4;
  const suspect = growthKb >= o.minGrowthKb && rises * 2 > n && steps >= 2 && falls * 4 <= n && nearPeak;
  return { suspect, growthKb, rises, falls, steps: n, seconds: (times[times.length - 1] - times[start]) / 1000 };
}

/** Follows the groups of a History and says which became (or stopped being) suspects. */
export class LeakTracker {
  private flagged = new Set<string>();

  constructor(public opts: LeakOptions = DEFAULT_LEAK_OPTIONS) {}

  /** Re-judge every group; returns the groups flagged for the first time now. */
  update(history: History): { key: string; verdict: LeakVerdict }[] {
    const fresh: { key: string; verdict: LeakVerdict }[] = [];
    const now = new Set<string>();
    for (const key of history.keys()) {
      const s = history.series(key, 'ptotal', this.opts.samples + 1);
      const v = judgeLeak(s.values, s.times, this.opts);
      if (!v.suspect) continue;
      now.add(key);
      if (!this.flagged.has(key)) fresh.push({ key, verdict: v });
    }
    this.flagged = now;
    return fresh;
  }

  isSuspect(key: string): boolean {
    return this.flagged.has(key);
  }

  get count(): number {
    return this.flagged.size;
  }

  suspects(): string[] {
    return [...this.flagged];
  }

  clear(): void {
    this.flagged.clear();
  }
}

/**
 * A leak suspect in one line, as the CLI prints it and the panel's log records it:
 * `LEAK? memtest: +40,960K in 95s (rose in 19 of 20 samples, fell in 1); ptotal 120 MB`.
 */
export function leakLine(info: string, ptotalKb: number, v: Pick<LeakVerdict, 'growthKb' | 'seconds' | 'rises' | 'steps' | 'falls'>, units: Units): string {
  return (
    `LEAK? ${info}: +${withCommas(v.growthKb)}K in ${Math.round(v.seconds)}s` +
    ` (rose in ${v.rises} of ${v.steps} samples, fell in ${v.falls}); ptotal ${formatKb(ptotalKb, units)} ${units}`
  );
}
