// One recorder step: take a sample, write what changed (a whole frame at a fixed period), the
// cgroups' kernel figures and the events; now and then thin and cap the recording.
import { cgroupFigures, groupFigureDirs, type CgroupCounters, type CgroupReader, type FigureDirs, type ProcCgroup } from '../core/cgroup';
import { changedBeyond, EXACT, figuresOf, identityOf, procKey, readTime, systemOf, type ProcFigureRow, type ProcIdentity, type Thresholds } from '../core/recording';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../core/retention';
import { CGROUP_GROUP_BYS, type ProcSample } from '../core/types';
import { isDiskFull } from './db';
import type { EventWatcher, Known } from './events';
import { dirsKey } from './reader';
import type { TickSource } from './source';
import type { MaintainResult, RecordedEvent, RecordingWriter, TickWrite } from './writer';

export interface RecorderOptions {
  /** Seconds between whole frames (every process's figures). */
  fullEverySecs: number;
  /** Seconds between retention passes. */
  maintainEverySecs: number;
  thresholds: Thresholds;
  retention: RetentionPolicy;
  /** Size cap in bytes (0: none). */
  maxBytes: number;
}

export const DEFAULT_RECORDER_OPTIONS: RecorderOptions = {
  fullEverySecs: 600,
  maintainEverySecs: 300,
  thresholds: EXACT,
  retention: DEFAULT_RETENTION,
  maxBytes: 0,
};

/** The cgroups' figure directories any cgroup grouping would ask for, by key. */
export function cgroupDirsOf(procs: readonly ProcSample[]): Map<string, FigureDirs> {
  return dirsOfCgroups(distinctCgroups(procs).values());
}

/**
 * The processes' cgroups, one of each (groupFigureDirs gives the same for one as for many alike):
 * keyed by every field it reads (a container may be named by another hierarchy than the path's).
 */
function distinctCgroups(procs: readonly ProcSample[]): Map<string, ProcCgroup> {
  const out = new Map<string, ProcCgroup>();
  for (const p of procs) {
    const c = p.cgroup;
    if (c) out.set(`${c.path}\0${c.memory ?? ''}\0${c.unit.key}\0${c.unit.dir ?? ''}\0${c.container.key}\0${c.container.dir ?? ''}`, c);
  }
  return out;
}

function dirsOfCgroups(cgs: Iterable<ProcCgroup>): Map<string, FigureDirs> {
  const list = [...cgs];
  const out = new Map<string, FigureDirs>();
  for (const by of CGROUP_GROUP_BYS) for (const d of groupFigureDirs(list, by).values()) if (d) out.set(dirsKey(d), d);
  return out;
}

/** Whether a process still has the names and cgroup it was first recorded with (an exec changes them). */
function sameIdentity(a: ProcIdentity, p: ProcSample): boolean {
  return a.exe === p.exe && a.cmd === p.cmd && (a.cgroup?.path ?? null) === (p.cgroup?.path ?? null);
}

/** Whether a process's figures are those of `f`, when they were read aside. */
function sameFigures(f: ProcFigureRow, p: ProcSample): boolean {
  const a = f.mem;
  const b = p.mem;
  return (
    a.ptotal === b.ptotal && a.data === b.data && a.text === b.text && a.shOth === b.shOth && a.shSYSV === b.shSYSV && a.stack === b.stack &&
    a.pswap === b.pswap && a.uss === b.uss && a.epss === b.epss && f.pssShmem === (p.pssShmem ?? 0) && f.cpu === p.cpu && f.oom === (p.oom ?? null)
  );
}

const sameCounters = (a: CgroupCounters | undefined, b: CgroupCounters): boolean =>
  a !== undefined && a.current === b.current && a.limit === b.limit && a.peak === b.peak && a.swap === b.swap && a.pressure === b.pressure;

export type StepResult = { kind: 'written'; procs: number; figures: number; events: RecordedEvent[] } | { kind: 'paused'; message: string };

export class Recorder {
  /** The processes of the last sample written, with their current figures (the victims' last figures). */
  private known = new Map<string, Known>();
  /** The figures last written per process: the baseline of "changed". */
  private written = new Map<string, ProcFigureRow>();
  /** When the figures last recorded per process were read (a figures row or a `reads` row). */
  private readAt = new Map<string, number>();
  private cgWritten = new Map<string, CgroupCounters>();
  /** The cgroups' figure directories, worked out again only when the set of cgroups changed. */
  private cgDirs: { key: string; dirs: Map<string, FigureDirs> } = { key: '', dirs: new Map() };
  private lastFull = -Infinity;
  private lastMaintain: number;
  /** Events noticed while the disk was full: written with the next sample that fits. */
  private pending: RecordedEvent[] = [];
  paused = false;

