// A bounded memory history per process (pid + start time), from which every group's history
// is derived under whichever grouping is current: a regrouping shows the past at once, and a
// group that vanished keeps its chart while its processes are remembered. Typed-array rings;
// a process gone for longer than the ring is forgotten, and at most MAX_PROCS are held.
import { keyOfCommand } from './report';
import { MEM_KEYS, type GroupBy, type GroupRow, type Mem, type MemKey } from './types';

const NF = MEM_KEYS.length;
const FIELD_INDEX = Object.fromEntries(MEM_KEYS.map((k, i) => [k, i])) as Record<MemKey, number>;

/** Bytes one process may use at most; with 500 processes that is the ~10 MB budget. */
export const GROUP_BUDGET_BYTES = 20_480;
/** Samples a process can hold within its budget (7 int32 figures a sample). */
export const MAX_CAPACITY = Math.floor(GROUP_BUDGET_BYTES / (NF * 4));
/** Processes remembered at most (~20 MB at full capacity); beyond, the longest gone is dropped first. */
export const MAX_PROCS = 1000;

/** Samples to keep for `seconds` of history at `loopSecs`, within the memory budget. */
export function historyCapacity(loopSecs: number, seconds = 3600): number {
  return Math.max(2, Math.min(MAX_CAPACITY, Math.ceil(seconds / Math.max(0.1, loopSecs))));
}

/** What the history needs of one process in one sample. */
export interface ProcFigures {
  pid: number;
  starttime: number;
  /** The whole command string (the cmd grouping cuts it). */
  cmd: string;
  mem: Mem;
}

/** One remembered process. */
export interface ProcTrack {
  readonly pid: number;
  readonly starttime: number;
  cmd: string;
  /** Its group key under each grouping it was seen in (the exe key cannot be derived here). */
  keys: Partial<Record<GroupBy, string>>;
  /** Sequence numbers of its first and newest sample. */
  first: number;
  last: number;
  data: Int32Array;
}

export interface Series {
  times: number[];
  values: number[];
}

/** The processes a group holds: what `History.add` records of a report's rows. */
export const recordedRow = (r: GroupRow): boolean => r.type !== 'x' && r.type !== 'T' && r.type !== 'O';

const idOf = (pid: number, starttime: number) => `${pid}:${starttime}`;

export class History {
  private seq = -1;
  private times: Float64Array;
  private procs = new Map<string, ProcTrack>();
  private groupBy: GroupBy = 'exe';
  private cmdlen = 96;
  /** Group key → its remembered processes, under the current grouping (rebuilt lazily). */
  private index: Map<string, ProcTrack[]> | null = null;
  /** Keys of the groups present in the newest sample. */
  private present = new Set<string>();
  /**
   * At the cap, the processes not yet seen in this sample, longest gone first (ties in the
   * order they were remembered): built once per sample when the first new process needs room,
   * so that a burst of new ones costs one sort, not a scan of every process for each.
   */
  private evictable: Array<[string, ProcTrack]> | null = null;
  private evictAt = 0;

  constructor(
    readonly capacity: number,
    readonly maxProcs = MAX_PROCS,
  ) {
    this.times = new Float64Array(capacity);
  }

  /** Sequence number of the newest sample (-1: none). */
  get newest(): number {
    return this.seq;
  }

  /** Record one sample: the members of each group row, keyed under `groupBy` (cmd keys cut at `cmdlen`). */
  add(time: number, rows: readonly GroupRow[], groupBy: GroupBy = this.groupBy, cmdlen = this.cmdlen): void {
    const procs: Array<ProcFigures & { key: string }> = [];
    for (const r of rows) if (recordedRow(r)) for (const m of r.members) procs.push({ ...m, key: r.key });
    this.addProcs(time, procs, groupBy, cmdlen);
  }

