// Pure logic of the panel: columns, sorting by any column, the view (search, top-pct,
// fit-to-window), the navigable row list, option cycling and the key map.
// No DOM here: dom.ts renders what these functions decide.
import { formatCpu, countText } from '../src/core/format';
import { signedKb } from '../src/core/compare';
import { applyView, compareRows, isRaised, type View } from '../src/core/report';
import { otherOf, type GroupRow, type Mem, type Report, type SortBy } from '../src/core/types';
import { formatKb } from '../src/core/units';
import {
  CPU_AVG_LIST,
  GROUP_BYS,
  SORT_BYS,
  UNIT_LIST,
  type LeakInfo,
  type PanelSettings,
} from '../src/shared/webviewProtocol';
import type { Units } from '../src/core/types';

export type ColumnName =
  | 'line'
  | 'cpu'
  | 'pswap'
  | 'other'
  | 'shSYSV'
  | 'shOth'
  | 'stack'
  | 'text'
  | 'data'
  | 'ptotal'
  | 'trend'
  | 'type'
  | 'count'
  | 'info';

export type SortableColumn = Exclude<ColumnName, 'line' | 'trend'>;
export type SortDir = 'asc' | 'desc';
export interface ColumnSort {
  col: SortableColumn;
  dir: SortDir;
}

export const COLUMN_LABELS: Record<ColumnName, string> = {
  line: '#',
  cpu: 'cpu%',
  pswap: 'pswap',
  other: 'other',
  shSYSV: 'shSYSV',
  shOth: 'shOth',
  stack: 'stack',
  text: 'text',
  data: 'data',
  ptotal: 'ptotal',
  trend: 'trend',
  type: 'type',
  count: 'count',
  info: 'key/info',
};

export const COLUMN_TITLES: Record<ColumnName, string> = {
  line: 'Row number',
  cpu: 'CPU % over the moving window (not normalised: 4 busy CPUs = 400)',
  pswap: 'Proportional swap (SwapPss)',
  other: 'shSYSV + shOth + stack + text (fast mode: Pss_File + Pss_Shmem)',
  shSYSV: 'Shared SysV memory (proportional)',
  shOth: 'Other shared memory: memfd, /dev/shm, shared file maps (proportional)',
  stack: 'Main stack (proportional)',
  text: 'Read-only and executable maps (proportional)',
  data: 'Private writable memory (proportional)',
  ptotal: 'Proportional total (Pss, + pswap when zRAM is active)',
  trend: 'ptotal over the last samples (each row on its own scale); "leak?" marks a group whose ptotal keeps rising. Select a row for its chart.',
  type: 'T total, A new, +NK/-NK changed since last shown, x vanished, O folded rows',
  count: 'Processes (or the pid of a single-process group)',
  info: 'Group key / command',
};

/** The columns shown, in order (the panel shows the trend column; the CLI's layout has none). */
export function columnsFor(detail: boolean, showCpu: boolean, lineNumbers: boolean, trend = false): ColumnName[] {
  const cols: ColumnName[] = [];
  if (lineNumbers) cols.push('line');
  if (showCpu) cols.push('cpu');
  if (detail) cols.push('pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal');
  else cols.push('pswap', 'other', 'data', 'ptotal');
  if (trend) cols.push('trend');
  cols.push('type', 'count', 'info');
  return cols;
}

/** How a leak suspect is described (badge tooltip, row label). */
export function leakText(l: LeakInfo, units: Units): string {
  return `suspected leak: ptotal ${signedKb(l.growthKb, units)} ${units} in ${Math.round(l.seconds)} s (rose in ${l.rises} of ${l.steps} samples)`;
}

/** The leader's leak count ("" when there are none). */
export function leakCountText(n: number): string {
  return n > 0 ? ` ${n} leak suspect${n === 1 ? '' : 's'}` : '';
}

export const NUMERIC_COLUMNS: ReadonlySet<ColumnName> = new Set([
  'line',
  'cpu',
  'pswap',
  'other',
  'shSYSV',
  'shOth',
  'stack',
  'text',
  'data',
  'ptotal',
  'count',
]);