  constructor(
    private readonly source: TickSource,
    private readonly writer: RecordingWriter,
    private readonly events: EventWatcher,
    private readonly readCgroup: CgroupReader,
    private readonly o: RecorderOptions = DEFAULT_RECORDER_OPTIONS,
    now = Date.now(),
  ) {
    this.lastMaintain = now;
  }

  async step(): Promise<StepResult> {
    const { sample, newSuspects } = await this.source.tick();
    const t = sample.time;
    const full = t - this.lastFull >= this.o.fullEverySecs * 1000;
    const now = new Map<string, Known>();
    const w: TickWrite = { time: t, full, sys: systemOf(sample), procCount: sample.procs.length, started: [], figures: [], ended: [], reread: [], cgroups: [], events: [] };
    // Every process of every sample passes here: nothing is allocated for one whose names and
    // figures stayed (most of them).
    for (const p of sample.procs) {
      const key = procKey(p.pid, p.starttime);
      const before = this.known.get(key);
      // An exec keeps the pid and start time but not the names: the new names start a new row.
      const renamed = before !== undefined && !sameIdentity(before.id, p);
      const k: Known = before && !renamed && sameFigures(before.f, p) ? before : { id: before && !renamed ? before.id : identityOf(p), f: figuresOf(p) };
      now.set(key, k);
      if (renamed) w.ended.push(key);
      if (!before || renamed) w.started.push({ key, id: k.id });
      const was = this.written.get(key);
      const read = p.asOf ?? t;
      if (full || !before || renamed || !was || changedBeyond(was, k.f, this.o.thresholds)) w.figures.push({ key, f: figuresOf(p) });
      else if (this.o.thresholds.readAgain && read !== this.readAt.get(key)) {
        // Read again, unchanged: its id in this sample's `reads` row (a read is always at a sample's time).
        if (read === t) w.reread.push(key);
        else w.figures.push({ key, f: figuresOf(p) });
      }
    }
    for (const key of this.known.keys()) if (!now.has(key)) w.ended.push(key);
    const near: { dir: string; current: number | null; limit: number | null; near: boolean }[] = [];
    const cgNow = new Map<string, CgroupCounters>();
    for (const [key, d] of this.dirsOf(sample.procs)) {
      const c: CgroupCounters = this.readCgroup(d);
      cgNow.set(key, c);
      if (full || !sameCounters(this.cgWritten.get(key), c)) w.cgroups.push({ dirs: key, c });
      const fig = cgroupFigures(d.dir, c);
      if (fig) near.push({ dir: fig.dir, current: fig.current, limit: fig.limit, near: fig.nearLimit });
    }
    const seen = [
      ...this.events.check(t, this.known, now, w.ended, sample.pressure?.some ?? null),
      ...this.events.limits(t, near),
      ...newSuspects.map((s): RecordedEvent => ({ t, kind: 'leak', pid: null, name: s.key, cgroup: null, detail: { growthKb: s.verdict.growthKb, seconds: s.verdict.seconds, procs: s.verdict.procs } })),
    ];
    w.events = [...this.pending, ...seen];
    try {
      this.writer.write(w);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      this.pending = w.events;
      this.paused = true;
      return { kind: 'paused', message: e instanceof Error ? e.message : String(e) };
    }
    this.paused = false;
    this.pending = [];
    for (const key of w.ended) {
      this.written.delete(key);
      this.readAt.delete(key);
    }
    for (const { key, f } of w.figures) {
      this.written.set(key, f);
      this.readAt.set(key, readTime(f, t));
    }
    for (const key of w.reread) this.readAt.set(key, t);
    this.cgWritten = cgNow;
    if (full) this.lastFull = t;
    this.known = now;
    return { kind: 'written', procs: sample.procs.length, figures: w.figures.length, events: w.events };
  }

  private dirsOf(procs: readonly ProcSample[]): Map<string, FigureDirs> {
    const cgs = distinctCgroups(procs);
    const key = [...cgs.keys()].sort().join('\n');
    if (key !== this.cgDirs.key) this.cgDirs = { key, dirs: dirsOfCgroups(cgs.values()) };
    return this.cgDirs.dirs;
  }

  /** Thin, expire and cap when it is time (or `force`); null when it was not time. */
  maintain(now: number, force = false): MaintainResult | null {
    if (!force && now - this.lastMaintain < this.o.maintainEverySecs * 1000) return null;
    this.lastMaintain = now;
    try {
      return this.writer.maintain(now, this.o.retention, this.o.maxBytes);
    } catch (e) {
      if (isDiskFull(e)) return null; // deleting needs a little room too: the next pass tries again
      throw e;
    }
  }

  get done(): boolean {
    return this.source.done;
  }
}
