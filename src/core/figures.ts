// The figure registry: every figure a row shows, declared once. The CLI text and --json
// (format.ts), the panel's columns (webview/columns.ts), the terminal window, the CSV export,
// the helper's wire tuple (src/shared/protocol.ts) and docs/columns.md's table iterate over it,
// and the Monitor asks the sampler to read only what the shown figures need (`needsOf`).
// Adding a figure: one entry here, its reader (src/proc/ or src/sampler/procread.ts) and its
// parser (src/core/); docs/architecture.md says how.
import type { GroupBy, Mem } from './types';

/** What a figure needs read. */
export type Need = 'stat' | 'rollup' | 'smaps' | 'oom_score' | 'cgroup' | 'thp' | 'ksm_stat';

/** When a figure is shown: always, in one mode, when its option is on, or never (the exporter's alone). */
export type Shown = 'always' | 'fast' | 'detail' | 'showCpu' | 'showUss' | 'showEpss' | 'showOom' | 'showThp' | 'showKsm' | 'cgroupGrouping' | 'never';

export interface Figure {
  /** Its id: the column's name in the panel, and the Mem field for a memory figure. */
  key: string;
  /** The column's header. */
  label: string;
  unit: 'KB' | '%' | 'score';
  /** The column's tooltip and the line of docs/columns.md's figure table. */
  help: string;
  shown: Shown;
  needs: readonly Need[];
  /** Its place in the helper's member tuple after pid, starttime, cmd (null: not on the wire; `other` is derived). */
  wireAt: number | null;
  /** Its column in the CSV files (null: not in them) and its place among the figures there. */
  csv: string | null;
  csvAt: number | null;
  /** Whether the history keeps it (or derives it), so the group-history CSV has it. */
  history: boolean;
  /** Its name in --json and snapshot files (a field of the row, `mem.` for a memory figure; null: derived, not stored). */
  json: string | null;
  /** The exporter's gauge of it per group (src/core/metrics.ts; memory in bytes), or null: not exported. */
  metric: { name: string; help: string } | null;
}

/** A memory figure's names elsewhere: `NAME_kb` in CSV, `mem.KEY` in JSON. */
const kb = (csv: string, csvAt: number) => ({ unit: 'KB', csv: `${csv}_kb`, csvAt }) as const;