  /** Record one sample of processes, each with its group key under `groupBy`. */
  addProcs(time: number, procs: ReadonlyArray<ProcFigures & { key: string }>, groupBy: GroupBy, cmdlen = this.cmdlen): void {
    this.setGrouping(groupBy, cmdlen);
    this.seq++;
    const slot = this.seq % this.capacity;
    this.times[slot] = time;
    this.present = new Set();
    this.evictable = null;
    for (const p of procs) {
      const id = idOf(p.pid, p.starttime);
      let t = this.procs.get(id);
      if (!t && this.makeRoom()) {
        t = { pid: p.pid, starttime: p.starttime, cmd: p.cmd, keys: {}, first: this.seq, last: this.seq, data: new Int32Array(this.capacity * NF) };
        this.procs.set(id, t);
      }
      this.present.add(p.key);
      if (!t) continue; // over the cap: its group's history lacks it
      // A sample it was missed in (unreadable for a moment) repeats its figures: no false step.
      for (let s = Math.max(t.last + 1, this.seq - this.capacity + 1); s < this.seq; s++) {
        t.data.copyWithin((s % this.capacity) * NF, (t.last % this.capacity) * NF, (t.last % this.capacity) * NF + NF);
      }
      t.last = this.seq;
      t.cmd = p.cmd;
      t.keys[groupBy] = p.key;
      const o = slot * NF;
      for (let i = 0; i < NF; i++) t.data[o + i] = p.mem[MEM_KEYS[i]];
    }
    for (const [id, t] of this.procs) if (this.seq - t.last >= this.capacity) this.procs.delete(id);
    this.evictable = null;
    this.index = null;
  }

  /** Room for one more process: drop the longest gone if at the cap; false when every one is alive. */
  private makeRoom(): boolean {
    if (this.procs.size < this.maxProcs) return true;
    if (!this.evictable) {
      // Sorted once (stable: ties keep the map's order); a process seen later in this sample
      // (its last becomes seq) or already dropped is skipped when its turn comes.
      this.evictable = [...this.procs].filter((e) => e[1].last < this.seq).sort((a, b) => a[1].last - b[1].last);
      this.evictAt = 0;
    }
    while (this.evictAt < this.evictable.length) {
      const [id, t] = this.evictable[this.evictAt++];
      if (t.last < this.seq && this.procs.get(id) === t) {
        this.procs.delete(id);
        return true;
      }
    }
    return false;
  }

  /** Key the derived groups by another grouping (the processes' own rings stay). */
  setGrouping(groupBy: GroupBy, cmdlen = this.cmdlen): void {
    if (groupBy === this.groupBy && cmdlen === this.cmdlen) return;
    this.groupBy = groupBy;
    this.cmdlen = cmdlen;
    this.index = null;
    this.present = new Set(this.groupIndex().keys());
    for (const [k, list] of this.groupIndex()) if (!list.some((t) => t.last === this.seq)) this.present.delete(k);
  }

  /**
   * A process's key under the current grouping: derived from its pid and command line (pid,
   * cmd: the Reporter's own keys, src/core/report.ts), else the key it was recorded with under
   * that grouping (exe, unit, container, cgroup); undefined when it was never seen grouped so.
   */
  private keyOf(t: ProcTrack): string | undefined {
    if (this.groupBy === 'cmd' && t.keys.cmd !== undefined) return t.keys.cmd;
    return keyOfCommand(t.pid, t.cmd, this.groupBy, this.cmdlen) ?? t.keys[this.groupBy];
  }

  private groupIndex(): Map<string, ProcTrack[]> {
    if (this.index) return this.index;
    const index = new Map<string, ProcTrack[]>();
    for (const t of this.procs.values()) {
      const k = this.keyOf(t);
      if (k === undefined) continue;
      let list = index.get(k);
      if (!list) index.set(k, (list = []));
      list.push(t);
    }
    return (this.index = index);
  }

  /** Forget everything. */
  clear(): void {
    this.procs.clear();
    this.present.clear();
    this.index = null;
    this.seq = -1;
  }

  /** Whether any history is kept for the group (present now, or vanished and still remembered). */
  has(key: string): boolean {
    return this.groupIndex().has(key);
  }

  /** Keys of the groups present in the newest sample. */
  keys(): string[] {
    return [...this.present].filter((k) => this.groupIndex().has(k));
  }

  /** The remembered processes of a group. */
  members(key: string): readonly ProcTrack[] {
    return this.groupIndex().get(key) ?? [];
  }

