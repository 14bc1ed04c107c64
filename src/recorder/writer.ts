// Writes a recording: one transaction per sample, so a sample is in the file whole or not at
// all; and carries out the retention plan (src/core/retention.ts) and the size cap.
import type { CgroupCounters } from '../core/cgroup';
import { nameHash, type ProcFigureRow, type ProcIdentity, type SystemFigures } from '../core/recording';
import { expiryCut, oldestStretchCut, thinPlan, type RetentionPolicy } from '../core/retention';
import type { Db } from './db';

export interface RecordedEvent {
  t: number;
  kind: string;
  pid: number | null;
  name: string | null;
  cgroup: string | null;
  detail: Record<string, unknown>;
}

export interface TickWrite {
  time: number;
  full: boolean;
  sys: SystemFigures;
  procCount: number;
  /** Processes first seen this sample (their figures are in `figures`). */
  started: { key: string; id: ProcIdentity }[];
  /** Figures to write: every process in a whole frame, else those that changed. */
  figures: { key: string; f: ProcFigureRow }[];
  /** Processes gone since the sample before. */
  ended: string[];
  /** Processes whose figures were read again this sample and found unchanged (a `reads` row). */
  reread: string[];
  cgroups: { dirs: string; c: CgroupCounters }[];
  events: RecordedEvent[];
}

export interface MaintainResult {
  thinned: number;
  cutBefore: number | null;
  bytes: number;
}

export class RecordingWriter {
  /** The row id of each live process (pid:starttime). */
  private readonly ids = new Map<string, number>();
  /** The row id of each cgroup place written, and those of the transaction under way. */
  private readonly places = new Map<string, number>();
  private readonly newPlaces = new Map<string, number>();
  /** The row id of each name (exe key, command line) written, and those of the transaction under way. */
  private names = new Map<string, number>();
  private readonly newNames = new Map<string, number>();
  private readonly st;

