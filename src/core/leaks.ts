// Leak suspicion: a group whose persistent processes kept growing over the last N samples.
import type { History } from './history';
import type { Units } from './types';
import { formatKb } from './units';

export interface LeakOptions {
  /** Window: the last N sample-to-sample steps. */
  samples: number;
  /** The ptotal must have grown by at least this much (KB) over the window. */
  minGrowthKb: number;
}

export const DEFAULT_LEAK_OPTIONS: LeakOptions = { samples: 20, minGrowthKb: 1024 };

export interface LeakVerdict {
  suspect: boolean;
  /** Growth of the persistent processes' ptotal over the window, KB. */
  growthKb: number;
  /** Steps of the window in which it grew (by more than the noise). */
  rises: number;
  /** Steps in which it shrank (by more than the noise). */
  falls: number;
  /** Steps in the window. */
  steps: number;
  /** Seconds the window spans. */
  seconds: number;
  /** Processes judged: those present through the whole window. */
  procs: number;
}

/**
 * Judge one series (oldest first) over its last `samples` steps. A leak stands above where
 * the window began in most samples, grew by minGrowthKb in all, grew in at least two steps
 * (one jump, a start-up allocation, is not a trend), gave little back (at most a quarter of
 * the steps shrink, and by at most a quarter of its growth in all: a garbage-collected heap
 * climbing between collections gives back in big steps), and is at or near its peak now.
 * Changes smaller than the noise — PSS of
 * shared pages shifts by a few KB whenever any other process maps or unmaps a library —
 * count neither as growth nor as shrinking.
 */
export function judgeLeak(values: readonly number[], times: readonly number[], o: LeakOptions, procs = 1): LeakVerdict {
  const n = Math.min(values.length - 1, o.samples);
  const none: LeakVerdict = { suspect: false, growthKb: 0, rises: 0, falls: 0, steps: Math.max(0, n), seconds: 0, procs };
  if (n < o.samples || n < 2) return none; // not enough history yet
  const noise = Math.max(1, o.minGrowthKb / (2 * n));
  const start = values.length - 1 - n;
  const base = values[start];
  let above = 0;
  let rises = 0;
  let falls = 0;
  let gaveBack = 0;
  let peak = base;
  for (let i = start + 1; i < values.length; i++) {
    if (values[i] - base > noise) above++;
    const d = values[i] - values[i - 1];
    if (d > noise) rises++;
    else if (d < -noise) {
      falls++;
      gaveBack -= d;
    }
    if (values[i] > peak) peak = values[i];
  }
  const last = values[values.length - 1];
  const growthKb = last - base;
  const nearPeak = peak - last <= o.minGrowthKb / 4;
  const suspect = growthKb >= o.minGrowthKb && above * 2 > n && rises >= 2 && falls * 4 <= n && gaveBack * 4 <= growthKb && nearPeak;
  return { suspect, growthKb, rises, falls, steps: n, seconds: (times[times.length - 1] - times[start]) / 1000, procs };
}

/**
 * Judge a group of a History on its persistent processes only (joins and departures are not
 * growth); a process that started while watched waits a quarter window more (start-up is not growth).
 */
export function judgeGroup(history: History, key: string, o: LeakOptions): LeakVerdict {
  const s = history.persistentSeries(key, o.samples + 1, 'ptotal', Math.ceil(o.samples / 4));
  return judgeLeak(s.values, s.times, o, s.procs);
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
      const v = judgeGroup(history, key, this.opts);
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
 * A leak suspect in one line, as the CLI prints it and the panel's log records it, in one unit
 * throughout and naming the processes (up to LEAK_PIDS of them):
 * `LEAK? memtest (pid 4242): 1 process grew by 40 MB in 95s (up in 15 of 20 steps, down in 1); ptotal now 120 MB`.
 * Joins and departures are left out of the figure, and the counts are of steps, so they add up.
 */
export function leakLine(
  info: string,
  ptotalKb: number,
  v: Pick<LeakVerdict, 'growthKb' | 'seconds' | 'rises' | 'steps' | 'falls' | 'procs'>,
  units: Units,
  pids: readonly number[] = [],
): string {
  const amount = (kb: number) => `${formatKb(kb, units)}${units === 'human' ? '' : ` ${units}`}`;
  return `LEAK? ${info}${pidsText(pids)}: ${leakWhat(v, amount(v.growthKb))}; ptotal now ${amount(ptotalKb)}`;
}

const LEAK_PIDS = 5;

/** ` (pid 4242)`, ` (pids 1, 2, 3)`, ` (pids 1, 2, 3, 4, 5 and 7 more)`; '' for none. */
function pidsText(pids: readonly number[]): string {
  if (pids.length === 0) return '';
  if (pids.length === 1) return ` (pid ${pids[0]})`;
  const more = pids.length - LEAK_PIDS;
  return ` (pids ${pids.slice(0, LEAK_PIDS).join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
}

/** What rose, by how much (`amount`), over how long: `1 process grew by 40,960K in 95s (up in 15 of 20 steps, down in 1)`. */
export function leakWhat(v: Pick<LeakVerdict, 'seconds' | 'rises' | 'steps' | 'falls' | 'procs'>, amount: string): string {
  const who = v.procs === 1 ? '1 process' : `${v.procs} processes present throughout`;
  return `${who} grew by ${amount} in ${Math.round(v.seconds)}s (up in ${v.rises} of ${v.steps} steps, down in ${v.falls})`;
}
