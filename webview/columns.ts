// The table's columns: which are shown, their labels and titles, a row's cells as text and
// the width a column needs. Pure: table.ts renders what these decide.
import { formatCpu, countText, NEAR_LIMIT_MARK, OOM_KILL_MARK } from '../src/core/format';
import type { CgroupFigures } from '../src/core/cgroup';
import { leakWhat } from '../src/core/leaks';
import { figure, FIGURES, isColumnFigure, isExtraFigureKey, isMemFigure, memFigure, shownFigures, type ColumnFigureKey } from '../src/core/figures';
import type { GroupRow, Mem, Units } from '../src/core/types';
import { formatKb } from '../src/core/units';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';

/** The table's columns: the line number, the registry's figures (src/core/figures.ts), the trend, type, count and info. */
export type ColumnName = 'line' | ColumnFigureKey | 'trend' | 'type' | 'count' | 'info';

/** The columns that are not figures of the registry (src/core/figures.ts), with label and title. */
const OTHER_COLUMNS: Record<Exclude<ColumnName, ColumnFigureKey>, [label: string, title: string]> = {
  line: ['#', 'Row number'],
  trend: [
    'trend',
    'ptotal over the last samples (each row on its own scale); "leak?" marks a group whose ptotal keeps rising. Select a row for its chart.',
  ],
  type: ['type', 'T total, A new, +NK/-NK changed since last shown, x vanished, O folded rows'],
  count: ['count', 'Processes (or the pid of a single-process group)'],
  info: ['key/info', 'Group key / command'],
};

const isFigureColumn = (c: ColumnName): c is ColumnFigureKey => FIGURES.some((f) => f.key === c);
const labelAndTitle = (c: ColumnName): [string, string] => (isFigureColumn(c) ? [figure(c).label, figure(c).help] : OTHER_COLUMNS[c]);

/** Every column, in order. */
const ALL_COLUMNS: ColumnName[] = ['line', ...FIGURES.filter(isColumnFigure).map((f) => f.key), 'trend', 'type', 'count', 'info'];

export const COLUMN_LABELS = Object.fromEntries(ALL_COLUMNS.map((c) => [c, labelAndTitle(c)[0]])) as Record<ColumnName, string>;
export const COLUMN_TITLES = Object.fromEntries(ALL_COLUMNS.map((c) => [c, labelAndTitle(c)[1]])) as Record<ColumnName, string>;

/**
 * The columns shown, in order (the panel shows the trend column; the CLI's layout has none);
 * the optional uss and pss+swap columns follow ptotal, then the cgroup and oom columns.
 */
export function columnsFor(
  detail: boolean,
  showCpu: boolean,
  lineNumbers: boolean,
  trend = false,
  extra: { cgroup?: boolean; oom?: boolean; uss?: boolean; epss?: boolean; thp?: boolean; ksm?: boolean } = {},
): ColumnName[] {
  const cols: ColumnName[] = [];
  if (lineNumbers) cols.push('line');
  const shown = { detail, showCpu, showUss: extra.uss, showEpss: extra.epss, showThp: extra.thp, showKsm: extra.ksm, showOom: extra.oom, groupBy: extra.cgroup ? ('cgroup' as const) : undefined };
  for (const f of shownFigures(shown).filter(isColumnFigure)) cols.push(f.key);
  if (trend) cols.push('trend');
  cols.push('type', 'count', 'info');
  return cols;
}

/** How a leak suspect is described (badge tooltip, row label). */
export function leakText(l: LeakInfo, units: Units): string {
  return `suspected leak: ${leakWhat(l, `${formatKb(l.growthKb, units)} ${units}`)}`;
}

/** The leader's leak count ("" when there are none). */
export function leakCountText(n: number): string {
  return n > 0 ? ` ${n} leak suspect${n === 1 ? '' : 's'}` : '';
}

export const COLUMN_NAMES = Object.keys(COLUMN_LABELS) as ColumnName[];

/** The columns a click on the header sorts by. */
export type SortableColumn = Exclude<ColumnName, 'line' | 'trend'>;
export const SORTABLE_COLUMNS: readonly SortableColumn[] = COLUMN_NAMES.filter((c): c is SortableColumn => c !== 'line' && c !== 'trend');

/** The columns of figures (right-aligned). */
export const NUMERIC_COLUMNS: ReadonlySet<ColumnName> = new Set(COLUMN_NAMES.filter((c) => c !== 'trend' && c !== 'type' && c !== 'info'));

/** The cpu or memory figure of a column (null for the other columns), alike for a group and for one of its processes. */
export function figureOf(x: { cpu: number; mem: Mem; thp?: number; ksm?: number }, col: ColumnName): number | null {
  if (col === 'cpu') return x.cpu;
  if (isExtraFigureKey(col)) return x[col] ?? null;
  if (!isFigureColumn(col)) return null;
  const f = figure(col);
  return isMemFigure(f) ? memFigure(x.mem, f.key) : null;
}

function figureText(x: { cpu: number; mem: Mem; thp?: number; ksm?: number }, col: ColumnName, s: PanelSettings): string | null {
  const v = figureOf(x, col);
  if (v === null) return null;
  return col === 'cpu' ? formatCpu(v) : formatKb(v, s.units);
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
    case 'cgroup':
      return r.kernel ? kernelCell(r.kernel, s.units) : '';
    case 'oom':
      return r.oom === undefined ? '' : String(r.oom);
  }
  return ''; // (figures are handled above)
}

/** The room the cgroup cell's badges take (each with its border). */
function badgesText(r: GroupRow): string {
  const kills = r.kernel?.events?.oomKill ?? 0;
  return (r.kernel?.nearLimit ? ` ${NEAR_LIMIT_MARK}  ` : '') + (kills > 0 ? ` ${OOM_KILL_MARK}${kills}  ` : '');
}

/** The cgroup cell: usage, and the limit where there is one. */
export function kernelCell(k: CgroupFigures, units: Units): string {
  return formatKb(k.current, units) + (k.limit === null ? '' : `/${formatKb(k.limit, units)}`);
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
    case 'oom':
      return m.oom === undefined ? '' : String(m.oom);
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
    case 'cgroup':
    case 'oom':
      // The "limit?" badge sits in the cgroup cell: room for it and its border.
      for (const r of rows) fit(cellText(r, col, s, null) + (col === 'cgroup' ? badgesText(r) : ''));
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


/** "1 process", "3 processes". */
export function processes(n: number): string {
  return `${n} ${n === 1 ? 'process' : 'processes'}`;
}