  constructor(readonly db: Db) {
    this.st = {
      tick: db.prepare('INSERT OR REPLACE INTO ticks (t, full, mem_total, mem_available, swap_used, shmem, pressure_some, procs, sys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      proc: db.prepare('INSERT INTO proc (pid, starttime, exe, cmd, place, start_t) VALUES (?, ?, ?, ?, ?, ?)'),
      nameFind: db.prepare('SELECT id FROM names WHERE h = ? AND name = ?').pluck(),
      nameAdd: db.prepare('INSERT INTO names (h, name) VALUES (?, ?)'),
      reads: db.prepare('INSERT OR REPLACE INTO reads (t, procs) VALUES (?, ?)'),
      place: db.prepare('INSERT INTO places (cgroup) VALUES (?) ON CONFLICT (cgroup) DO UPDATE SET cgroup = excluded.cgroup RETURNING id'),
      end: db.prepare('UPDATE proc SET end_t = ? WHERE id = ?'),
      fig: db.prepare(
        'INSERT OR REPLACE INTO figs (proc, t, pss, data, text, shoth, shsysv, stack, pswap, uss, epss, pss_shmem, cpu, oom, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      cg: db.prepare('INSERT OR REPLACE INTO cgroups (dirs, t, current, limit_kb, peak, swap, pressure) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      event: db.prepare('INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  /**
   * A new recording session in this file: the processes the last session left open ended just
   * after its last sample (what happened while nothing recorded is not known). Returns that sample's time.
   */
  beginSession(now: number): number | null {
    const last = this.db.prepare('SELECT max(t) FROM ticks').pluck().get() as number | null;
    this.db.transaction(() => {
      this.db.prepare('UPDATE proc SET end_t = ? WHERE end_t IS NULL').run(last === null ? now : last + 1);
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('session', ?)").run(String(now));
    })();
    return last;
  }

  /** Write one sample, whole or not at all (on an error nothing of it is kept, here or in the file). */
  write(w: TickWrite): void {
    const added = new Map<string, number>();
    const idOf = (key: string) => added.get(key) ?? this.ids.get(key);
    this.newPlaces.clear();
    this.newNames.clear();
    this.db.transaction(() => {
      const m = w.sys.meminfo;
      this.st.tick.run(w.time, w.full ? 1 : 0, m.memTotal, m.memAvailable, m.swapTotal - m.swapFree, m.shmem, w.sys.pressure?.some ?? null, w.procCount, JSON.stringify(w.sys));
      for (const key of w.ended) {
        const id = this.ids.get(key);
        if (id !== undefined) this.st.end.run(w.time, id);
      }
      for (const { key, id } of w.started) {
        const r = this.st.proc.run(id.pid, id.starttime, this.nameOf(id.exe), this.nameOf(id.cmd), id.cgroup ? this.placeOf(JSON.stringify(id.cgroup)) : null, w.time);
        added.set(key, Number(r.lastInsertRowid));
      }
      for (const { key, f } of w.figures) {
        const id = idOf(key);
        if (id === undefined) continue;
        const x = f.mem;
        this.st.fig.run(id, w.time, x.ptotal, x.data, x.text, x.shOth, x.shSYSV, x.stack, x.pswap, x.uss, x.epss, f.pssShmem, f.cpu, f.oom, f.asOf);
      }
      if (w.reread.length > 0) {
        const ids: number[] = [];
        for (const key of w.reread) {
          const id = this.ids.get(key);
          if (id !== undefined) ids.push(id);
        }
        if (ids.length > 0) this.st.reads.run(w.time, JSON.stringify(ids.sort((a, b) => a - b)));
      }
      for (const { dirs, c } of w.cgroups) this.st.cg.run(dirs, w.time, c.current, c.limit, c.peak, c.swap, c.pressure);
      for (const e of w.events) this.st.event.run(e.t, e.kind, e.pid, e.name, e.cgroup, JSON.stringify(e.detail));
    })();
    // Only now, committed: a rolled-back row's id would be given again to another.
    for (const key of w.ended) this.ids.delete(key);
    for (const [key, id] of added) this.ids.set(key, id);
    for (const [json, id] of this.newPlaces) this.places.set(json, id);
    for (const [name, id] of this.newNames) this.names.set(name, id);
    // A month of distinct command lines need not stay in memory: the table answers the rest.
    if (this.names.size > 50_000) this.names.clear();
  }

  /** The row of a name in `names`: churning processes repeat a few command lines, kept once. */
  private nameOf(name: string): number {
    let id = this.names.get(name) ?? this.newNames.get(name);
    if (id === undefined) {
      const h = nameHash(name);
      id = (this.st.nameFind.get(h, name) as number | undefined) ?? Number(this.st.nameAdd.run(h, name).lastInsertRowid);
      this.newNames.set(name, id);
    }
    return id;
  }

  /** The row of a process's cgroup places (its path, unit and container): one per cgroup, shared by its processes. */
  private placeOf(json: string): number {
    let id = this.places.get(json) ?? this.newPlaces.get(json);
    if (id === undefined) {
      id = this.st.place.pluck().get(json) as number;
      this.newPlaces.set(json, id);
    }
    return id;
  }

  /** Bytes the recording holds (the database and its write-ahead log). */
  bytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** Thin by the tiers, drop what is past retention, then the oldest stretches while over `maxBytes` (0: no cap). */
  maintain(now: number, policy: RetentionPolicy, maxBytes: number): MaintainResult {
    const ticks = this.db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
    const events = this.db.prepare('SELECT DISTINCT t FROM events ORDER BY t').pluck().all() as number[];
    const plan = thinPlan(ticks, events, now, policy);
    // A moved row keeps when its figures were read (as_of NULL said: at its own sample).
    const move = this.db.prepare('UPDATE OR IGNORE figs SET t = ?, as_of = coalesce(as_of, t) WHERE t = ?');
    const moveCg = this.db.prepare('UPDATE OR IGNORE cgroups SET t = ? WHERE t = ?');
    this.db.transaction(() => {
      for (const { drop, into } of plan) {
        // Changes move forward to the kept sample unless it has newer ones (newest first: see thinPlan).
        move.run(into, drop);
        moveCg.run(into, drop);
        this.db.prepare('DELETE FROM figs WHERE t = ?').run(drop);
        this.db.prepare('DELETE FROM cgroups WHERE t = ?').run(drop);
        this.db.prepare('UPDATE ticks SET full = max(full, (SELECT full FROM ticks WHERE t = ?)) WHERE t = ?').run(drop, into);
        this.db.prepare('DELETE FROM ticks WHERE t = ?').run(drop);
      }
      this.pruneReads(plan);
      // Processes that lived only between kept samples are not in any of them.
      if (plan.length > 0 && this.db.prepare('DELETE FROM proc WHERE end_t IS NOT NULL AND id NOT IN (SELECT DISTINCT proc FROM figs)').run().changes > 0) this.dropUnusedNames();
    })();
    let cutBefore: number | null = null;
    const fulls = (): number[] => this.db.prepare('SELECT t FROM ticks WHERE full = 1 ORDER BY t').pluck().all() as number[];
    const expiry = expiryCut(fulls(), now, policy.retainMs);
    if (expiry !== null) cutBefore = this.cut(expiry);
    this.db.pragma('incremental_vacuum');
    while (maxBytes > 0 && this.bytes() > maxBytes) {
      const c = oldestStretchCut(fulls());
      if (c === null) break;
      cutBefore = this.cut(c);
      this.db.pragma('incremental_vacuum');
    }
    return { thinned: plan.length, cutBefore, bytes: this.bytes() };
  }

  /** Drop everything before the whole frame at `t`. */
  private cut(t: number): number {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM figs WHERE t < ?').run(t);
      this.db.prepare('DELETE FROM cgroups WHERE t < ?').run(t);
      this.db.prepare('DELETE FROM ticks WHERE t < ?').run(t);
      this.db.prepare('DELETE FROM events WHERE t < ?').run(t);
      this.db.prepare('DELETE FROM reads WHERE t < ?').run(t);
      if (this.db.prepare('DELETE FROM proc WHERE end_t IS NOT NULL AND end_t <= ?').run(t).changes > 0) this.dropUnusedNames();
    })();
    return t;
  }

  /**
   * A `reads` row stays at the time of the read (a replay takes a process's newest read at or
   * before the moment): of the reads between two kept samples only each process's newest matters
   * to the later one, so the older mentions of it go.
   */
  private pruneReads(plan: readonly { drop: number; into: number }[]): void {
    const intos = [...new Set(plan.map((p) => p.into))].sort((a, b) => a - b);
    const prevKept = this.db.prepare('SELECT max(t) FROM ticks WHERE t < ?').pluck();
    const rows = this.db.prepare('SELECT t, procs FROM reads WHERE t > ? AND t <= ? ORDER BY t DESC');
    const set = this.db.prepare('UPDATE reads SET procs = ? WHERE t = ?');
    const del = this.db.prepare('DELETE FROM reads WHERE t = ?');
    for (const into of intos) {
      const from = (prevKept.get(into) as number | null) ?? Number.MIN_SAFE_INTEGER;
      const newer = new Set<number>();
      for (const r of rows.all(from, into) as { t: number; procs: string }[]) {
        const ids = parseIds(r.procs);
        const keep = ids.filter((id) => !newer.has(id));
        for (const id of ids) newer.add(id);
        if (keep.length === 0) del.run(r.t);
        else if (keep.length < ids.length) set.run(JSON.stringify(keep), r.t);
      }
    }
  }

  /** Names no process row uses any more (after processes were dropped); the cache starts again. */
  private dropUnusedNames(): void {
    this.db.exec('DELETE FROM names WHERE id NOT IN (SELECT exe FROM proc UNION SELECT cmd FROM proc)');
    this.names.clear();
  }
}

/** A `reads` row's process ids (a JSON array of numbers; anything else reads as none). */
export function parseIds(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isSafeInteger(x)) : [];
  } catch {
    return [];
  }
}
