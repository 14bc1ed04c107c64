// Leak suspicion: a group whose ptotal kept rising over the last N samples.
import type { History } from './history';

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
  rises: number;
  falls: number;
  steps: number;
  /** Seconds the window spans. */
  seconds: number;
}

/**
 * Judge one series (oldest first). A leak rises in most steps of the window and never
 * gives much back: at most a quarter of the steps may fall, at least two must rise (one
 * jump — a start-up allocation — is not a trend), the window must have grown by
 * minGrowthKb, and the newest value must be the window's peak or near it.
 */
export function judgeLeak(values: readonly number[], times: readonly number[], o: LeakOptions): LeakVerdict {
  const n = Math.min(values.length - 1, o.samples);
  const none: LeakVerdict = { suspect: false, growthKb: 0, rises: 0, falls: 0, steps: Math.max(0, n), seconds: 0 };
  if (n < o.samples || n < 2) return none; // not enough history yet
  const start = values.length - 1 - n;
  let rises = 0;
  let falls = 0;
  let peak = values[start];
  for (let i = start + 1; i < values.length; i++) {
    if (values[i] > values[i - 1]) rises++;
    else if (values[i] < values[i - 1]) falls++;
    if (values[i] > peak) peak = values[i];
  }
  const last = values[values.length - 1];
  const growthKb = last - values[start];
  const nearPeak = peak - last <= Math.max(o.minGrowthKb / 4, 0);
  const suspect = growthKb >= o.minGrowthKb && rises >= 2 && falls * 4 <= n && nearPeak;
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
