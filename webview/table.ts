// Renders the table in place: rows are kept by group key and only their changed cells
// are rewritten, so an update keeps scroll position, selection and focus.
// A long table is virtualized (virtual.ts): only the rows in view and a margin have elements,
// between spacer rows of the height of the rows left out; the selected row always has one.
// The head and the column widths are tableHead.ts, the row elements tableRows.ts, the order of
// the rows src/shared/rowOrder.ts. Every process-derived string goes through textContent / dataset / title
// (never HTML).
import type { GroupMember, GroupRow } from '../src/core/types';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';
import type { SparkTarget } from './chart';
import type { ColumnName, SortableColumn } from './columns';
import { setAttr } from './dom';
import type { ColumnSort } from './model';
import { displayRows, rowId, sameRef, type DisplayRow, type RowRef } from '../src/shared/rowOrder';
import { TableHead } from './tableHead';
import { RowBuilder, type RowEl } from './tableRows';
import { bodySegments, renderRange, VIRTUALIZE_ABOVE, type RowRange } from './virtual';

export interface TableModel {
  cols: ColumnName[];
  sort: ColumnSort;
  settings: PanelSettings;
  total: GroupRow | null;
  rows: readonly GroupRow[];
  overflow: GroupRow | null;
  expanded: ReadonlySet<string>;
  selected: RowRef | null;
  /** Leak suspects by group key. */
  leaks: ReadonlyMap<string, LeakInfo>;
  /** The body rows in view: the first and how many (partly) show. */
  viewport: Viewport;
  /** The height of a body row in px (0: not known yet); spacers stand for rows at this height. */
  rowHeight: number;
}

export interface Viewport {
  first: number;
  count: number;
}

export interface TableHandlers {
  onSort(col: SortableColumn): void;
  onSelect(ref: RowRef): void;
  onToggle(key: string): void;
  onKill(ref: RowRef): void;
}

/** Rows kept in each pool at most. */
const POOL_MAX = 200;
export class TableRenderer {
  private cols: ColumnName[] = [];
  private rowEls = new Map<string, RowEl>();
  private refs = new WeakMap<HTMLTableRowElement, RowRef>();
  private totalEl: RowEl | null = null;
  private overflowEl: RowEl | null = null;
  private readonly rows: RowBuilder;
  private model: TableModel | null = null;
  /** Bumped by each render(): rows filled at an older one are filled again when rendered. */
  private version = 0;
  /** Every body row, rendered or not. */
  private items: DisplayRow[] = [];
  /** Index of the selected row in items (-1: none). */
  private selIndex = -1;
  /** The rows rendered (besides the selected one). */
  private range: RowRange | null = null;
  /** The rendered rows by index in items. */
  private rendered = new Map<number, HTMLTableRowElement>();
  private spacers: HTMLTableRowElement[] = [];
  /** Rows no longer rendered, given to the rows that come into the window (fewer elements to make and style). */
  private groupPool: RowEl[] = [];
  private memberPool: RowEl[] = [];
  private rowHeight = 0;
  private readonly head: TableHead;

  constructor(
    private readonly doc: Document,
    private readonly thead: HTMLTableSectionElement,
    private readonly headRow: HTMLTableRowElement,
    private readonly tbody: HTMLTableSectionElement,
    private readonly handlers: TableHandlers,
  ) {
    this.rows = new RowBuilder(doc);
    this.head = new TableHead(doc, thead, headRow);
    thead.addEventListener('click', (e) => {
      const th = (e.target as Element | null)?.closest?.('th[data-col]');
      const col = th?.getAttribute('data-col');
      if (col && col !== 'line' && col !== 'trend') handlers.onSort(col as SortableColumn);
    });
    tbody.addEventListener('click', (e) => {
      const target = e.target as Element | null;
      const tr = target?.closest?.('tr');
      if (!tr) return;
      const ref = this.refs.get(tr as HTMLTableRowElement);
      if (!ref) return;
      if (target?.closest('.pm-twisty')) handlers.onToggle(ref.key);
      else if (target?.closest('.pm-kill-btn')) {
        handlers.onSelect(ref);
        handlers.onKill(ref);
      } else handlers.onSelect(ref);
    });
    tbody.addEventListener('dblclick', (e) => {
      const tr = (e.target as Element | null)?.closest?.('tr');
      const ref = tr ? this.refs.get(tr as HTMLTableRowElement) : undefined;
      if (ref && ref.pid === null) handlers.onToggle(ref.key);
    });
  }