/** Every figure, in the order of the columns (a figure shown `never` is in no column: the exporter's Pss alone). */
export const FIGURES = [
  {
    key: 'cpu',
    label: 'cpu%',
    unit: '%',
    help: 'CPU % over the moving window (not normalised: 4 busy CPUs = 400)',
    shown: 'showCpu',
    needs: ['stat'],
    wireAt: 0,
    csv: 'cpu_pct',
    csvAt: 0,
    history: false,
    json: 'cpu',
    metric: null,
  },
  {
    key: 'pswap',
    label: 'pswap',
    ...kb('pswap', 1),
    help: 'Proportional swap (SwapPss)',
    shown: 'always',
    needs: ['rollup'],
    wireAt: 1,
    history: true,
    json: 'mem.pswap',
    metric: { name: 'pmemstat_group_swap_pss_bytes', help: 'Proportional swap (SwapPss) of the processes of a group.' },
  },
  // Derived from four Mem fields: on no wire and in no JSON.
  { key: 'other', label: 'other', ...kb('other', 7), help: 'shSYSV + shOth + stack + text (fast mode: Pss_File + Pss_Shmem)', shown: 'fast', needs: ['rollup'], wireAt: null, history: true, json: null, metric: null },
  { key: 'shSYSV', label: 'shSYSV', ...kb('shSYSV', 2), help: 'Shared SysV memory (proportional)', shown: 'detail', needs: ['smaps'], wireAt: 2, history: true, json: 'mem.shSYSV', metric: null },
  {
    key: 'shOth',
    label: 'shOth',
    ...kb('shOth', 3),
    help: 'Other shared memory: memfd, /dev/shm, shared file maps (proportional)',
    shown: 'detail',
    needs: ['smaps'],
    wireAt: 3,
    history: true,
    json: 'mem.shOth',
    metric: null,
  },
  { key: 'stack', label: 'stack', ...kb('stack', 4), help: 'Main stack (proportional)', shown: 'detail', needs: ['smaps'], wireAt: 4, history: true, json: 'mem.stack', metric: null },
  { key: 'text', label: 'text', ...kb('text', 5), help: 'Read-only and executable maps (proportional)', shown: 'detail', needs: ['smaps'], wireAt: 5, history: true, json: 'mem.text', metric: null },
  { key: 'data', label: 'data', ...kb('data', 6), help: 'Private writable memory (proportional)', shown: 'always', needs: ['rollup'], wireAt: 6, history: true, json: 'mem.data', metric: null },
  {
    key: 'ptotal',
    label: 'ptotal',
    ...kb('ptotal', 8),
    help: 'Proportional total (Pss, + pswap when zRAM is active)',
    shown: 'always',
    needs: ['rollup'],
    wireAt: 7,
    history: true,
    json: 'mem.ptotal',
    metric: null,
  },
  {
    key: 'uss',
    label: 'uss',
    ...kb('uss', 9),
    help: 'Unique set size: Private_Clean + Private_Dirty, what only the process holds (freed if it exited)',
    shown: 'showUss',
    needs: ['rollup'],
    wireAt: 8,
    history: false,
    json: 'mem.uss',
    metric: { name: 'pmemstat_group_uss_bytes', help: 'Unique set size (Private_Clean + Private_Dirty) of the processes of a group.' },
  },
  {
    key: 'epss',
    label: 'pss+swap',
    unit: 'KB',
    csv: 'pss_swap_kb',
    csvAt: 10,
    help: 'Pss + SwapPss whether zRAM is active or not (htop\u2019s EPSS)',
    shown: 'showEpss',
    needs: ['rollup'],
    wireAt: 9,
    history: false,
    json: 'mem.epss',
    metric: null,
  },
  // The per-process extras (src/core/procExtras.ts): row fields, not Mem's; on no wire (the helper does not send them).
  {
    key: 'thp',
    label: 'thp',
    unit: 'KB',
    csv: null,
    csvAt: null,
    help: 'Anonymous memory in transparent huge pages (AnonHugePages of smaps_rollup, or of smaps in detail mode): not proportional, a group\u2019s sum',
    shown: 'showThp',
    needs: ['rollup', 'thp'],
    wireAt: null,
    history: false,
    json: 'thp',
    metric: null,
  },
  {
    key: 'ksm',
    label: 'ksm',
    unit: 'KB',
    csv: null,
    csvAt: null,
    help: 'Memory of the pages KSM merged with identical ones (ksm_merging_pages of /proc/PID/ksm_stat \u00d7 the page size), a group\u2019s sum; empty where the kernel has no ksm_stat',
    shown: 'showKsm',
    needs: ['ksm_stat'],
    wireAt: null,
    history: false,
    json: 'ksm',
    metric: null,
  },
  // Pss alone (pss+swap − pswap, whether zRAM is active or not): the exporter's, in no column.
  {
    key: 'pss',
    label: 'pss',
    unit: 'KB',
    csv: null,
    csvAt: null,
    help: 'Pss alone: pss+swap \u2212 pswap, without swap whether zRAM is active or not',
    shown: 'never',
    needs: ['rollup'],
    wireAt: null,
    history: false,
    json: null,
    metric: { name: 'pmemstat_group_pss_bytes', help: 'Proportional set size (Pss) of the processes of a group.' },
  },
  {
    key: 'cgroup',
    label: 'cgroup',
    unit: 'KB',
    help: 'The kernel\u2019s usage of the group\u2019s cgroup / its limit (memory.current or memory.usage_in_bytes): it counts page cache and kernel memory, which ptotal does not. "limit?" marks a group at 90% of its limit or more.',
    shown: 'cgroupGrouping',
    needs: ['cgroup'],
    wireAt: null,
    csv: null,
    csvAt: null,
    history: false,
    json: 'kernel',
    metric: { name: 'pmemstat_group_cgroup_usage_bytes', help: "The kernel's memory usage of the group's cgroup (memory.current, or v1 usage_in_bytes)." },
  },
  {
    key: 'oom',
    label: 'oom',
    unit: 'score',
    help: 'The kernel\u2019s oom_score (0\u20131000; a group shows its highest): the higher, the sooner the OOM killer picks it',
    shown: 'showOom',
    needs: ['oom_score'],
    wireAt: null,
    csv: null,
    csvAt: null,
    history: false,
    json: 'oom',
    metric: null,
  },
] as const satisfies readonly Figure[];

