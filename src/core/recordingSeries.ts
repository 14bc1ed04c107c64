// One group's memory over a recording, as the recording panel charts it: the figures each
// recorded sample held for the group's processes, summed, then cut down to a few hundred points
// that keep the peaks (an OOM kill follows a peak, so a chart that averaged it away would hide
// the very thing it is opened for). Pure: src/recorder/seriesRead.ts reads the rows.
import { MEM_KEYS, type MemKey } from './types';

/** A group's figures per sample time (KB), the shape the panel's chart draws (GroupHistory without types). */
export interface GroupSeries {
  times: number[];
  mem: Record<MemKey, number[]>;
}

const emptyMem = (): Record<MemKey, number[]> => Object.fromEntries(MEM_KEYS.map((k) => [k, [] as number[]])) as Record<MemKey, number[]>;

/** A figures row of one of the group's processes, as the recording holds it (KB). */
export type FigureRow = { proc: number; t: number } & Record<MemKey, unknown>;

/** A figure as a number: SQLite keeps any value in any column, and a damaged file's read as 0. */
const kb = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The group's figures at each of `ticks` (ascending), from its processes' figure rows (`rows`,
 * ascending by t; those of a process from a whole frame at or before the first tick on) and the
 * time each process ended (`ends`: by process, the first sample it was no longer in). At a
 * sample, each process counts with its newest figures at or before it, from its first figures
 * until its end — the recorder writes a process's figures only when they change, so the last ones
 * written still hold. That is what the replayed report's row for the group says at that sample
 * (test/unit/recording-series.test.ts). One pass, a running sum: each row moves the sum by its
 * difference from the process's row before, each end takes the process's last figures away; the
 * rows may come straight from the database, one at a time (a day of a big group holds hundreds of
 * thousands).
 */
export function sweepSeries(ticks: readonly number[], rows: Iterable<FigureRow>, ends: ReadonlyMap<number, number>): GroupSeries {
  const mem = emptyMem();
  const sum = MEM_KEYS.map(() => 0);
  const last = new Map<number, number[]>();
  const endList = [...ends].sort((a, b) => a[1] - b[1]);
  let ti = 0;
  let ei = 0;
  /** Emit the ticks before `limit`, each after the ends at or before it. */
  const emitBefore = (limit: number) => {
    for (; ti < ticks.length && ticks[ti] < limit; ti++) {
      for (; ei < endList.length && endList[ei][1] <= ticks[ti]; ei++) {
        const was = last.get(endList[ei][0]);
        if (was) MEM_KEYS.forEach((_, k) => (sum[k] -= was[k]));
        last.delete(endList[ei][0]);
      }
      MEM_KEYS.forEach((key, k) => mem[key].push(sum[k]));
    }
  };
  for (const r of rows) {
    emitBefore(r.t);
    const end = ends.get(r.proc);
    if (end !== undefined && r.t >= end) continue; // written at or after its end: a pid reused is another process
    const was = last.get(r.proc);
    const now = MEM_KEYS.map((key) => kb(r[key]));
    MEM_KEYS.forEach((_, k) => (sum[k] += now[k] - (was ? was[k] : 0)));
    last.set(r.proc, now);
  }
  emitBefore(Infinity);
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
