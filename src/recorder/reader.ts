// Reads a recording back: the sample at a moment (the nearest recorded at or before it), the
// kernel figures of the cgroups then, and the events.
import type { CgroupCounters, CgroupReader, FigureDirs, ProcCgroup } from '../core/cgroup';
import { asOfAt, sampleFrom, type ProcFigureRow, type ProcIdentity, type SystemFigures } from '../core/recording';
import { OLDEST_READABLE_SCHEMA, SCHEMA_VERSION, StoreError } from './db';
import type { Sample } from '../core/types';
import type { ReadDb } from './readDb';
import { parseIds, type RecordedEvent } from './writer';

interface FigRow {
  proc: number;
  t: number;
  pss: number;
  data: number;
  text: number;
  shoth: number;
  shsysv: number;
  stack: number;
  pswap: number;
  uss: number;
  epss: number;
  pss_shmem: number;
  cpu: number;
  oom: number | null;
  as_of: number | null;
}

/** A process as the `procs` view gives it, its place's cgroup as recorded (JSON). */
export interface ProcRow {
  id: number;
  pid: number;
  starttime: number;
  exe: string;
  cmd: string;
  place_json: string | null;
  start_t: number;
  end_t: number | null;
}

const NO_COUNTERS: CgroupCounters = { current: null, limit: null, peak: null, swap: null, pressure: null };

/** The key a cgroup's figures are recorded under: the directories the Reporter asks by. */
export const dirsKey = (d: FigureDirs): string => JSON.stringify([d.dir, d.v1, d.memory]);

/** SQLite keeps any value in any column: a figure that is not a number reads as 0. */
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const nOrNull = (v: unknown): number | null => (v === null ? null : n(v));

export function figureRow(r: FigRow): ProcFigureRow {
  return {
    mem: { ptotal: n(r.pss), data: n(r.data), text: n(r.text), shOth: n(r.shoth), shSYSV: n(r.shsysv), stack: n(r.stack), pswap: n(r.pswap), uss: n(r.uss), epss: n(r.epss) },
    pssShmem: n(r.pss_shmem),
    cpu: n(r.cpu),
    oom: nOrNull(r.oom),
    asOf: nOrNull(r.as_of),
  };
}

export function parseCgroup(json: string | null): ProcCgroup | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as ProcCgroup;
  } catch {
    return null;
  }
}

export class RecordingReader {
  /** The recording's schema (db.ts): 1 kept no `reads`, and a figures row's as_of held as it was at every sample up to the next row. */
  private readonly schema: number;

  constructor(private readonly db: ReadDb) {
    const v = Number(db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get());
    if (!Number.isInteger(v) || v < OLDEST_READABLE_SCHEMA) throw new StoreError(`this is not a pmemstat recording pmemstat reads (schema ${String(v)})`);
    if (v > SCHEMA_VERSION) throw new StoreError(`this recording is of schema ${v}, written by a newer pmemstat; this one reads schemas ${OLDEST_READABLE_SCHEMA} to ${SCHEMA_VERSION}`);
    this.schema = v;
  }

  /** The recorded sample times in [from, to], ascending. */
  times(from = -Infinity, to = Infinity): number[] {
    return this.db.prepare('SELECT t FROM ticks WHERE t >= ? AND t <= ? ORDER BY t').pluck().all(clamp(from), clamp(to)) as number[];
  }

  /** The newest recorded sample at or before `t` (null: none). */
  atOrBefore(t: number): number | null {
    return this.db.prepare('SELECT max(t) FROM ticks WHERE t <= ?').pluck().get(clamp(t)) as number | null;
  }

  /** The recorded sample before `t` (null: none). */
  before(t: number): number | null {
    return this.db.prepare('SELECT max(t) FROM ticks WHERE t < ?').pluck().get(clamp(t)) as number | null;
  }

  private lastFull(t: number): number {
    return (this.db.prepare('SELECT max(t) FROM ticks WHERE full = 1 AND t <= ?').pluck().get(t) as number | null) ?? -1;
  }

