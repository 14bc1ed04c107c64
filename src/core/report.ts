// Grouping, row types (T/A/+NK/-NK/x), sorting and the leader figures (docs/columns.md).
// Pure: a Reporter keeps only the baselines it needs between samples.
import { rowMatches } from './search';
import { cgroupFigures, groupFigureDirs, placeOf, type CgroupReader, type MemberPss, type ProcCgroup } from './cgroup';
import { EventBaselines } from './cgroupMemory';
import {
  addMem,
  isCgroupGrouping,
  zeroMem,
  type GroupBy,
  type GroupMember,
  type GroupRow,
  type LeaderFigures,
  type Mem,
  type ProcSample,
  type Report,
  type ReportOptions,
  type RowType,
  type Sample,
  type SortBy,
} from './types';
import { zramEffective } from './zram';

export const TOTAL_INFO = 'TOTALS';

/**
 * A process's group key from its pid and command line alone (pid, cmd); undefined under the
 * groupings whose key needs what the sampler read (exe, unit, container, cgroup). The History
 * regroups what it remembers with it.
 */
export function keyOfCommand(pid: number, cmd: string, groupBy: GroupBy, cmdlen: number): string | undefined {
  if (groupBy === 'pid') return String(pid);
  if (groupBy === 'cmd') return cmd.slice(0, cmdlen);
  return undefined;
}

/** The group key and the info text of one process under a grouping. */
export function groupKeyOf(p: ProcSample, groupBy: GroupBy, cmdlen: number): { key: string; info: string } {
  switch (groupBy) {
    case 'exe':
      return { key: p.exe, info: p.exe };
    case 'cmd': {
      const cut = keyOfCommand(p.pid, p.cmd, groupBy, cmdlen) ?? '';
      return { key: cut, info: cut };
    }
    case 'pid':
      return { key: keyOfCommand(p.pid, p.cmd, groupBy, cmdlen) ?? '', info: `${p.pid} ${p.cmd.slice(0, cmdlen)}` };
    case 'unit':
    case 'container':
    case 'cgroup': {
      if (!p.cgroup) return { key: UNKNOWN_CGROUP, info: UNKNOWN_CGROUP };
      const { key, info } = placeOf(p.cgroup, groupBy);
      return { key, info };
    }
  }
}

/** The group of a process whose tree had no /proc/PID/cgroup (a captured tree, an old kernel). */
export const UNKNOWN_CGROUP = '(cgroup unknown)';

/**
 * Each process's member entry, made once per ProcSample: the sampler hands over the same
 * ProcSample while nothing in it changed (an idle process), and neither is mutated after.
 */
const memberOf = new WeakMap<ProcSample, GroupMember>();

function member(p: ProcSample): GroupMember {
  let m = memberOf.get(p);
  if (m) return m;
  m = { pid: p.pid, starttime: p.starttime, cmd: p.cmd, mem: p.mem, cpu: p.cpu };
  if (p.oom !== undefined) m.oom = p.oom;
  if (p.thp !== undefined) m.thp = p.thp;
  if (p.ksm !== undefined) m.ksm = p.ksm;
  if (p.asOf !== undefined) m.asOf = p.asOf;
  memberOf.set(p, m);
  return m;
}

/** Group processes (ascending pid order in, first-seen order out). */
export function groupProcs(procs: readonly ProcSample[], groupBy: GroupBy, cmdlen: number): GroupRow[] {
  const byKey = new Map<string, GroupRow>();
  for (const p of procs) {
    // By exe (the default) key and info are the exe: no object per process for them.
    const ki = groupBy === 'exe' ? null : groupKeyOf(p, groupBy, cmdlen);
    const key = ki === null ? p.exe : ki.key;
    let g = byKey.get(key);
    if (!g) {
      g = { key, info: ki === null ? p.exe : ki.info, type: '', delta: 0, mem: zeroMem(), cpu: 0, count: 0, pid: null, members: [] };
      byKey.set(key, g);
    }
    addMem(g.mem, p.mem);
    g.cpu += p.cpu;
    g.count++;
    if (p.oom !== undefined) g.oom = Math.max(g.oom ?? 0, p.oom);
    // The extras are sums (not proportional); absent (not read) stays absent, not 0.
    if (p.thp !== undefined) g.thp = (g.thp ?? 0) + p.thp;
    if (p.ksm !== undefined) g.ksm = (g.ksm ?? 0) + p.ksm;
    if (p.asOf !== undefined) g.asOf = Math.min(g.asOf ?? p.asOf, p.asOf);
    g.members.push(member(p));
  }
  for (const g of byKey.values()) g.pid = g.count === 1 ? g.members[0].pid : null;
  return [...byKey.values()];
}

