// The webview's copies of the host's memory history: every group's sparkline figures and
// the selected group's full history. The host sends them whole once (after `ready`, or when
// asked), then each report adds one sample — only when it is the next one (HistoryStamp);
// after a gap the webview asks again. No DOM here.
import { recordedRow } from '../src/core/history';
import { MEM_KEYS, type GroupRow, type MemKey, type RowType } from '../src/core/types';
import { SPARK_POINTS, type GroupHistory, type HistoryStamp, type SparkSeries } from '../src/shared/webviewProtocol';

export type StampRelation = 'next' | 'restart' | 'stale' | 'gap';

/** How a report's stamp relates to what a copy holds (`held` null: nothing yet). */
export function stampRelation(held: HistoryStamp | null, s: HistoryStamp): StampRelation {
  if (s.seq === s.start) return held && held.start === s.start && held.seq >= s.seq ? 'stale' : 'restart';
  if (!held || held.start !== s.start) return 'gap';
  if (s.seq <= held.seq) return 'stale';
  return s.seq === held.seq + 1 ? 'next' : 'gap';
}

/** Groups present in a sample: what the host's History records. */
const recorded = recordedRow;

interface Ring {
  buf: Float64Array;
  /** Figures held (≤ SPARK_POINTS). */
  n: number;
  /** Slot of the next figure. */
  head: number;
  /** Bumped whenever the drawn shape can change. */
  version: number;
}

/** Every group's newest ptotal figures, in fixed rings (no allocation per report). */
export class SparkStore {
  private rings = new Map<string, Ring>();
  private held: HistoryStamp | null = null;
  private nextVersion = 1;

  constructor(readonly points = SPARK_POINTS) {}

  get stamp(): HistoryStamp | null {
    return this.held;
  }

  /** Replace everything with the host's series (the `sparks` message). */
  load(stamp: HistoryStamp, series: readonly SparkSeries[]): void {
    this.rings.clear();
    this.held = { ...stamp };
    for (const s of series) {
      const r = this.ring(s.key);
      for (const v of s.values.slice(-this.points)) this.push(r, v);
      r.version = this.nextVersion++;
    }
  }

  /**
   * Add one report's figures. 'gap' means the copy is behind: ask the host for the series
   * (the report is not added). A report without a stamp (an older host) is not added.
   */
  append(stamp: HistoryStamp | null, rows: readonly GroupRow[]): StampRelation | 'none' {
    if (!stamp) return 'none';
    const rel = stampRelation(this.held, stamp);
    if (rel === 'stale' || rel === 'gap') return rel;
    if (rel === 'restart') this.rings.clear();
    this.held = { ...stamp };
    const present = new Set<string>();
    for (const row of rows) {
      if (!recorded(row)) continue;
      present.add(row.key);
      const r = this.ring(row.key);
      const v = row.mem.ptotal;
      // A full window of one value stays the same picture when the same value comes again.
      const same = r.n === this.points && v === this.at(r, r.n - 1) && this.flat(r);
      this.push(r, v);
      if (!same) r.version = this.nextVersion++;
    }
    for (const key of this.rings.keys()) if (!present.has(key)) this.rings.delete(key);
    return rel;
  }

  clear(): void {
    this.rings.clear();
    this.held = null;
  }

  has(key: string): boolean {
    return this.rings.has(key);
  }

  get size(): number {
    return this.rings.size;
  }

  /** Changes whenever the key's sparkline would look different (0: no figures). */
  version(key: string): number {
    return this.rings.get(key)?.version ?? 0;
  }

  /** The figures, oldest first. */
  values(key: string): number[] {
    const r = this.rings.get(key);
    if (!r) return [];
    const out = new Array<number>(r.n);
    for (let i = 0; i < r.n; i++) out[i] = this.at(r, i);
    return out;
  }

  private ring(key: string): Ring {
    let r = this.rings.get(key);
    if (!r) {
      r = { buf: new Float64Array(this.points), n: 0, head: 0, version: this.nextVersion++ };
      this.rings.set(key, r);
    }
    return r;
  }

  private push(r: Ring, v: number): void {
    r.buf[r.head] = v;
    r.head = (r.head + 1) % this.points;
    if (r.n < this.points) r.n++;
  }

  /** The i-th held figure, oldest first. */
  private at(r: Ring, i: number): number {
    return r.buf[(r.head - r.n + i + this.points * 2) % this.points];
  }

  private flat(r: Ring): boolean {
    const v0 = this.at(r, 0);
    for (let i = 1; i < r.n; i++) if (this.at(r, i) !== v0) return false;
    return true;
  }
}

/** The selected group's history, kept current from the reports. */
export class GroupSeries {
  data: GroupHistory | null = null;
  private held: HistoryStamp | null = null;
  private capacity = 0;

  constructor(readonly key: string) {}

  /** The host's answer to getGroupHistory. */
  load(stamp: HistoryStamp, capacity: number, group: GroupHistory | null): void {
    this.held = { ...stamp };
    this.capacity = capacity;
    this.data = group ? { ...group, times: [...group.times], types: [...group.types], mem: copyMem(group.mem) } : null;
  }

  /** Whether the host's history has been received. */
  get loaded(): boolean {
    return this.held !== null;
  }

  /** Add this group's row of one report (sampled at `time`); 'gap' (or 'none' before loading): ask the host again. */
  append(stamp: HistoryStamp | null, time: number, rows: readonly GroupRow[]): StampRelation | 'none' {
    if (!stamp || !this.held) return 'none';
    const rel = stampRelation(this.held, stamp);
    if (rel === 'stale' || rel === 'gap') return rel;
    this.held = { ...stamp };
    const row = rows.find((r) => r.key === this.key);
    // History restarted: start over (from this sample, if any). A group gone from the
    // report keeps what it had: the host remembers its processes, and so does the chart.
    if (rel === 'restart') this.data = null;
    if (!row || !recorded(row)) return rel;
    const d = (this.data ??= { key: this.key, times: [], mem: copyMem(null), types: [] });
    d.times.push(time);
    for (const k of MEM_KEYS) d.mem[k].push(row.mem[k]);
    d.types.push(markOf(row.type));
    const over = d.times.length - Math.max(1, this.capacity);
    if (over > 0) {
      d.times.splice(0, over);
      d.types.splice(0, over);
      for (const k of MEM_KEYS) d.mem[k].splice(0, over);
    }
    return rel;
  }
}

function markOf(t: RowType): RowType {
  return t === 'A' || t.startsWith('+') || t.startsWith('-') ? t : '';
}

function copyMem(m: Record<MemKey, number[]> | null): Record<MemKey, number[]> {
  const out = {} as Record<MemKey, number[]>;
  for (const k of MEM_KEYS) out[k] = m ? [...m[k]] : [];
  return out;
}
