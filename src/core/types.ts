// Shared data shapes of the pure core. Every memory figure is in KB (1024 bytes),
// exactly as the kernel prints it; conversion to display units happens only in units.ts.
import type { CgroupFigures, Pressure, ProcCgroup } from './cgroup';

/**
 * The memory categories (docs/columns.md#the-columns). In fast mode the rollup fills them as
 * data = Pss_Anon, text = Pss_File, shOth = Pss_Shmem, pswap = SwapPss, so that
 * "other" (otherOf) is Pss_File + Pss_Shmem in both modes.
 */
export interface Mem {
  pswap: number;
  shSYSV: number;
  shOth: number;
  stack: number;
  text: number;
  data: number;
  /** shSYSV + shOth + stack + text + data (+ pswap when zRAM is active). */
  ptotal: number;
  /** Private_Clean + Private_Dirty: what only this process holds (USS); an optional column. */
  uss: number;
  /** Pss + SwapPss whether zRAM is active or not (htop's EPSS): the optional `pss+swap` column. */
  epss: number;
}

/** The figures the history keeps and the charts draw. */
export const MEM_KEYS = ['pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal'] as const;
export type MemKey = (typeof MEM_KEYS)[number];
/** Every figure of a Mem: MEM_KEYS and the optional columns' (which the history does not keep). */
export const ALL_MEM_KEYS = [...MEM_KEYS, 'uss', 'epss'] as const satisfies readonly (keyof Mem)[];

export function zeroMem(): Mem {
  return { pswap: 0, shSYSV: 0, shOth: 0, stack: 0, text: 0, data: 0, ptotal: 0, uss: 0, epss: 0 };
}

export function addMem(into: Mem, m: Mem): void {
  into.pswap += m.pswap;
  into.shSYSV += m.shSYSV;
  into.shOth += m.shOth;
  into.stack += m.stack;
  into.text += m.text;
  into.data += m.data;
  into.ptotal += m.ptotal;
  into.uss += m.uss;
  into.epss += m.epss;
}

/** "other" of fast mode and of the collapsed view: the four non-data categories. */
export function otherOf(m: Mem): number {
  return m.shSYSV + m.shOth + m.stack + m.text;
}

/** The fields of smaps_rollup that pmemstat uses (KB). */
export interface Rollup {
  pss: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
  swapPss: number;
  /** Private_Clean + Private_Dirty. */
  uss: number;
  /** AnonHugePages: anonymous memory in transparent huge pages (the `thp` column). */
  anonHuge: number;
}

/** The fields of /proc/meminfo that pmemstat uses (KB). */
export interface MemInfo {
  memTotal: number;
  memAvailable: number;
  shmem: number;
  dirty: number;
  swapTotal: number;
  swapFree: number;
}

/** The aggregate "cpu" line of /proc/stat. */
export interface CpuStat {
  /** Sum of all fields of the aggregate cpu line (ticks). */
  totalTicks: number;
  /** Number of cpuN lines. */
  ncpu: number;
}

/** The fields of /proc/PID/stat that pmemstat uses. */
export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /**
   * A kernel thread: PF_KTHREAD in the flags field. Neither the pid nor the parent tells
   * (kthreadd is pid 2 only in the root PID namespace; in a container pid 2 is a user's).
   */
  kthread: boolean;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Field 22, clock ticks after boot: with the pid it identifies a process. */
  starttime: number;
}

/** Sum over zram devices of the first fields of mm_stat, and disksize (bytes). */
export interface ZramStats {
  origDataSize: number;
  comprDataSize: number;
  memUsedTotal: number;
  memLimit: number;
  disksize: number;
}

export type GroupBy = 'exe' | 'cmd' | 'pid' | CgroupGroupBy;
/** The groupings by where a process runs (src/core/cgroup.ts). */
export type CgroupGroupBy = 'unit' | 'container' | 'cgroup';
export const CGROUP_GROUP_BYS: readonly CgroupGroupBy[] = ['unit', 'container', 'cgroup'];
export const GROUP_BYS: readonly GroupBy[] = ['exe', 'cmd', 'pid', ...CGROUP_GROUP_BYS];
export const isCgroupGrouping = (g: GroupBy): g is CgroupGroupBy => (CGROUP_GROUP_BYS as readonly string[]).includes(g);
export type SortBy = 'mem' | 'cpu' | 'name';
export const SORT_BYS: readonly SortBy[] = ['mem', 'cpu', 'name'];
export type Units = 'MB' | 'mB' | 'KB' | 'human';

/** One user process in one sample. */
export interface ProcSample {
  pid: number;
  starttime: number;
  /** Group key (docs/columns.md#the-exe-key, e.g. `python3->pmemstat.py`). */
  exe: string;
  /** The whole command string (exe key step 7), not yet cut to cmdlen. */
  cmd: string;
  mem: Mem;
  /** utime + stime ticks (for CPU%). */
  ticks: number;
  /** CPU% over the moving window (0 on a process's first sample). */
  cpu: number;
  /** Its cgroup, read once per process; absent where the tree has no /proc/PID/cgroup. */
  cgroup?: ProcCgroup;
  /** /proc/PID/oom_score, read only when the `oom` column is wanted. */
  oom?: number;
  /** AnonHugePages (KB), kept only when the `thp` column is wanted. */
  thp?: number;
  /** KSM-merged pages (KB) of /proc/PID/ksm_stat, read only when the `ksm` column is wanted and the kernel has it. */
  ksm?: number;
  /**
   * KB of this process's PSS that is shared memory (shmem/tmpfs pages): the rollup's
   * Pss_Shmem, or, when only smaps was read, parseSmapsDetail's estimate (src/core/smaps.ts).
   * Absent counts as 0.
   */
  pssShmem?: number;
  /** Set when `mem` was read at an earlier tick (ms epoch): the walk budget left it for later. */
  asOf?: number;
}