/** A figure of the registry, its key one of FigureKey. */
export type RegisteredFigure = (typeof FIGURES)[number];
export type FigureKey = RegisteredFigure['key'];
/** The figures of a column (all but those shown `never`). */
export type ColumnFigureKey = Exclude<RegisteredFigure, { shown: 'never' }>['key'];
export const isColumnFigure = (f: RegisteredFigure): f is Exclude<RegisteredFigure, { shown: 'never' }> => f.shown !== 'never';

/** The memory figures (in KB): a Mem field, or `other` and `pss` (derived from them). */
export type MemFigureKey = keyof Mem | 'other' | 'pss';

/** The value of a memory figure. */
export function memFigure(m: Mem, key: MemFigureKey): number {
  if (key === 'other') return m.shSYSV + m.shOth + m.stack + m.text;
  // ptotal adds SwapPss when zRAM is active, epss always does.
  return key === 'pss' ? m.epss - m.pswap : m[key];
}

/** The per-process extras: KB figures of a row or member, absent when not read (not 0). */
export type ExtraFigureKey = 'thp' | 'ksm';
export const isExtraFigureKey = (key: string): key is ExtraFigureKey => key === 'thp' || key === 'ksm';

export function isMemFigure(f: Figure): f is Figure & { key: MemFigureKey } {
  return f.unit === 'KB' && f.key !== 'cgroup' && !isExtraFigureKey(f.key);
}

const BY_KEY: ReadonlyMap<string, RegisteredFigure> = new Map(FIGURES.map((f) => [f.key, f]));

/** The figure of a key (every FigureKey has one), as declared. */
export function figure<K extends FigureKey>(key: K): Extract<RegisteredFigure, { key: K }> {
  const f = BY_KEY.get(key);
  if (!f) throw new Error(`no figure ${key}`);
  return f as Extract<RegisteredFigure, { key: K }>;
}

/** The options that choose the figures shown (the engine's and the panel's names). */
export interface FigureOptions {
  detail: boolean;
  showCpu: boolean;
  showUss?: boolean;
  showEpss?: boolean;
  showOom?: boolean;
  showThp?: boolean;
  showKsm?: boolean;
  groupBy?: GroupBy;
}

const CGROUP_GROUPINGS: readonly string[] = ['unit', 'container', 'cgroup'];

export function isShown(f: Figure, o: FigureOptions): boolean {
  switch (f.shown) {
    case 'always':
      return true;
    case 'fast':
      return !o.detail;
    case 'detail':
      return o.detail;
    case 'cgroupGrouping':
      return o.groupBy !== undefined && CGROUP_GROUPINGS.includes(o.groupBy);
    case 'never':
      return false;
    default:
      return o[f.shown] === true;
  }
}

/** The figures shown, in column order. */
export function shownFigures(o: FigureOptions): RegisteredFigure[] {
  return FIGURES.filter((f) => isShown(f, o));
}

/** What the shown figures need read: the sampler reads only these (src/engine/monitor.ts). */
export function needsOf(figures: readonly Figure[]): Set<Need> {
  return new Set(figures.flatMap((f) => f.needs));
}

/** A figure of the helper's member tuple (cpu and the Mem fields: protocol.ts reads `mem[key]` of the others, so the compiler holds them to Mem). */
export type WireFigure = Extract<RegisteredFigure, { wireAt: number }>;
const isWireFigure = (f: RegisteredFigure): f is WireFigure => f.wireAt !== null;

/** The figures the helper's member tuple carries, by place (every Mem field and cpu: figures.test.ts). */
export const WIRE_FIGURES: readonly WireFigure[] = FIGURES.filter(isWireFigure).sort((a, b) => (a.wireAt ?? 0) - (b.wireAt ?? 0));

/** The figures of the CSV files, by place. */
export const CSV_FIGURES: readonly Figure[] = FIGURES.filter((f) => f.csvAt !== null).sort((a, b) => (a.csvAt ?? 0) - (b.csvAt ?? 0));
