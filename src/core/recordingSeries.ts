// One group's memory over a recording, as the recording panel charts it: the figures each
// recorded sample held for the group's processes, summed, then cut down to a few hundred points
// that keep the peaks (an OOM kill follows a peak, so a chart that averaged it away would hide
// the very thing it is opened for). Pure: src/recorder/seriesRead.ts reads the rows.
import { MEM_KEYS, type Mem, type MemKey } from './types';

/** One process of the group: when it lived, and its figures as recorded (ascending by t). */
export interface MemberFigures {
  /** The first sample it was in. */
  start: number;
  /** The first sample it was no longer in (null: still alive at the recording's end). */
  end: number | null;
  figs: readonly { t: number; mem: Mem }[];
}

/** A group's figures per sample time (KB), the shape the panel's chart draws (GroupHistory without types). */
export interface GroupSeries {
  times: number[];
  mem: Record<MemKey, number[]>;
}

const emptyMem = (): Record<MemKey, number[]> => Object.fromEntries(MEM_KEYS.map((k) => [k, [] as number[]])) as Record<MemKey, number[]>;

/**
 * The group's figures at each of `ticks` (ascending): at a sample, each member alive then
 * (start ≤ t < end) counts with its newest figures at or before t — the recorder writes a
 * process's figures only when they change, so the last ones written still hold. This is what
 * the replayed report's row for the group says at that sample (test/unit/recording-series.test.ts).
 */
export function groupSeries(ticks: readonly number[], members: readonly MemberFigures[]): GroupSeries {
  const mem = emptyMem();
  const at = members.map(() => -1); // each member's newest figure at or before the tick
  for (const t of ticks) {
    const sum: Record<MemKey, number> = Object.fromEntries(MEM_KEYS.map((k) => [k, 0])) as Record<MemKey, number>;
    members.forEach((m, i) => {
      let j = at[i];
      while (j + 1 < m.figs.length && m.figs[j + 1].t <= t) j++;
      at[i] = j;
      if (j < 0 || m.start > t || (m.end !== null && m.end <= t)) return;
      for (const k of MEM_KEYS) sum[k] += m.figs[j].mem[k];
    });
    for (const k of MEM_KEYS) mem[k].push(sum[k]);
  }
  return { times: [...ticks], mem };
}

/**
 * The indexes of at most `maxPoints` of `values` that draw the same outline: the range is cut
 * into maxPoints/2 buckets of equal length and each keeps its lowest and its highest value (in
 * time order), with the first and the last point always kept. All of them when few enough.
 */
export function downsampleIndexes(values: readonly number[], maxPoints: number): number[] {
  const n = values.length;
  const max = Math.max(2, Math.floor(maxPoints));
  if (n <= max) return values.map((_, i) => i);
  const inner = max - 2;
  const buckets = Math.max(1, Math.floor(inner / 2));
  const out = [0];
  const span = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * span);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * span));
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (values[i] < values[lo]) lo = i;
      if (values[i] > values[hi]) hi = i;
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

/** The series cut to at most `maxPoints` samples, chosen by its ptotal (downsampleIndexes). */
export function downsampleSeries(s: GroupSeries, maxPoints: number): GroupSeries {
  const keep = downsampleIndexes(s.mem.ptotal, maxPoints);
  if (keep.length === s.times.length) return s;
  const mem = emptyMem();
  for (const k of MEM_KEYS) mem[k] = keep.map((i) => s.mem[k][i]);
  return { times: keep.map((i) => s.times[i]), mem };
}
