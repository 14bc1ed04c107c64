// The figure registry: every figure a row shows, declared once. The CLI text and --json
// (format.ts), the panel's columns (webview/columns.ts), the terminal window, the CSV export,
// the helper's wire tuple (src/shared/protocol.ts) and docs/columns.md's table iterate over it,
// and the Monitor asks the sampler to read only what the shown figures need (`needsOf`).
// Adding a figure: one entry here, its reader (src/proc/ or src/sampler/procread.ts) and its
// parser (src/core/); docs/architecture.md says how.
import { zeroMem, type GroupBy, type Mem } from './types';

/** What a figure needs read. */
export type Need = 'stat' | 'rollup' | 'smaps' | 'oom_score' | 'cgroup';

/** When a figure is shown: always, in one mode, or when its option is on. */
export type Shown = 'always' | 'fast' | 'detail' | 'showCpu' | 'showUss' | 'showEpss' | 'showOom' | 'cgroupGrouping';

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
  /** Its OpenMetrics name (a gauge per group; memory in bytes). */
  metric: string;
}

const MEMORY: readonly Need[] = ['rollup'];
const DETAIL: readonly Need[] = ['smaps'];

/** Every figure, in the order of the columns. */
export const FIGURES = [
  fig('cpu', 'cpu%', '%', 'CPU % over the moving window (not normalised: 4 busy CPUs = 400)', 'showCpu', ['stat'], 0, 'cpu_pct', 0, false, 'cpu', 'pmemstat_cpu_percent'),
  mem('pswap', 'pswap', 'Proportional swap (SwapPss)', 'always', MEMORY, 1, 'pswap_kb', 1, true),
  // Derived from four Mem fields: on no wire and in no JSON.
  { ...mem('other', 'other', 'shSYSV + shOth + stack + text (fast mode: Pss_File + Pss_Shmem)', 'fast', MEMORY, null, 'other_kb', 7, true), json: null },
  mem('shSYSV', 'shSYSV', 'Shared SysV memory (proportional)', 'detail', DETAIL, 2, 'shSYSV_kb', 2, true),
  mem('shOth', 'shOth', 'Other shared memory: memfd, /dev/shm, shared file maps (proportional)', 'detail', DETAIL, 3, 'shOth_kb', 3, true),
  mem('stack', 'stack', 'Main stack (proportional)', 'detail', DETAIL, 4, 'stack_kb', 4, true),
  mem('text', 'text', 'Read-only and executable maps (proportional)', 'detail', DETAIL, 5, 'text_kb', 5, true),
  mem('data', 'data', 'Private writable memory (proportional)', 'always', MEMORY, 6, 'data_kb', 6, true),
  mem('ptotal', 'ptotal', 'Proportional total (Pss, + pswap when zRAM is active)', 'always', MEMORY, 7, 'ptotal_kb', 8, true),
  mem(
    'uss',
    'uss',
    'Unique set size: Private_Clean + Private_Dirty, what only the process holds (freed if it exited)',
    'showUss',
    MEMORY,
    8,
    'uss_kb',
    9,
    false,
  ),
  mem('epss', 'pss+swap', 'Pss + SwapPss whether zRAM is active or not (htop\u2019s EPSS)', 'showEpss', MEMORY, 9, 'pss_swap_kb', 10, false),
  fig(
    'cgroup',
    'cgroup',
    'KB',
    'The kernel\u2019s usage of the group\u2019s cgroup / its limit (memory.current or memory.usage_in_bytes): it counts page cache and kernel memory, which ptotal does not. "limit?" marks a group at 90% of its limit or more.',
    'cgroupGrouping',
    ['cgroup'],
    null,
    null,
    null,
    false,
    'kernel',
    'pmemstat_cgroup_usage_bytes',
  ),
  fig(
    'oom',
    'oom',
    'score',
    'The kernel\u2019s oom_score (0\u20131000; a group shows its highest): the higher, the sooner the OOM killer picks it',
    'showOom',
    ['oom_score'],
    null,
    null,
    null,
    false,
    'oom',
    'pmemstat_oom_score',
  ),
] as const satisfies readonly Figure[];

function fig<K extends string>(
  key: K,
  label: string,
  unit: Figure['unit'],
  help: string,
  shown: Shown,
  needs: readonly Need[],
  wireAt: number | null,
  csv: string | null,
  csvAt: number | null,
  history: boolean,
  json: string,
  metric: string,
): Figure & { readonly key: K } {
  return { key, label, unit, help, shown, needs, wireAt, csv, csvAt, history, json, metric };
}

function mem<K extends MemFigureKey>(
  key: K,
  label: string,
  help: string,
  shown: Shown,
  needs: readonly Need[],
  wireAt: number | null,
  csv: string,
  csvAt: number,
  history: boolean,
): Figure & { readonly key: K } {
  return fig(key, label, 'KB', help, shown, needs, wireAt, csv, csvAt, history, `mem.${key}`, `pmemstat_${key}_bytes`);
}

/** A figure of the registry, its key one of FigureKey. */
export type RegisteredFigure = (typeof FIGURES)[number];
export type FigureKey = RegisteredFigure['key'];

/** The memory figures (in KB): a Mem field, or `other` (derived from four of them). */
export type MemFigureKey = keyof Mem | 'other';

/** The value of a memory figure. */
export function memFigure(m: Mem, key: MemFigureKey): number {
  return key === 'other' ? m.shSYSV + m.shOth + m.stack + m.text : m[key];
}

export function isMemFigure(f: Figure): f is Figure & { key: MemFigureKey } {
  return f.unit === 'KB' && f.key !== 'cgroup';
}

const BY_KEY: ReadonlyMap<string, RegisteredFigure> = new Map(FIGURES.map((f) => [f.key, f]));

/** The figure of a key (every FigureKey has one). */
export function figure(key: FigureKey): RegisteredFigure {
  const f = BY_KEY.get(key);
  if (!f) throw new Error(`no figure ${key}`);
  return f;
}

/** The options that choose the figures shown (the engine's and the panel's names). */
export interface FigureOptions {
  detail: boolean;
  showCpu: boolean;
  showUss?: boolean;
  showEpss?: boolean;
  showOom?: boolean;
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

/** A figure of the helper's member tuple: cpu or a Mem field. */
export type WireFigure = Figure & { key: 'cpu' | keyof Mem };
const MEM_FIELDS: readonly string[] = Object.keys(zeroMem());
const isWireFigure = (f: Figure): f is WireFigure => f.wireAt !== null && (f.key === 'cpu' || MEM_FIELDS.includes(f.key));

/** The figures the helper's member tuple carries, by place (every Mem field and cpu: figures.test.ts). */
export const WIRE_FIGURES: readonly WireFigure[] = FIGURES.filter(isWireFigure).sort((a, b) => (a.wireAt ?? 0) - (b.wireAt ?? 0));

/** The figures of the CSV files, by place. */
export const CSV_FIGURES: readonly Figure[] = FIGURES.filter((f) => f.csvAt !== null).sort((a, b) => (a.csvAt ?? 0) - (b.csvAt ?? 0));