  /** Sequence numbers [first, newest] of a group's samples (null: none kept); a vanished group ends when it vanished. */
  spanOf(key: string): [number, number] | null {
    return this.span(this.members(key));
  }

  private span(list: readonly ProcTrack[]): [number, number] | null {
    if (list.length === 0) return null;
    let from = Infinity;
    let to = -Infinity;
    for (const t of list) {
      from = Math.min(from, t.first);
      to = Math.max(to, t.last);
    }
    return [Math.max(from, this.seq - this.capacity + 1), to];
  }

  /** Number of samples held for a group (up to its newest one: a vanished group's end when it vanished). */
  length(key: string): number {
    const s = this.span(this.members(key));
    return s ? s[1] - s[0] + 1 : 0;
  }

  /** The sample times from sequence `from` to `to`. */
  private timesOf(from: number, to: number): number[] {
    const out: number[] = [];
    for (let s = from; s <= to; s++) out.push(this.times[s % this.capacity]);
    return out;
  }

  /** Sum of `field` over `list` at each sample from `from` to `to` (a process counts while present). */
  private sum(list: readonly ProcTrack[], field: MemKey, from: number, to: number): number[] {
    const f = FIELD_INDEX[field];
    const values = new Array<number>(to - from + 1).fill(0);
    for (const t of list) {
      for (let s = Math.max(from, t.first); s <= Math.min(to, t.last); s++) values[s - from] += t.data[(s % this.capacity) * NF + f];
    }
    return values;
  }

  /** The group's figures of one field (the sum over its processes), oldest first; `last` limits to the newest samples. */
  series(key: string, field: MemKey = 'ptotal', last = Infinity): Series {
    const list = this.members(key);
    const s = this.span(list);
    if (!s) return { times: [], values: [] };
    const from = Math.max(s[0], s[1] - Math.min(last, s[1] - s[0] + 1) + 1);
    return { times: this.timesOf(from, s[1]), values: this.sum(list, field, from, s[1]) };
  }

  /**
   * The last `samples` samples of the group's persistent processes: those present from the
   * first of them to the newest. Joins and departures change a group's total, not these. A
   * process that started while watched counts once it has been seen `warmup` samples before
   * them (its start-up is not growth); one there from the first sample is of unknown age.
   */
  persistentSeries(key: string, samples: number, field: MemKey = 'ptotal', warmup = 0): Series & { procs: number } {
    const from = this.seq - samples + 1;
    if (samples > this.capacity || from < 0) return { times: [], values: [], procs: 0 };
    const list = this.members(key).filter((t) => t.last === this.seq && (t.first === 0 ? t.first <= from : t.first <= from - warmup));
    if (list.length === 0) return { times: [], values: [], procs: 0 };
    return { times: this.timesOf(from, this.seq), values: this.sum(list, field, from, this.seq), procs: list.length };
  }

  /** A copy holding the newest samples that fit in `capacity` (a new loop interval or leak window). */
  resized(capacity: number): History {
    const h = new History(capacity, this.maxProcs);
    h.seq = this.seq;
    h.groupBy = this.groupBy;
    h.cmdlen = this.cmdlen;
    h.present = new Set(this.present);
    const from = Math.max(0, this.seq - Math.min(capacity, this.capacity) + 1);
    for (let s = from; s <= this.seq; s++) h.times[s % capacity] = this.times[s % this.capacity];
    for (const [id, t] of this.procs) {
      if (t.last < from) continue;
      const data = new Int32Array(capacity * NF);
      const first = Math.max(t.first, from);
      for (let s = first; s <= t.last; s++) data.set(t.data.subarray((s % this.capacity) * NF, (s % this.capacity) * NF + NF), (s % capacity) * NF);
      h.procs.set(id, { ...t, keys: { ...t.keys }, first, data });
    }
    return h;
  }

  /** Bytes held by the rings (for the budget). */
  bytes(): number {
    return this.times.byteLength + this.procs.size * this.capacity * NF * 4;
  }

  /** Number of processes remembered. */
  get processes(): number {
    return this.procs.size;
  }
}
