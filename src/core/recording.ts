// What the flight recorder keeps of a sample, and how a sample is put back together from it
// (docs/recorder.md). Pure: src/recorder/store.ts writes and reads the rows.
import type { ProcCgroup } from './cgroup';
import type { Mem, ProcSample, Sample } from './types';

/** One process's figures as a row holds them (KB; cpu in %). */
export interface ProcFigureRow {
  mem: Mem;
  pssShmem: number;
  cpu: number;
  oom: number | null;
  asOf: number | null;
}

/** Who a process is: what identifies it and what groups it (written once per process). */
export interface ProcIdentity {
  pid: number;
  starttime: number;
  exe: string;
  cmd: string;
  cgroup: ProcCgroup | null;
}

/** Everything of a sample but its processes: the leader's inputs. */
export type SystemFigures = Omit<Sample, 'procs' | 'time'>;

/**
 * When a process's figures count as changed. 0 and 0 (the defaults) record every change, so a
 * replay gives exactly the figures the live view showed; larger values trade that for size.
 */
export interface Thresholds {
  /** KB any memory figure must move by. */
  kb: number;
  /** Percentage points cpu must move by. */
  cpu: number;
  /**
   * Whether figures read again but unchanged are recorded (their time moves: the live view stops
   * dimming them). With the walk budget every process is read again at least every max-age
   * seconds, so this is most of what an idle machine writes: one process id in the sample's
   * `reads` row, not a figures row.
   */
  readAgain: boolean;
}

export const EXACT: Thresholds = { kb: 0, cpu: 0, readAgain: true };

/** `--threshold-kb N` (N > 0): moves of N KB, half a point of CPU, and no row for a figure only read again. */
export const coarse = (kb: number): Thresholds => ({ kb, cpu: 0.5, readAgain: false });

export function figuresOf(p: ProcSample): ProcFigureRow {
  return { mem: { ...p.mem }, pssShmem: p.pssShmem ?? 0, cpu: p.cpu, oom: p.oom ?? null, asOf: p.asOf ?? null };
}

export function identityOf(p: ProcSample): ProcIdentity {
  return { pid: p.pid, starttime: p.starttime, exe: p.exe, cmd: p.cmd, cgroup: p.cgroup ?? null };
}

/**
 * Whether `now`'s figures differ from those last written beyond the thresholds. When they were
 * read is not a figure: a recording keeps the time of each read (`readTime`) apart.
 */
export function changedBeyond(was: ProcFigureRow, now: ProcFigureRow, t: Thresholds): boolean {
  const m = now.mem;
  const w = was.mem;
  const kb = t.kb;
  // Unrolled: this runs for every process of every sample.
  if (Math.abs(m.ptotal - w.ptotal) > kb || Math.abs(m.data - w.data) > kb || Math.abs(m.text - w.text) > kb) return true;
  if (Math.abs(m.shOth - w.shOth) > kb || Math.abs(m.shSYSV - w.shSYSV) > kb || Math.abs(m.stack - w.stack) > kb) return true;
  if (Math.abs(m.pswap - w.pswap) > kb || Math.abs(m.uss - w.uss) > kb || Math.abs(m.epss - w.epss) > kb) return true;
  if (Math.abs(now.pssShmem - was.pssShmem) > kb) return true;
  if (Math.abs(now.cpu - was.cpu) > t.cpu) return true;
  return now.oom !== was.oom;
}

/** When a sample's figures of a process were read: the sample's own time unless they are older. */
export const readTime = (f: ProcFigureRow, sampleTime: number): number => f.asOf ?? sampleTime;

/** The `asOf` a replay at `t` gives figures read at `read`: none when read at that very sample. */
export const asOfAt = (read: number, t: number): number | null => (read < t ? read : null);

/** The process key a recording uses: pid and start time identify a process. */
export const procKey = (pid: number, starttime: number): string => `${pid}:${starttime}`;

export function systemOf(s: Sample): SystemFigures {
  const { procs: _procs, time: _time, ...rest } = s;
  return rest;
}

/** A sample again, from what was recorded at `time`: processes in ascending pid order, as the sampler gives them. */
export function sampleFrom(time: number, sys: SystemFigures, procs: readonly { id: ProcIdentity; f: ProcFigureRow }[]): Sample {
  const out: ProcSample[] = procs.map(({ id, f }) => {
    const p: ProcSample = { pid: id.pid, starttime: id.starttime, exe: id.exe, cmd: id.cmd, mem: { ...f.mem }, ticks: 0, cpu: f.cpu };
    if (id.cgroup) p.cgroup = id.cgroup;
    if (f.oom !== null) p.oom = f.oom;
    if (f.pssShmem !== 0) p.pssShmem = f.pssShmem;
    if (f.asOf !== null) p.asOf = f.asOf;
    return p;
  });
  out.sort((a, b) => a.pid - b.pid);
  return { ...sys, time, procs: out };
}

/** FNV-1a of a name's UTF-16 code units, 32 bits: finds a name again without an index of the names themselves. */
export function nameHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}
