// One recorder step: take a sample, write what changed (a whole frame at a fixed period), the
// cgroups' kernel figures and the events; now and then thin and cap the recording.
import { cgroupFigures, groupFigureDirs, type CgroupCounters, type CgroupReader, type FigureDirs, type ProcCgroup } from '../core/cgroup';
import { changedBeyond, EXACT, figuresOf, identityOf, procKey, systemOf, type ProcFigureRow, type ProcIdentity, type Thresholds } from '../core/recording';
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
  const cgs = procs.flatMap((p): ProcCgroup[] => (p.cgroup ? [p.cgroup] : []));
  const out = new Map<string, FigureDirs>();
  for (const by of CGROUP_GROUP_BYS) for (const d of groupFigureDirs(cgs, by).values()) if (d) out.set(dirsKey(d), d);
  return out;
}

function sameIdentity(a: ProcIdentity, b: ProcIdentity): boolean {
  return a.exe === b.exe && a.cmd === b.cmd && (a.cgroup?.path ?? null) === (b.cgroup?.path ?? null);
}

export type StepResult = { kind: 'written'; procs: number; figures: number; events: RecordedEvent[] } | { kind: 'paused'; message: string };

export class Recorder {
  /** The processes of the last sample written, with their current figures (the victims' last figures). */
  private known = new Map<string, Known>();
  /** The figures last written per process: the baseline of "changed". */
  private written = new Map<string, ProcFigureRow>();
  private cgWritten = new Map<string, string>();
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
    const w: TickWrite = { time: t, full, sys: systemOf(sample), procCount: sample.procs.length, started: [], figures: [], ended: [], cgroups: [], events: [] };
    for (const p of sample.procs) {
      const key = procKey(p.pid, p.starttime);
      const f = figuresOf(p);
      const id = identityOf(p);
      now.set(key, { id, f });
      const before = this.known.get(key);
      // An exec keeps the pid and start time but not the names: the new names start a new row.
      const renamed = before !== undefined && !sameIdentity(before.id, id);
      if (renamed) w.ended.push(key);
      if (!before || renamed) w.started.push({ key, id });
      const was = this.written.get(key);
      if (full || !before || renamed || !was || changedBeyond(was, f, this.o.thresholds)) w.figures.push({ key, f });
    }
    for (const key of this.known.keys()) if (!now.has(key)) w.ended.push(key);
    const near: { dir: string; current: number | null; limit: number | null; near: boolean }[] = [];
    const cgNow = new Map<string, string>();
    for (const [key, d] of cgroupDirsOf(sample.procs)) {
      const c: CgroupCounters = this.readCgroup(d);
      const text = JSON.stringify(c);
      cgNow.set(key, text);
      if (full || this.cgWritten.get(key) !== text) w.cgroups.push({ dirs: key, c });
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
    for (const key of w.ended) this.written.delete(key);
    for (const { key, f } of w.figures) this.written.set(key, f);
    this.cgWritten = cgNow;
    if (full) this.lastFull = t;
    this.known = now;
    return { kind: 'written', procs: sample.procs.length, figures: w.figures.length, events: w.events };
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