  /** The sample recorded at `t` (a time `times` gave), and its processes' row ids by pid:starttime. */
  sampleAt(t: number): Sample {
    const sysText = this.db.prepare('SELECT sys FROM ticks WHERE t = ?').pluck().get(t) as string | undefined;
    if (sysText === undefined) throw new Error(`no sample recorded at ${t}`);
    let sys: SystemFigures;
    try {
      sys = JSON.parse(sysText) as SystemFigures;
    } catch {
      throw new Error('its system figures are not JSON');
    }
    if (typeof sys !== 'object' || sys === null || typeof sys.meminfo !== 'object' || sys.meminfo === null) throw new Error('its system figures lack meminfo');
    // Every process alive at t has figures at or after the whole frame before it.
    const from = this.lastFull(t);
    const latest = new Map<number, FigRow>();
    for (const r of this.db.prepare('SELECT * FROM figs WHERE t >= ? AND t <= ? ORDER BY t').iterate(from, t) as IterableIterator<FigRow>) latest.set(r.proc, r);
    const alive = this.db
      .prepare(
        'SELECT procs.*, places.cgroup AS place_json FROM procs LEFT JOIN places ON places.id = procs.place WHERE start_t <= ? AND (end_t IS NULL OR end_t > ?) AND procs.id IN (SELECT value FROM json_each(?))',
      )
      .all(t, t, JSON.stringify([...latest.keys()])) as ProcRow[];
    const readAt = this.schema >= 2 ? this.readsAt(from, t, latest) : null;
    const procs: { id: ProcIdentity; f: ProcFigureRow }[] = [];
    for (const p of alive) {
      const f = latest.get(p.id);
      if (!f) continue;
      const row = figureRow(f);
      // Schema 2: the newest read of the figures, from their row or a `reads` row after it.
      if (readAt) row.asOf = asOfAt(Math.max(row.asOf ?? n(f.t), readAt.get(p.id) ?? -Infinity), t);
      procs.push({ id: { pid: n(p.pid), starttime: n(p.starttime), exe: String(p.exe), cmd: String(p.cmd), cgroup: parseCgroup(p.place_json) }, f: row });
    }
    return sampleFrom(t, sys, procs);
  }

  /**
   * The newest `reads` time at or before `t` of each process of `latest`. From the sample before
   * the whole frame: thinning moves a whole frame forward, and reads after its original time matter.
   */
  private readsAt(from: number, t: number, latest: ReadonlyMap<number, FigRow>): Map<number, number> {
    const lower = this.before(from) ?? Number.MIN_SAFE_INTEGER;
    const out = new Map<number, number>();
    for (const r of this.db.prepare('SELECT t, procs FROM reads WHERE t > ? AND t <= ? ORDER BY t').iterate(lower, t) as IterableIterator<{ t: number; procs: string }>) {
      for (const id of parseIds(r.procs)) if (latest.has(id)) out.set(id, n(r.t));
    }
    return out;
  }

  /** The Reporter's cgroup reader as of `t`: the counters recorded last at or before it. */
  cgroupsAt(t: number): CgroupReader {
    const from = this.lastFull(t);
    const rows = this.db
      .prepare('SELECT dirs, current, limit_kb, peak, swap, pressure FROM cgroups WHERE t >= ? AND t <= ? ORDER BY t')
      .all(from, t) as { dirs: string; current: number | null; limit_kb: number | null; peak: number | null; swap: number | null; pressure: number | null }[];
    const by = new Map<string, CgroupCounters>();
    for (const r of rows) by.set(r.dirs, { current: r.current, limit: r.limit_kb, peak: r.peak, swap: r.swap, pressure: r.pressure });
    return (where) => by.get(dirsKey(where)) ?? NO_COUNTERS;
  }

  events(from = -Infinity, to = Infinity): RecordedEvent[] {
    const rows = this.db
      .prepare('SELECT t, kind, pid, name, cgroup, detail FROM events WHERE t >= ? AND t <= ? ORDER BY t, id')
      .all(clamp(from), clamp(to)) as (Omit<RecordedEvent, 'detail'> & { detail: string })[];
    return rows.map((r) => ({ ...r, detail: safeJson(r.detail) }));
  }
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** SQLite binds no Infinity to an INTEGER comparison the way a number line does: clamp to safe integers. */
function clamp(t: number): number {
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, t));
}