  /**
   * The sparklines of the table body's rows `from` … `to - 1` (indices in display order, as the
   * scroll position gives them) that are rendered: only these are drawn.
   */
  sparkTargets(from: number, to: number): SparkTarget[] {
    const out: SparkTarget[] = [];
    for (let i = Math.max(0, from); i < Math.min(this.items.length, to); i++) {
      const tr = this.rendered.get(i);
      const t = tr ? this.rows.sparks.get(tr) : undefined;
      if (t) out.push(t);
    }
    return out;
  }

  /** The element of a selectable row, if rendered (the selected one always is). */
  rowElement(ref: RowRef): HTMLTableRowElement | null {
    return this.rowEls.get(rowId(ref))?.tr ?? null;
  }

  /** Whether only a window of the rows is rendered. */
  get virtual(): boolean {
    return this.items.length > VIRTUALIZE_ABOVE;
  }

  render(m: TableModel): void {
    if (m.cols.join() !== this.cols.join()) this.rebuild(m.cols);
    this.model = m;
    this.version++;
    if (m.rowHeight > 0) this.rowHeight = m.rowHeight;
    this.items = displayRows(m.rows, m.expanded, m.overflow);
    this.selIndex = m.selected ? this.items.findIndex((it) => it.kind !== 'overflow' && sameRef(it.ref, m.selected)) : -1;
    this.range = renderRange(this.items.length, m.viewport.first, m.viewport.count, this.range);
    this.head.sorted(m.sort);
    this.renderTotal(m);
    this.head.widths({ ...m, leaks: m.leaks.size > 0 });
    this.renderBody();
  }

  /**
   * The table was scrolled (or resized): render the rows now in view, if they are not.
   * Returns whether the body changed.
   */
  scrolled(viewport: Viewport): boolean {
    if (!this.model) return false;
    const r = renderRange(this.items.length, viewport.first, viewport.count, this.range);
    if (this.range && r.from === this.range.from && r.to === this.range.to) return false;
    this.range = r;
    this.renderBody();
    return true;
  }

  /** The row height is known (or changed, with the font): size the spacers by it. */
  setRowHeight(px: number): void {
    if (!(px > 0) || px === this.rowHeight) return;
    this.rowHeight = px;
    for (const sp of this.spacers) this.sizeSpacer(sp);
  }

  /** The rendered rows and the spacers for the others, in display order. */
  private renderBody(): void {
    const m = this.model;
    if (!m) return;
    const items = this.items;
    const { rows, gaps } = bodySegments(items.length, this.range ?? { from: 0, to: items.length }, this.selIndex >= 0 ? this.selIndex : null);
    const head = m.total ? 2 : 1; // the header row and the total row before the body
    const desired: HTMLTableRowElement[] = [];
    // Rows that leave the window (or the table) go to the pools, with their sparkline canvases.
    const seen = new Set<string>();
    for (const i of rows) {
      const it = items[i];
      if (it.kind !== 'overflow') seen.add(it.id);
    }
    // In DOM order, taken first: when the whole window changes (an update raising many rows,
    // a jump), each new row takes the element at its place and nothing moves.
    const freed: { group: RowEl[]; member: RowEl[] } = { group: [], member: [] };
    for (let n = this.tbody.firstElementChild; n; n = n.nextElementSibling) {
      const ref = this.refs.get(n as HTMLTableRowElement);
      const id = ref ? rowId(ref) : '';
      const re = ref && !seen.has(id) ? this.rowEls.get(id) : undefined;
      if (!re || re.tr !== n) continue;
      this.rowEls.delete(id);
      (ref?.pid === null ? freed.group : freed.member).push(re);
    }
    for (const [pool, list] of [
      [this.groupPool, freed.group],
      [this.memberPool, freed.member],
    ] as const) {
      for (let i = list.length - 1; i >= 0; i--) pool.push(list[i]); // (popped from the end)
      if (pool.length > POOL_MAX) pool.splice(0, pool.length - POOL_MAX);
    }
    for (const id of [...this.rowEls.keys()]) if (!seen.has(id)) this.rowEls.delete(id); // (none left: all were in the body)
    this.rendered.clear();
    let spacerNo = 0;
    rows.forEach((i, k) => {
      if (gaps[k] > 0) desired.push(this.spacer(spacerNo++, gaps[k]));
      const it = items[i];
      let re: RowEl;
      if (it.kind === 'overflow') re = this.overflowRow(it.row, it.lineNo, m);
      else {
        re = it.kind === 'group' ? this.groupRow(it.id, it.ref, it.row, m, it.lineNo) : this.memberRow(it.id, it.ref, it.mem, m);
      }
      setAttr(re.tr, 'aria-rowindex', String(head + i + 1));
      this.rendered.set(i, re.tr);
      desired.push(re.tr);
    });
    if (gaps[rows.length] > 0) desired.push(this.spacer(spacerNo++, gaps[rows.length]));
    const table = this.tbody.parentElement;
    if (table) setAttr(table, 'aria-rowcount', String(head + items.length));

    // Reorder in place: moving a node keeps focus (it is on the table) and the scroll offset.
    let cursor: ChildNode | null = this.tbody.firstChild;
    for (const tr of desired) {
      if (tr === cursor) cursor = cursor.nextSibling;
      else this.tbody.insertBefore(tr, cursor);
    }
    while (cursor) {
      const next: ChildNode | null = cursor.nextSibling;
      this.tbody.removeChild(cursor);
      cursor = next;
    }
  }