/** A process named by pid and a printable name (its command line, or comm when that is unreadable). */
export interface NamedPid {
  pid: number;
  name: string;
}

/** At most this many processes that could not be read are named (the count says how many in all). */
export const MAX_NAMED_INACCESSIBLE = 50;

export interface KernelThreadCpu {
  pid: number;
  comm: string;
  cpu: number;
}

/** Everything one sample read; the input of grouping and reporting. */
export interface Sample {
  /** Wall-clock time of the sample, ms since the epoch. */
  time: number;
  meminfo: MemInfo;
  cpu: CpuStat;
  pgmajfault: number;
  /** null when zRAM is not active (no device with disksize > 0). */
  zram: ZramStats | null;
  /** Wanted, readable user processes in ascending pid order. */
  procs: ProcSample[];
  /** User processes (kernel threads and zombies excluded). */
  totalUserProcs: number;
  /** User processes left out because a file was not readable (EACCES/EPERM). */
  inaccessible: number;
  /** The first MAX_NAMED_INACCESSIBLE of them, by pid (absent: none named). */
  inaccessibleProcs?: NamedPid[];
  /** User processes left out by the pid/name filter. */
  filtered: number;
  /** Kernel CPU% (sum over kernel threads) and the busiest kernel threads. */
  kernelCpu: number;
  topKernelThreads: KernelThreadCpu[];
  /** Major faults per second since the previous sample (0 on the first). */
  majfaultsPerSec: number;
  /** Whether per-mapping categories were read (detail mode). */
  detail: boolean;
  /** /proc/pressure/memory; null where the kernel has no PSI. */
  pressure?: Pressure | null;
}

/** Row type (docs/columns.md#the-other-columns). '' = unchanged. Deltas are '+NK' / '-NK'. */
export type RowType = 'T' | 'A' | 'O' | 'x' | '' | `+${number}K` | `-${number}K`;

export interface GroupMember {
  pid: number;
  starttime: number;
  cmd: string;
  mem: Mem;
  cpu: number;
  /** /proc/PID/oom_score (when read). */
  oom?: number;
  /** AnonHugePages and KSM-merged pages, KB (when read). */
  thp?: number;
  ksm?: number;
  /** As ProcSample.asOf: absent when read this tick. */
  asOf?: number;
}

/** One row of the report: a group, the total, or the overflow. */
export interface GroupRow {
  /** Group key: exe key, cut cmd string, or the pid as a string. */
  key: string;
  /** What the last column shows (the key, or "PID cmd" with -g pid, or TOTALS). */
  info: string;
  type: RowType;
  /** ptotal change in KB that produced a +NK/-NK type (0 otherwise). */
  delta: number;
  mem: Mem;
  cpu: number;
  /** Number of processes. */
  count: number;
  /** The pid when the group has exactly one process (shown instead of `1x` in exe/cmd mode). */
  pid: number | null;
  members: GroupMember[];
  /** The largest oom_score of its members (when read): the group the kernel would hit first. */
  oom?: number;
  /** The sums of its members' AnonHugePages and KSM-merged pages, KB (when any was read). */
  thp?: number;
  ksm?: number;
  /** Grouped by unit, container or cgroup: the kernel's own figures of the group's cgroup. */
  kernel?: CgroupFigures;
  /** The oldest member figure's time when any is older than the tick (ms epoch). */
  asOf?: number;
}

export interface LeaderFigures {
  time: number;
  memTotal: number;
  used: number;
  avail: number;
  /**
   * Used memory no process's PSS and no Sh+Tmp accounts for (kernel, page tables, slab,
   * unread processes): used − ΣPSS − shTmp, not below 0. null before the first sample.
   */
  oth: number | null;
  /** Shared memory (Shmem: tmpfs, /dev/shm, SysV, memfd) that no process read maps: Shmem − ΣPss_Shmem, not below 0. */
  shTmp: number;
  dirty: number;
  pidsShown: number;
  pidsTotal: number;
  inaccessible: number;
  /** The first of the inaccessible processes (at most MAX_NAMED_INACCESSIBLE; absent in older snapshots). */
  inaccessibleProcs?: NamedPid[];
  search: string;
  kernelCpu: number;
  topKernelThreads: KernelThreadCpu[];
  zram: ZramEffective | null;
  majfaultsPerSec: number;
  /** System memory pressure (PSI avg10 of /proc/pressure/memory); absent/null without PSI. */
  pressure?: Pressure | null;
  /** Processes whose figures are older than this tick (set only when some are). */
  stale?: number;
}

/** Effective memory with zRAM (docs/columns.md#the-second-line), in bytes. */
export interface ZramEffective {
  zramUsed: number;
  ratio: number;
  eTot: number;
  eUsed: number;
  eAvail: number;
}

export interface ReportOptions {
  groupBy: GroupBy;
  sortBy: SortBy;
  /** --min-delta-kb: the +NK/-NK threshold. */
  minDeltaKb: number;
  /** Raise new/changed groups to the top. */
  riseToTop: boolean;
  cmdlen: number;
  search: string;
}

/** A grouped, typed sample: what the CLI prints, the helper sends and the panel shows. */
export interface Report {
  /** What it was made with: its grouping (the group keys), cmdlen, sort, rise and threshold. */
  options: ReportOptions;
  leader: LeaderFigures;
  detail: boolean;
  total: GroupRow;
  /** Groups in display order (after rise and sort), including `x` rows of vanished groups. */
  rows: GroupRow[];
}