/** The column sort that a sortBy setting means. */
export function naturalSort(sortBy: SortBy): ColumnSort {
  switch (sortBy) {
    case 'mem':
      return { col: 'ptotal', dir: 'desc' };
    case 'cpu':
      return { col: 'cpu', dir: 'desc' };
    case 'name':
      return { col: 'info', dir: 'asc' };
  }
}

/** The sortBy setting a column sort stands for, if any. */
export function sortByOf(s: ColumnSort): SortBy | null {
  for (const by of SORT_BYS) {
    const n = naturalSort(by);
    if (n.col === s.col && n.dir === s.dir) return by;
  }
  return null;
}

export function effectiveSort(sortBy: SortBy, local: ColumnSort | null): ColumnSort {
  return local ?? naturalSort(sortBy);
}

export function defaultDir(col: SortableColumn): SortDir {
  return col === 'info' ? 'asc' : 'desc';
}

/**
 * A click on a header: the same column flips its direction, another starts with its
 * default. Returns the new sortBy setting (when the result is one) or a local column sort.
 */
export function clickSort(current: ColumnSort, col: SortableColumn): { sortBy: SortBy; local: null } | { sortBy: null; local: ColumnSort } {
  const next: ColumnSort =
    current.col === col ? { col, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { col, dir: defaultDir(col) };
  const by = sortByOf(next);
  return by ? { sortBy: by, local: null } : { sortBy: null, local: next };
}

/** Type column order: new, growth (largest first), shrink, vanished, unchanged. */
function typeRank(r: GroupRow): number {
  const t = r.type;
  if (t === 'A') return 0;
  if (t.startsWith('+')) return 1;
  if (t.startsWith('-')) return 2;
  if (t === 'x') return 3;
  return 4;
}

function columnValue(r: GroupRow, col: SortableColumn): number | string {
  switch (col) {
    case 'cpu':
      return r.cpu;
    case 'other':
      return otherOf(r.mem);
    case 'pswap':
    case 'shSYSV':
    case 'shOth':
    case 'stack':
    case 'text':
    case 'data':
    case 'ptotal':
      return r.mem[col];
    case 'count':
      return r.count;
    case 'info':
      return r.info.toLowerCase();
    case 'type':
      return typeRank(r);
  }
}

function compareBy(a: GroupRow, b: GroupRow, s: ColumnSort): number {
  const x = columnValue(a, s.col);
  const y = columnValue(b, s.col);
  let c = x < y ? -1 : x > y ? 1 : 0;
  if (c === 0 && s.col === 'type') c = Math.abs(b.delta) - Math.abs(a.delta);
  else if (s.dir === 'desc') c = -c;
  return c;
}

/** Sort rows (stably, so ties keep the report's pid order); with rise, raised rows first. */
export function sortForView(rows: readonly GroupRow[], s: ColumnSort, rise: boolean): GroupRow[] {
  const by = sortByOf(s);
  return [...rows].sort((a, b) => {
    if (rise) {
      const d = Number(isRaised(b.type)) - Number(isRaised(a.type));
      if (d) return d;
    }
    return by ? compareRows(a, b, by) : compareBy(a, b, s);
  });
}

/** Fit-to-window applies only when sorted by mem or cpu (descending). */
export function fitApplies(settings: PanelSettings, s: ColumnSort): boolean {
  return settings.fitToWindow && s.dir === 'desc' && (s.col === 'ptotal' || s.col === 'cpu');
}

export interface ViewInput {
  report: Report;
  settings: PanelSettings;
  local: ColumnSort | null;
  search: string;
  /** Group rows that fit in the window (used only when fit applies). */
  fitRows: number;
}

/** Everything the table shows for one report. */
export function computeView(v: ViewInput): View & { sort: ColumnSort; fit: boolean } {
  const sort = effectiveSort(v.settings.sortBy, v.local);
  const rows = sortForView(v.report.rows, sort, v.settings.riseToTop);
  const fit = fitApplies(v.settings, sort);
  const view = applyView(
    { ...v.report, rows },
    { search: v.search, topPct: v.settings.topPct, maxRows: fit ? Math.max(1, v.fitRows) : 0 },
  );
  return { ...view, sort, fit };
}

// ---------------------------------------------------------------- rows as text

/** The cpu and memory cells, alike for a group and for one of its processes; null for the others. */
function figureText(x: { cpu: number; mem: Mem }, col: ColumnName, s: PanelSettings): string | null {
  switch (col) {
    case 'cpu':
      return formatCpu(x.cpu);
    case 'other':
      return formatKb(otherOf(x.mem), s.units);
    case 'pswap':
    case 'shSYSV':
    case 'shOth':
    case 'stack':
    case 'text':
    case 'data':
    case 'ptotal':
      return formatKb(x.mem[col], s.units);
    default:
      return null;
  }
}

export function cellText(r: GroupRow, col: ColumnName, s: PanelSettings, lineNo: number | null): string {
  const figure = figureText(r, col, s);
  if (figure !== null) return figure;
  switch (col) {
    case 'line':
      return lineNo === null ? '' : String(lineNo);
    case 'trend':
      return '';
    case 'type':
      return r.type;
    case 'count':
      return countText(r, s.groupBy);
    case 'info':
      return r.info;
  }
  return ''; // (figures are handled above)
}

export function memberCellText(m: GroupRow['members'][number], col: ColumnName, s: PanelSettings): string {
  const figure = figureText(m, col, s);
  if (figure !== null) return figure;
  switch (col) {
    case 'line':
    case 'trend':
    case 'type':
      return '';
    case 'count':
      return String(m.pid);
    case 'info':
      return m.cmd;
  }
  return ''; // (figures are handled above)
}

/**
 * The width in characters of a column (not info or trend) wide enough for its header (with the
 * sort arrow) and for every figure of the view: the total row bounds the memory and cpu columns
 * (it sums every group, and longer figures are larger ones; `human` figures have at most 6
 * characters); a vanished group, which the total no longer counts, is measured itself.
 */
export function columnChars(
  col: ColumnName,
  rows: readonly GroupRow[],
  total: GroupRow | null,
  overflow: GroupRow | null,
  expanded: ReadonlySet<string>,
  s: PanelSettings,
): number {
  const label = COLUMN_LABELS[col].length + (col === 'line' || col === 'trend' ? 0 : 2);
  let w = label;
  const fit = (t: string) => {
    if (t.length > w) w = t.length;
  };
  switch (col) {
    case 'line':
      fit(String(rows.length + (overflow ? 1 : 0)));
      return w;
    case 'trend':
    case 'info':
      return w;
    case 'type':
      for (const r of rows) fit(r.type);
      if (overflow) fit(overflow.type);
      return w;
    case 'count':
      if (total) fit(countText(total, s.groupBy));
      if (overflow) fit(countText(overflow, s.groupBy));
      for (const r of rows) {
        fit(countText(r, s.groupBy));
        if (expanded.has(r.key)) for (const m of r.members) fit(String(m.pid));
      }
      return w;
    default:
      // cpu and the memory columns
      if (s.units === 'human' && col !== 'cpu') w = Math.max(w, 6);
      if (total) fit(cellText(total, col, s, null));
      for (const r of rows) if (r.type === 'x') fit(cellText(r, col, s, null));
      return w;
  }
}

/** The CSS class of a row's type marker. */
export function typeClass(t: GroupRow['type']): string | null {
  if (t === 'A') return 'pm-new';
  if (t === 'x') return 'pm-gone';
  if (t.startsWith('+')) return 'pm-grow';
  if (t.startsWith('-')) return 'pm-shrink';
  return null;
}

// ---------------------------------------------------------------- navigation

/** A selectable row: a group, or one process of an expanded group. */
export interface RowRef {
  key: string;
  /** null for the group row itself. */
  pid: number | null;
}

export function sameRef(a: RowRef | null, b: RowRef | null): boolean {
  return a !== null && b !== null && a.key === b.key && a.pid === b.pid;
}

/** The selectable rows in display order: each group, then its members when expanded. */
export function navList(rows: readonly GroupRow[], expanded: ReadonlySet<string>): RowRef[] {
  const out: RowRef[] = [];
  for (const r of rows) {
    out.push({ key: r.key, pid: null });
    if (expanded.has(r.key) && r.type !== 'x') for (const m of r.members) out.push({ key: r.key, pid: m.pid });
  }
  return out;
}

export type NavMove =
  | { kind: 'down'; n: number }
  | { kind: 'up'; n: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'top' }
  | { kind: 'middle' }
  | { kind: 'bottom' };

/** Where a move lands, given the current index and what the window shows (first visible, rows visible). */
export function moveIndex(cur: number, len: number, m: NavMove, firstVisible: number, pageRows: number): number {
  if (len === 0) return -1;
  const clamp = (i: number) => Math.max(0, Math.min(len - 1, i));
  const c = cur < 0 ? -1 : cur;
  switch (m.kind) {
    case 'down':
      return clamp(c < 0 ? 0 : c + m.n);
    case 'up':
      return clamp(c < 0 ? 0 : c - m.n);
    case 'first':
      return 0;
    case 'last':
      return len - 1;
    case 'top':
      return clamp(firstVisible);
    case 'middle':
      return clamp(firstVisible + Math.floor((Math.min(pageRows, len - firstVisible) - 1) / 2));
    case 'bottom':
      return clamp(firstVisible + pageRows - 1);
  }
}

// ---------------------------------------------------------------- options and keys

export function cycle<T>(list: readonly T[], cur: T): T {
  const i = list.indexOf(cur);
  return list[(i + 1) % list.length];
}

export type OptionAction = 'groupBy' | 'sortBy' | 'units' | 'cpuAvgSecs' | 'detail' | 'riseToTop' | 'showCpu' | 'lineNumbers' | 'fitToWindow';

/** The settings change an option key makes. */
export function optionChange(a: OptionAction, s: PanelSettings): Partial<PanelSettings> {
  switch (a) {
    case 'groupBy':
      return { groupBy: cycle(GROUP_BYS, s.groupBy) };
    case 'sortBy':
      return { sortBy: cycle(SORT_BYS, s.sortBy) };
    case 'units':
      return { units: cycle(UNIT_LIST, s.units) };
    case 'cpuAvgSecs':
      return { cpuAvgSecs: cycle(CPU_AVG_LIST, s.cpuAvgSecs) };
    case 'detail':
    case 'riseToTop':
    case 'showCpu':
    case 'lineNumbers':
    case 'fitToWindow':
      return { [a]: !s[a] };
  }
}

export type KeyAction =
  | { kind: 'option'; option: OptionAction }
  | { kind: 'killMode' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'enter' }
  | { kind: 'toggleExpand' }
  | { kind: 'expand' }
  | { kind: 'collapse' }
  | { kind: 'nav'; move: NavMove; unit: 'row' | 'half' | 'page' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** The action of a key press in the table (not in the search box). */
/** The option keys of the original's help screen. */
const OPTION_KEYS: Readonly<Partial<Record<string, OptionAction>>> = {
  f: 'fitToWindow',
  g: 'groupBy',
  n: 'lineNumbers',
  o: 'detail',
  r: 'riseToTop',
  s: 'sortBy',
  u: 'units',
  c: 'showCpu',
  a: 'cpuAvgSecs',
};

export function keyAction(e: KeyLike): KeyAction | null {
  if (e.altKey || e.metaKey) return null;
  if (e.ctrlKey) {
    switch (e.key) {
      case 'd':
        return { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'half' };
      case 'u':
        return { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'half' };
      case 'f':
        return { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'page' };
      case 'b':
        return { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'page' };
      case 'Home':
        return { kind: 'nav', move: { kind: 'first' }, unit: 'row' };
      case 'End':
        return { kind: 'nav', move: { kind: 'last' }, unit: 'row' };
    }
    return null;
  }
  const option = Object.hasOwn(OPTION_KEYS, e.key) ? OPTION_KEYS[e.key] : undefined;
  if (option) return { kind: 'option', option };
  switch (e.key) {
    case 'K':
      return { kind: 'killMode' };
    case '/':
      return { kind: 'search' };
    case '?':
      return { kind: 'help' };
    case 'Escape':
      return { kind: 'escape' };
    case 'Enter':
      return { kind: 'enter' };
    case ' ':
      return { kind: 'toggleExpand' };
    case 'ArrowRight':
      return { kind: 'expand' };
    case 'ArrowLeft':
      return { kind: 'collapse' };
    case 'j':
    case 'ArrowDown':
      return { kind: 'nav', move: { kind: 'down', n: 1 }, unit: 'row' };
    case 'k':
    case 'ArrowUp':
      return { kind: 'nav', move: { kind: 'up', n: 1 }, unit: 'row' };
    case 'PageDown':
      return { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'page' };
    case 'PageUp':
      return { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'page' };
    case '0':
    case 'Home':
      return { kind: 'nav', move: { kind: 'first' }, unit: 'row' };
    case '$':
    case 'End':
      return { kind: 'nav', move: { kind: 'last' }, unit: 'row' };
    case 'H':
      return { kind: 'nav', move: { kind: 'top' }, unit: 'row' };
    case 'M':
      return { kind: 'nav', move: { kind: 'middle' }, unit: 'row' };
    case 'L':
      return { kind: 'nav', move: { kind: 'bottom' }, unit: 'row' };
  }
  return null;
}

/** The help overlay: every key, as the original's help screen groups them. */
export const HELP_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['K', 'kill mode: then Enter (or a row\u2019s kill button) kills the selected row\u2019s processes'],
  ['f', 'fit rows to the window, folding the rest into an O row (sorted by mem or cpu)'],
  ['g', 'group by exe \u2192 cmd \u2192 pid'],
  ['n', 'line numbers'],
  ['o', 'less category detail (fast mode) on/off; off reads per-mapping smaps'],
  ['r', 'raise new and changed groups to the top'],
  ['s', 'sort by mem \u2192 cpu \u2192 name (or click a column header)'],
  ['u', 'units MB \u2192 mB \u2192 KB \u2192 human'],
  ['c', 'show the cpu% column'],
  ['a', 'cpu moving-average seconds 5 \u2192 10 \u2192 20 \u2192 45 \u2192 90'],
  ['/', 'search the row info (plain text); Enter keeps it, Esc clears it'],
  ['?', 'this help (Esc closes it)'],
  ['Enter / Space', 'expand or collapse a group into its processes (in kill mode Enter kills)'],
  ['\u2192 / \u2190', 'expand / collapse the selected group'],
  ['j k \u2193 \u2191', 'next / previous row'],
  ['Ctrl-d  Ctrl-u', 'half a page down / up'],
  ['Ctrl-f  Ctrl-b  PgDn  PgUp', 'a page down / up'],
  ['0  Home  /  $  End', 'first / last row'],
  ['H  M  L', 'top / middle / bottom of the window'],
  ['Esc', 'close help, clear the search, leave kill mode'],
  ['trend', 'each row\u2019s ptotal over its last samples; \u201cleak?\u201d marks a group whose ptotal keeps rising'],
  ['select a row', 'its group\u2019s categories over time chart under the table: hover for values, \u25B2/\u25BC mark the reported +NK/\u2212NK'],
];

export { GROUP_BYS, SORT_BYS, UNIT_LIST, CPU_AVG_LIST };

/** "1 process", "3 processes". */
export function processes(n: number): string {
  return `${n} ${n === 1 ? 'process' : 'processes'}`;
}