export function sumRows(rows: readonly GroupRow[], info: string, type: RowType): GroupRow {
  const t: GroupRow = { key: info, info, type, delta: 0, mem: zeroMem(), cpu: 0, count: 0, pid: null, members: [] };
  for (const r of rows) {
    addMem(t.mem, r.mem);
    t.cpu += r.cpu;
    t.count += r.count;
    if (r.thp !== undefined) t.thp = (t.thp ?? 0) + r.thp;
    if (r.ksm !== undefined) t.ksm = (t.ksm ?? 0) + r.ksm;
  }
  return t;
}

export function compareRows(a: GroupRow, b: GroupRow, sortBy: SortBy): number {
  switch (sortBy) {
    case 'mem':
      return b.mem.ptotal - a.mem.ptotal;
    case 'cpu':
      return b.cpu - a.cpu || compareNames(a, b);
    case 'name':
      return compareNames(a, b);
  }
}

function compareNames(a: GroupRow, b: GroupRow): number {
  const x = a.info.toLowerCase();
  const y = b.info.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isRaised(t: RowType): boolean {
  return t !== '' && t !== 'T' && t !== 'O';
}

/** Sort in place: stable, so ties keep pid order; with rise, new/changed/vanished first. */
export function sortRows(rows: GroupRow[], sortBy: SortBy, rise: boolean): GroupRow[] {
  return rows.sort((a, b) => {
    if (rise) {
      const d = Number(isRaised(b.type)) - Number(isRaised(a.type));
      if (d) return d;
    }
    return compareRows(a, b, sortBy);
  });
}

/**
 * Whether ptotal moved far enough from the last reported value:
 * k > 0 → growth ≥ k only; k ≤ 0 → any change ≥ |k|.
 */
export function deltaType(delta: number, k: number): RowType {
  if (k > 0) return delta >= k ? `+${delta}K` : '';
  if (delta === 0 || Math.abs(delta) < -k) return '';
  return delta > 0 ? `+${delta}K` : `-${-delta}K`;
}

export class Reporter {
  /** ptotal last reported per group key: the baseline of +NK/-NK. */
  private reported = new Map<string, number>();
  /** Last sample's rows, to report vanished groups once as `x`. */
  private previous = new Map<string, GroupRow>();
  private samples = 0;
  /** Each cgroup group's memory.events when the view first saw it. */
  private readonly events = new EventBaselines();

  /**
   * `opts`: the defaults are the catalogue's (`reportOptions()`, src/shared/engineOptions.ts).
   * `cgroups` reads a group's kernel figures when grouping by unit, container or cgroup.
   */
  constructor(
    public opts: ReportOptions,
    private readonly cgroups: CgroupReader | null = null,
  ) {}

  /** Change options; a new grouping restarts the baselines (every group is new again). */
  setOptions(opts: Partial<ReportOptions>): void {
    const regroup =
      (opts.groupBy !== undefined && opts.groupBy !== this.opts.groupBy) ||
      (opts.cmdlen !== undefined && opts.cmdlen !== this.opts.cmdlen);
    this.opts = { ...this.opts, ...opts };
    if (regroup) {
      this.reported.clear();
      this.previous.clear();
      this.events.clear();
    }
  }

  get sampleCount(): number {
    return this.samples;
  }

  report(sample: Sample): Report {
    const { groupBy, cmdlen, minDeltaKb, sortBy, riseToTop } = this.opts;
    const groups = groupProcs(sample.procs, groupBy, cmdlen);
    if (this.cgroups && isCgroupGrouping(groupBy)) addKernelFigures(groups, sample.procs, groupBy, this.cgroups, this.events);
    const now = new Map<string, GroupRow>();
    for (const g of groups) {
      now.set(g.key, g);
      const base = this.reported.get(g.key);
      if (base === undefined) {
        g.type = 'A';
        this.reported.set(g.key, g.mem.ptotal);
      } else {
        const delta = g.mem.ptotal - base;
        g.type = deltaType(delta, minDeltaKb);
        if (g.type !== '') {
          g.delta = delta;
          this.reported.set(g.key, g.mem.ptotal);
        }
      }
    }
    const gone: GroupRow[] = [];
    for (const [key, old] of this.previous) {
      if (now.has(key)) continue;
      gone.push({ ...old, type: 'x', delta: 0 });
      this.reported.delete(key);
    }
    this.previous = now;
    this.samples++;

    const total = sumRows(groups, TOTAL_INFO, 'T');
    const rows = sortRows([...groups, ...gone], sortBy, riseToTop);
    return { options: { ...this.opts }, leader: leaderFigures(sample, total.mem.ptotal, this.opts.search), detail: sample.detail, total, rows };
  }
}

/**
 * Each group's kernel figures, read once per sample for the groups present (x rows keep theirs),
 * with the waterfall of its members' PSS; events count from `events`' baselines.
 */
export function addKernelFigures(
  groups: GroupRow[],
  procs: readonly ProcSample[],
  by: 'unit' | 'container' | 'cgroup',
  read: CgroupReader,
  events: EventBaselines | null = null,
): void {
  const dirs = groupFigureDirs(
    procs.flatMap((p): ProcCgroup[] => (p.cgroup ? [p.cgroup] : [])),
    by,
  );
  const shmemOf = new Map<string, number>();
  for (const p of procs) {
    if (!p.cgroup) continue;
    const key = placeOf(p.cgroup, by).key;
    shmemOf.set(key, (shmemOf.get(key) ?? 0) + (p.pssShmem ?? 0));
  }
  for (const g of groups) {
    const where = dirs.get(g.key);
    if (!where) continue;
    const members: MemberPss = { pss: pssOf(g.mem), pssShmem: shmemOf.get(g.key) ?? 0 };
    const f = cgroupFigures(where.dir, read(where), members, events ? (now) => events.changes(g.key, now) : null);
    if (f) g.kernel = f;
  }
}

/** The PSS in a Mem: ptotal without the swap it adds while zRAM is active. */
export function pssOf(m: Mem): number {
  return m.shSYSV + m.shOth + m.stack + m.text + m.data;
}

/**
 * Used memory in three parts, so that used = ΣPSS + shTmp + oth (while neither is clamped).
 * Shared memory a process maps is already in its PSS (as Pss_Shmem): Sh+Tmp counts only
 * the rest of Shmem (files in tmpfs and /dev/shm, SysV segments and memfds nobody read
 * maps), so that nothing is subtracted twice.
 */
export function splitUsed(
  used: number,
  shmem: number,
  procs: readonly Pick<ProcSample, 'pssShmem'>[],
  grandPtotal: number | null,
): { shTmp: number; oth: number | null } {
  let mapped = 0;
  for (const p of procs) mapped += p.pssShmem ?? 0;
  const shTmp = Math.max(0, shmem - mapped);
  return { shTmp, oth: grandPtotal === null ? null : Math.max(0, used - grandPtotal - shTmp) };
}

export function leaderFigures(sample: Sample, grandPtotal: number | null, search: string): LeaderFigures {
  const m = sample.meminfo;
  const used = m.memTotal - m.memAvailable;
  const { shTmp, oth } = splitUsed(used, m.shmem, sample.procs, grandPtotal);
  const stale = sample.procs.reduce((n, p) => (p.asOf === undefined ? n : n + 1), 0);
  const l: LeaderFigures = {
    time: sample.time,
    memTotal: m.memTotal,
    used,
    avail: m.memAvailable,
    oth,
    shTmp,
    dirty: m.dirty,
    pidsShown: sample.procs.length,
    pidsTotal: sample.totalUserProcs,
    inaccessible: sample.inaccessible,
    ...(sample.inaccessibleProcs ? { inaccessibleProcs: sample.inaccessibleProcs } : {}),
    search,
    kernelCpu: sample.kernelCpu,
    topKernelThreads: sample.topKernelThreads,
    zram: sample.zram ? zramEffective(m.memTotal * 1024, used * 1024, sample.zram) : null,
    majfaultsPerSec: sample.majfaultsPerSec,
    ...(sample.pressure ? { pressure: sample.pressure } : {}),
  };
  if (stale > 0) l.stale = stale;
  return l;
}

export interface ViewOptions {
  /** Plain substring of the row info or a member's command line (search.ts); '' = no search. */
  search: string;
  /** --top-pct: fold groups past this share of the grand ptotal into O (100 = none). */
  topPct: number;
  /** Fit to window: at most this many group rows (the O row takes the last one); 0 = no limit. */
  maxRows: number;
}

export interface View {
  rows: GroupRow[];
  /** The O row summing what search, top-pct or fit hid; null when nothing was hidden. */
  overflow: GroupRow | null;
  /** Processes in the rows the search keeps (the leader's "shown"). */
  pidsShown: number;
}

/** Apply search, top-pct and fit-to-window to a report's rows. */
export function applyView(report: Report, v: ViewOptions): View {
  const shown: GroupRow[] = [];
  const hidden: GroupRow[] = [];
  const grand = report.total.mem.ptotal;
  const limit = (grand * v.topPct * 1.001) / 100;
  let running = 0;
  let pidsShown = 0;
  for (const r of report.rows) {
    if (!rowMatches(r, v.search)) {
      if (r.type !== 'x') hidden.push(r);
      continue;
    }
    if (r.type !== 'x') pidsShown += r.count;
    if (v.topPct < 100 && r.type !== 'x') {
      running += r.mem.ptotal;
      if (running > limit) {
        hidden.push(r);
        continue;
      }
    }
    shown.push(r);
  }
  if (v.maxRows > 0 && shown.length + (hidden.length ? 1 : 0) > v.maxRows) {
    const keep = Math.max(0, v.maxRows - 1);
    for (const r of shown.splice(keep)) if (r.type !== 'x') hidden.push(r);
  }
  const overflow = hidden.length ? sumRows(hidden, `${hidden.length} more groups`, 'O') : null;
  return { rows: shown, overflow, pidsShown };
}
