// A bounded memory history per group: ptotal and each category, per sample.
// Typed-array rings, so 500 groups of an hour at 5 s stay near 10 MB.
import { MEM_KEYS, type GroupRow, type MemKey } from './types';

const NF = MEM_KEYS.length;
const FIELD_INDEX = Object.fromEntries(MEM_KEYS.map((k, i) => [k, i])) as Record<MemKey, number>;

/** Bytes one group may use at most; with 500 groups that is the ~10 MB budget. */
export const GROUP_BUDGET_BYTES = 20_480;
/** Samples a group can hold within its budget (7 int32 figures a sample). */
export const MAX_CAPACITY = Math.floor(GROUP_BUDGET_BYTES / (NF * 4));

/** Samples to keep for `seconds` of history at `loopSecs`, within the memory budget. */
export function historyCapacity(loopSecs: number, seconds = 3600): number {
  return Math.max(2, Math.min(MAX_CAPACITY, Math.ceil(seconds / Math.max(0.1, loopSecs))));
}

interface GroupRing {
  /** Sequence number of the group's first sample. */
  first: number;
  data: Int32Array;
}

export interface Series {
  times: number[];
  values: number[];
}

export class History {
  private seq = -1;
  private times: Float64Array;
  private groups = new Map<string, GroupRing>();

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** Record one sample's groups (vanished `x` rows end their group's history). */
  add(time: number, rows: readonly GroupRow[]): void {
    this.seq++;
    const slot = this.seq % this.capacity;
    this.times[slot] = time;
    const present = new Set<string>();
    for (const r of rows) {
      if (r.type === 'x' || r.type === 'T' || r.type === 'O') continue;
      present.add(r.key);
      let g = this.groups.get(r.key);
      if (!g) {
        g = { first: this.seq, data: new Int32Array(this.capacity * NF) };
        this.groups.set(r.key, g);
      }
      const o = slot * NF;
      for (let i = 0; i < NF; i++) g.data[o + i] = r.mem[MEM_KEYS[i]];
    }
    for (const key of this.groups.keys()) if (!present.has(key)) this.groups.delete(key);
  }

  /** Forget everything (e.g. on regrouping, when keys change meaning). */
  clear(): void {
    this.groups.clear();
    this.seq = -1;
  }

  has(key: string): boolean {
    return this.groups.has(key);
  }

  keys(): string[] {
    return [...this.groups.keys()];
  }

  /** Number of samples held for a group. */
  length(key: string): number {
    const g = this.groups.get(key);
    return g ? Math.min(this.seq - g.first + 1, this.capacity) : 0;
  }

  /** The group's figures of one field, oldest first; `last` limits to the newest samples. */
  series(key: string, field: MemKey = 'ptotal', last = Infinity): Series {
    const g = this.groups.get(key);
    if (!g) return { times: [], values: [] };
    const n = Math.min(this.length(key), last);
    const f = FIELD_INDEX[field];
    const times: number[] = new Array(n);
    const values: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const slot = (this.seq - n + 1 + i) % this.capacity;
      times[i] = this.times[slot];
      values[i] = g.data[slot * NF + f];
    }
    return { times, values };
  }

  /** Bytes held by the rings (for the budget). */
  bytes(): number {
    return this.times.byteLength + this.groups.size * this.capacity * NF * 4;
  }
}