  /** The k-th spacer of the body, standing for `rows` rows not rendered. */
  private spacer(k: number, rows: number): HTMLTableRowElement {
    let tr = this.spacers[k];
    if (!tr) {
      tr = this.doc.createElement('tr');
      tr.className = 'pm-spacer';
      tr.setAttribute('aria-hidden', 'true');
      const td = this.doc.createElement('td');
      td.colSpan = this.cols.length;
      tr.append(td);
      this.spacers[k] = tr;
    }
    setAttr(tr, 'data-rows', String(rows));
    this.sizeSpacer(tr);
    return tr;
  }

  private sizeSpacer(tr: HTMLTableRowElement): void {
    const td = tr.firstElementChild as HTMLElement | null;
    const h = `${Number(tr.getAttribute('data-rows') ?? 0) * this.rowHeight}px`;
    if (td && td.style.height !== h) td.style.height = h;
  }

  private rebuild(cols: ColumnName[]): void {
    this.cols = cols;
    this.rows.cols = cols;
    this.rowEls.clear();
    this.overflowEl = null;
    this.spacers = [];
    this.groupPool = [];
    this.memberPool = [];
    this.rendered.clear();
    this.tbody.replaceChildren();
    this.head.rebuild(cols);
    this.totalEl?.tr.remove();
    this.totalEl = this.rows.make('pm-total', false);
    this.totalEl.tr.setAttribute('aria-rowindex', '2');
    this.thead.append(this.totalEl.tr);
  }

  private renderTotal(m: TableModel): void {
    const t = this.totalEl;
    if (!t) return;
    t.tr.hidden = m.total === null;
    if (!m.total) return;
    const total = m.total;
    this.rows.fillPlain(t, total, m.settings, null);
  }

  private groupRow(id: string, ref: RowRef, r: GroupRow, m: TableModel, lineNo: number): RowEl {
    let re = this.rowEls.get(id);
    if (!re) {
      re = this.groupPool.pop();
      if (re) re.version = 0; // another group's row: filled below
      else {
        re = this.rows.make('pm-row', true);
        re.tr.setAttribute('aria-level', '1');
      }
      re.tr.dataset.key = r.key;
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
    }
    if (re.version === this.version) return re; // filled by this render already (scrolling)
    re.version = this.version;
    this.rows.fillGroup(re, r, m, lineNo, sameRef(m.selected, ref));
    return re;
  }

  private overflowRow(r: GroupRow, lineNo: number, m: TableModel): RowEl {
    this.overflowEl ??= this.rows.make('pm-overflow', false);
    const re = this.overflowEl;
    if (re.version !== this.version) {
      re.version = this.version;
      this.rows.fillPlain(re, r, m.settings, lineNo);
    }
    return re;
  }

  private memberRow(id: string, ref: RowRef, mem: GroupMember, m: TableModel): RowEl {
    let re = this.rowEls.get(id);
    if (!re) {
      re = this.memberPool.pop();
      if (re) re.version = 0;
      else {
        re = this.rows.make('pm-member', true);
        re.tr.setAttribute('aria-level', '2');
        this.rows.infoButtons(re, false, true);
      }
      re.tr.dataset.key = ref.key;
      re.tr.dataset.pid = String(mem.pid);
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
    }
    if (re.version === this.version) return re;
    re.version = this.version;
    this.rows.fillMember(re, mem, m.settings, sameRef(m.selected, ref));
    return re;
  }
}
