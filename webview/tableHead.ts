// The table's head: the column headers (sort buttons, aria-sort) and the fixed layout's column
// widths, set on <col>s from the figures and only ever widened until the columns, units or
// grouping change, so a changed figure never makes the browser measure every row.
import type { GroupRow, GroupBy, Units } from '../src/core/types';
import type { PanelSettings } from '../src/shared/webviewProtocol';
import { SPARK_WIDTH } from './chart';
import { columnChars, COLUMN_LABELS, COLUMN_TITLES, NUMERIC_COLUMNS, type ColumnName } from './columns';
import { setAttr } from './dom';
import type { ColumnSort } from './model';

/** Horizontal padding of a cell (style.css: `#pm-table td { padding: 1px 6px }`). */
const CELL_PADDING_PX = 12;
/** The trend column: the sparkline, and room for the "leak?" badge once there is a suspect. */
const TREND_WIDTH = `${SPARK_WIDTH + CELL_PADDING_PX}px`;
const TREND_WIDTH_BADGE = `calc(${SPARK_WIDTH + CELL_PADDING_PX + 12}px + 5ch)`;

/** What the column widths are measured from. */
export interface WidthInput {
  rows: readonly GroupRow[];
  total: GroupRow | null;
  overflow: GroupRow | null;
  expanded: ReadonlySet<string>;
  settings: PanelSettings;
  /** Whether any group is a leak suspect (the trend column makes room for the badge). */
  leaks: boolean;
}

export class TableHead {
  private cols: ColumnName[] = [];
  private colgroup: HTMLTableColElement | null = null;
  private colEls = new Map<ColumnName, HTMLTableColElement>();
  /** Column widths in ch, for the columns, units and grouping of widthKey. */
  private widthCh = new Map<ColumnName, number>();
  private widthKey = '';
  private trendBadge = false;

  constructor(
    private readonly doc: Document,
    private readonly thead: HTMLTableSectionElement,
    private readonly headRow: HTMLTableRowElement,
  ) {}

  /** New columns: the <col>s (none for the info column: it takes the rest) and the header cells. */
  rebuild(cols: ColumnName[]): void {
    this.cols = cols;
    this.headRow.replaceChildren();
    this.colgroup?.remove();
    this.colgroup = this.doc.createElement('colgroup');
    this.colEls.clear();
    for (const c of cols) {
      const col = this.doc.createElement('col');
      col.className = `pm-w-${c}`;
      if (c !== 'info') this.colEls.set(c, col);
      this.colgroup.append(col);
    }
    this.thead.parentElement?.insertBefore(this.colgroup, this.thead);
    for (const c of cols) {
      const th = this.doc.createElement('th');
      th.dataset.col = c;
      th.scope = 'col';
      th.className = `pm-col-${c}` + (NUMERIC_COLUMNS.has(c) ? ' pm-num' : '');
      th.title = COLUMN_TITLES[c];
      if (c === 'line' || c === 'trend') th.textContent = COLUMN_LABELS[c];
      else {
        const b = this.doc.createElement('button');
        b.type = 'button';
        b.className = 'pm-sort';
        b.textContent = COLUMN_LABELS[c];
        b.setAttribute('aria-label', `Sort by ${COLUMN_LABELS[c]}`);
        th.append(b);
      }
      this.headRow.append(th);
    }
    this.headRow.setAttribute('aria-rowindex', '1');
  }

  /** aria-sort on the sorted column's header. */
  sorted(sort: ColumnSort): void {
    for (const th of Array.from(this.headRow.children)) {
      const col = th.getAttribute('data-col');
      if (col === sort.col) setAttr(th, 'aria-sort', sort.dir === 'asc' ? 'ascending' : 'descending');
      else if (th.hasAttribute('aria-sort')) th.removeAttribute('aria-sort');
    }
  }

  /** Column widths from the figures: stable (only widened) while the columns, units and grouping stay. */
  widths(m: WidthInput): void {
    const key = widthKey(this.cols, m.settings.units, m.settings.groupBy);
    if (key !== this.widthKey) {
      this.widthKey = key;
      this.widthCh.clear();
      this.trendBadge = false;
    }
    if (m.leaks) this.trendBadge = true;
    for (const [c, col] of this.colEls) {
      let w: string;
      if (c === 'trend') w = this.trendBadge ? TREND_WIDTH_BADGE : TREND_WIDTH;
      else {
        const ch = Math.max(this.widthCh.get(c) ?? 0, columnChars(c, m.rows, m.total, m.overflow, m.expanded, m.settings));
        this.widthCh.set(c, ch);
        w = `calc(${ch}ch + ${CELL_PADDING_PX}px)`;
      }
      if (col.style.width !== w) col.style.width = w;
    }
  }
}

function widthKey(cols: readonly ColumnName[], units: Units, groupBy: GroupBy): string {
  return `${cols.join()}|${units}|${groupBy}`;
}
