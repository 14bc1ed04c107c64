// The table's view of a report: sorting by any column (or by the sortBy setting), the
// search, top-pct and fit-to-window. Pure: no DOM here.
import { applyView, compareRows, isRaised, type View } from '../src/core/report';
import { isCgroupGrouping, SORT_BYS, type GroupRow, type Report, type SortBy } from '../src/core/types';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';
import { columnsFor, figureOf, type SortableColumn } from './columns';
import type { RowRef } from '../src/shared/rowOrder';
import type { TableModel, Viewport } from './table';

export type SortDir = 'asc' | 'desc';
export interface ColumnSort {
  col: SortableColumn;
  dir: SortDir;
}

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
    case 'count':
      return r.count;
    case 'info':
      return r.info.toLowerCase();
    case 'type':
      return typeRank(r);
    case 'cgroup':
      return r.kernel?.current ?? -1;
    case 'oom':
      return r.oom ?? -1;
    default:
      return figureOf(r, col) ?? 0;
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
  /** The user sorted by a column header: that order wins over rise-to-top. */
  headerSort?: boolean;
  search: string;
  /** Group rows that fit in the window (used only when fit applies). */
  fitRows: number;
}

/** Everything the table shows for one report. */
export function computeView(v: ViewInput): View & { sort: ColumnSort; fit: boolean } {
  const sort = effectiveSort(v.settings.sortBy, v.local);
  const rows = sortForView(v.report.rows, sort, v.settings.riseToTop && !v.headerSort);
  const fit = fitApplies(v.settings, sort);
  const view = applyView(
    { ...v.report, rows },
    { search: v.search, topPct: v.settings.topPct, maxRows: fit ? Math.max(1, v.fitRows) : 0 },
  );
  return { ...view, sort, fit };
}

export type ComputedView = ReturnType<typeof computeView>;

/** What the table shows: the view of a report, or the empty table before the first sample. */
export function tableModel(
  report: Report | null,
  view: ComputedView | null,
  ui: { settings: PanelSettings; local: ColumnSort | null; expanded: ReadonlySet<string>; selected: RowRef | null; leaks: ReadonlyMap<string, LeakInfo> },
  layout: { viewport: Viewport; rowHeight: number },
  /** The trend column (the rows' sparklines): the live panel's; a recorded moment has none. */
  trend = true,
): TableModel {
  const s = ui.settings;
  const base = { settings: s, expanded: ui.expanded, leaks: ui.leaks, ...layout };
  if (!report || !view) {
    const cols = columnsFor(s.detail, s.showCpu, s.lineNumbers, trend, extraColumns(s));
    return { ...base, cols, sort: effectiveSort(s.sortBy, ui.local), total: null, rows: [], overflow: null, selected: null };
  }
  const cols = columnsFor(report.detail, s.showCpu, s.lineNumbers, trend, extraColumns(s));
  return { ...base, cols, sort: view.sort, total: report.total, rows: view.rows, overflow: view.overflow, selected: ui.selected };
}

/** The optional columns: uss and pss+swap, the kernel's figures when grouping by cgroup, oom_score, each when asked for. */
export function extraColumns(s: PanelSettings): { cgroup: boolean; oom: boolean; uss: boolean; epss: boolean; thp: boolean; ksm: boolean } {
  return { cgroup: isCgroupGrouping(s.groupBy), oom: s.showOom, uss: s.showUss, epss: s.showEpss, thp: s.showThp, ksm: s.showKsm };
}
