// Renders the table in place: rows are kept by group key and only their changed cells
// are rewritten, so an update keeps scroll position, selection and focus.
// A long table is virtualized (virtual.ts): only the rows in view and a margin have elements,
// between spacer rows of the height of the rows left out; the selected row always has one.
// The table's layout is fixed, its column widths set on <col>s from the figures (only ever
// widened until the columns, units or grouping change), so a changed figure never makes the
// browser measure every row.
// Every process-derived string goes through textContent / dataset / title (never HTML).
import { hhmmss } from '../src/core/format';
import type { GroupMember, GroupRow } from '../src/core/types';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';
import { SPARK_HEIGHT, SPARK_WIDTH, type SparkTarget } from './chart';
import {
  processes,
  cellText,
  columnChars,
  COLUMN_LABELS,
  COLUMN_TITLES,
  leakText,
  memberCellText,
  NUMERIC_COLUMNS,
  sameRef,
  typeClass,
  type ColumnName,
  type ColumnSort,
  type RowRef,
  type SortableColumn,
} from './model';
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

/** One row of the body, in display order. */
type Item =
  | { kind: 'group'; id: string; ref: RowRef; row: GroupRow; lineNo: number }
  | { kind: 'member'; id: string; ref: RowRef; mem: GroupMember }
  | { kind: 'overflow'; row: GroupRow; lineNo: number };

export interface TableHandlers {
  onSort(col: SortableColumn): void;
  onSelect(ref: RowRef): void;
  onToggle(key: string): void;
  onKill(ref: RowRef): void;
}

interface RowEl {
  tr: HTMLTableRowElement;
  cells: Map<ColumnName, HTMLTableCellElement>;
  infoText: HTMLSpanElement;
  twisty: HTMLButtonElement | null;
  kill: HTMLButtonElement | null;
  /** The sparkline (group rows, when the trend column is shown). */
  spark: HTMLCanvasElement | null;
  /** The "leak?" badge of a suspect. */
  badge: HTMLSpanElement | null;
  /** The render (TableRenderer.version) whose figures the row shows. */
  version: number;
}

/** Rows kept in each pool at most. */
const POOL_MAX = 200;
/** Horizontal padding of a cell (style.css: `#pm-table td { padding: 1px 6px }`). */
const CELL_PADDING_PX = 12;
/** The trend column: the sparkline, and room for the "leak?" badge once there is a suspect. */
const TREND_WIDTH = `${SPARK_WIDTH + CELL_PADDING_PX}px`;
const TREND_WIDTH_BADGE = `calc(${SPARK_WIDTH + CELL_PADDING_PX + 12}px + 5ch)`;

const TYPE_CLASSES = ['pm-new', 'pm-gone', 'pm-grow', 'pm-shrink'];
const MARKER_NAMES: Record<string, string> = {
  'pm-new': 'new',
  'pm-gone': 'vanished',
  'pm-grow': 'grew',
  'pm-shrink': 'shrank',
};

/** Sets an element's text, rewriting its text node in place (no new node for the browser to style and lay out). */
function setText(node: Node, s: string): void {
  const t = node.firstChild;
  if (t !== null && t === node.lastChild && t.nodeType === 3) {
    if ((t as Text).data !== s) (t as Text).data = s;
  } else if (node.textContent !== s) node.textContent = s;
}

function setAttr(e: Element, name: string, value: string): void {
  if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

/** Members in display order: biggest first, ties in pid order. */
export function membersInOrder(r: GroupRow): GroupMember[] {
  return [...r.members].sort((a, b) => b.mem.ptotal - a.mem.ptotal || a.pid - b.pid);
}

export class TableRenderer {
  private cols: ColumnName[] = [];
  private rowEls = new Map<string, RowEl>();
  private refs = new WeakMap<HTMLTableRowElement, RowRef>();
  private totalEl: RowEl | null = null;
  private overflowEl: RowEl | null = null;
  private nextId = 1;
  /** Group rows with a sparkline: what to draw in them. */
  private sparks = new WeakMap<HTMLTableRowElement, SparkTarget>();
  private model: TableModel | null = null;
  /** Bumped by each render(): rows filled at an older one are filled again when rendered. */
  private version = 0;
  /** Every body row, rendered or not. */
  private items: Item[] = [];
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
    private readonly tbody: HTMLTableSectionElement,
    private readonly handlers: TableHandlers,
  ) {
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
      const t = tr ? this.sparks.get(tr) : undefined;
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
    this.items = bodyItems(m);
    this.selIndex = m.selected ? this.items.findIndex((it) => it.kind !== 'overflow' && sameRef(it.ref, m.selected)) : -1;
    this.range = renderRange(this.items.length, m.viewport.first, m.viewport.count, this.range);
    this.renderHeader(m.sort);
    this.renderTotal(m);
    this.renderWidths(m);
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

  /** Column widths from the figures: stable (only widened) while the columns, units and grouping stay. */
  private renderWidths(m: TableModel): void {
    const key = `${this.cols.join()}|${m.settings.units}|${m.settings.groupBy}`;
    if (key !== this.widthKey) {
      this.widthKey = key;
      this.widthCh.clear();
      this.trendBadge = false;
    }
    if (m.leaks.size > 0) this.trendBadge = true;
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

  private rebuild(cols: ColumnName[]): void {
    this.cols = cols;
    this.rowEls.clear();
    this.overflowEl = null;
    this.spacers = [];
    this.groupPool = [];
    this.memberPool = [];
    this.rendered.clear();
    this.tbody.replaceChildren();
    this.headRow.replaceChildren();
    // Fixed layout: the widths of the <col>s (none for the info column: it takes the rest).
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
    this.totalEl?.tr.remove();
    this.totalEl = this.makeRow('pm-total', false);
    this.totalEl.tr.setAttribute('aria-rowindex', '2');
    this.thead.append(this.totalEl.tr);
  }

  private renderHeader(sort: ColumnSort): void {
    for (const th of Array.from(this.headRow.children)) {
      const col = th.getAttribute('data-col');
      if (col === sort.col) setAttr(th, 'aria-sort', sort.dir === 'asc' ? 'ascending' : 'descending');
      else if (th.hasAttribute('aria-sort')) th.removeAttribute('aria-sort');
    }
  }

  private renderTotal(m: TableModel): void {
    const t = this.totalEl;
    if (!t) return;
    t.tr.hidden = m.total === null;
    if (!m.total) return;
    const total = m.total;
    this.fillCells(t, (c) => (c === 'line' ? '' : cellText(total, c, m.settings, null)));
    setText(t.infoText, total.info);
  }

  private makeRow(className: string, selectable: boolean): RowEl {
    const tr = this.doc.createElement('tr');
    tr.className = className;
    const cells = new Map<ColumnName, HTMLTableCellElement>();
    let infoText: HTMLSpanElement | null = null;
    for (const c of this.cols) {
      const td = this.doc.createElement('td');
      td.className = `pm-${c}` + (NUMERIC_COLUMNS.has(c) ? ' pm-num' : '');
      if (c === 'info') {
        infoText = this.doc.createElement('span');
        infoText.className = 'pm-info-text';
        td.append(infoText);
      }
      cells.set(c, td);
      tr.append(td);
    }
    if (selectable) {
      tr.id = `pm-r${this.nextId++}`;
      tr.setAttribute('aria-selected', 'false');
    }
    return { tr, cells, infoText: infoText ?? this.doc.createElement('span'), twisty: null, kill: null, spark: null, badge: null, version: 0 };
  }

  private fillCells(re: RowEl, text: (c: ColumnName) => string): void {
    for (const [c, td] of re.cells) {
      if (c === 'info' || c === 'trend') continue;
      setText(td, text(c));
    }
  }

  private infoButtons(re: RowEl, twisty: boolean, kill: boolean): void {
    const info = re.cells.get('info');
    if (!info) return;
    if (twisty && !re.twisty) {
      const b = this.doc.createElement('button');
      b.type = 'button';
      b.className = 'pm-twisty';
      b.tabIndex = -1;
      info.insertBefore(b, info.firstChild);
      re.twisty = b;
    } else if (!twisty && re.twisty) {
      re.twisty.remove();
      re.twisty = null;
    }
    if (kill && !re.kill) {
      const b = this.doc.createElement('button');
      b.type = 'button';
      b.className = 'pm-kill-btn';
      b.tabIndex = -1;
      info.insertBefore(b, re.infoText);
      re.kill = b;
    } else if (!kill && re.kill) {
      re.kill.remove();
      re.kill = null;
    }
  }

  private groupRow(id: string, ref: RowRef, r: GroupRow, m: TableModel, lineNo: number): RowEl {
    let re = this.rowEls.get(id);
    if (!re) {
      re = this.groupPool.pop();
      if (re) re.version = 0; // another group's row: filled below
      else {
        re = this.makeRow('pm-row', true);
        re.tr.setAttribute('aria-level', '1');
      }
      re.tr.dataset.key = r.key;
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
    }
    if (re.version === this.version) return re; // filled by this render already (scrolling)
    re.version = this.version;
    const tr = re.tr;
    this.fillCells(re, (c) => cellText(r, c, m.settings, lineNo));
    setText(re.infoText, r.info);
    const info = re.cells.get('info');
    // A figure the walk budget left from an earlier sample: dimmed, its time in the tooltip.
    const tip = r.asOf === undefined ? r.info : `${r.info}\nas of ${hhmmss(r.asOf)}`;
    if (info && info.title !== tip) info.title = tip;
    re.tr.classList.toggle('pm-old', r.asOf !== undefined);

    const marker = typeClass(r.type);
    for (const cls of TYPE_CLASSES) tr.classList.toggle(cls, cls === marker);

    const leak = r.type === 'x' ? undefined : m.leaks.get(r.key);
    this.trendCell(re, r.key, leak, m.settings);

    const expandable = r.type !== 'x' && r.members.length > 0;
    const expanded = expandable && m.expanded.has(r.key);
    this.infoButtons(re, expandable, r.type !== 'x');
    if (expandable) setAttr(tr, 'aria-expanded', String(expanded));
    else tr.removeAttribute('aria-expanded');
    if (re.twisty) {
      re.twisty.classList.toggle('pm-open', expanded);
      setAttr(re.twisty, 'aria-label', expanded ? `Collapse ${r.info}` : `Expand ${r.info} into its processes`);
    }
    if (re.kill) setAttr(re.kill, 'aria-label', `Kill ${r.info} (${processes(r.count)})`);
    const what = marker ? `, ${MARKER_NAMES[marker]}${r.type.startsWith('+') || r.type.startsWith('-') ? ' ' + r.type : ''}` : '';
    const suspect = leak ? `, ${leakText(leak, m.settings.units)}` : '';
    setAttr(tr, 'aria-label', `${r.info}: ${cellText(r, 'ptotal', m.settings, null)} ${m.settings.units} ptotal, ${processes(r.count)}${what}${suspect}`);
    this.select(tr, sameRef(m.selected, ref));
    return re;
  }

  /** The trend cell: the sparkline canvas (made once) and the "leak?" badge of a suspect. */
  private trendCell(re: RowEl, key: string, leak: LeakInfo | undefined, s: PanelSettings): void {
    const tr = re.tr;
    const on = leak !== undefined;
    if (tr.classList.contains('pm-leak') !== on) tr.classList.toggle('pm-leak', on);
    const td = re.cells.get('trend');
    if (!td) {
      this.sparks.delete(tr);
      return;
    }
    if (!re.spark) {
      const c = this.doc.createElement('canvas');
      c.className = 'pm-spark';
      c.width = SPARK_WIDTH;
      c.height = SPARK_HEIGHT;
      c.setAttribute('aria-hidden', 'true');
      td.insertBefore(c, td.firstChild);
      re.spark = c;
    }
    const t = this.sparks.get(tr);
    if (!t || t.key !== key || t.leak !== on) this.sparks.set(tr, { canvas: re.spark, key, leak: on });
    if (leak) {
      if (!re.badge) {
        re.badge = this.doc.createElement('span');
        re.badge.className = 'pm-leak-badge';
        re.badge.textContent = 'leak?';
        td.append(re.badge);
      }
      const text = leakText(leak, s.units);
      setAttr(re.badge, 'title', text);
      setAttr(re.badge, 'aria-label', text);
    } else if (re.badge) {
      re.badge.remove();
      re.badge = null;
    }
  }

  private overflowRow(r: GroupRow, lineNo: number, m: TableModel): RowEl {
    this.overflowEl ??= this.makeRow('pm-overflow', false);
    const re = this.overflowEl;
    if (re.version !== this.version) {
      re.version = this.version;
      this.fillCells(re, (c) => cellText(r, c, m.settings, lineNo));
      setText(re.infoText, r.info);
    }
    return re;
  }

  private memberRow(id: string, ref: RowRef, mem: GroupMember, m: TableModel): RowEl {
    let re = this.rowEls.get(id);
    if (!re) {
      re = this.memberPool.pop();
      if (re) re.version = 0;
      else {
        re = this.makeRow('pm-member', true);
        re.tr.setAttribute('aria-level', '2');
        this.infoButtons(re, false, true);
      }
      re.tr.dataset.key = ref.key;
      re.tr.dataset.pid = String(mem.pid);
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
    }
    if (re.version === this.version) return re;
    re.version = this.version;
    this.fillCells(re, (c) => memberCellText(mem, c, m.settings));
    setText(re.infoText, mem.cmd);
    const info = re.cells.get('info');
    if (info && info.title !== mem.cmd) info.title = mem.cmd;
    if (re.kill) setAttr(re.kill, 'aria-label', `Kill process ${mem.pid}`);
    setAttr(re.tr, 'aria-label', `process ${mem.pid}: ${memberCellText(mem, 'ptotal', m.settings)} ${m.settings.units} ptotal, ${mem.cmd}`);
    this.select(re.tr, sameRef(m.selected, ref));
    return re;
  }

  private select(tr: HTMLTableRowElement, on: boolean): void {
    tr.classList.toggle('pm-selected', on);
    setAttr(tr, 'aria-selected', String(on));
  }
}

/** Every body row in display order: the groups, each followed by its processes when expanded, then the O row. */
function bodyItems(m: TableModel): Item[] {
  const items: Item[] = [];
  m.rows.forEach((r, i) => {
    const ref: RowRef = { key: r.key, pid: null };
    items.push({ kind: 'group', id: rowId(ref), ref, row: r, lineNo: i + 1 });
    if (m.expanded.has(r.key) && r.type !== 'x') {
      for (const mem of membersInOrder(r)) {
        const mref: RowRef = { key: r.key, pid: mem.pid };
        items.push({ kind: 'member', id: rowId(mref), ref: mref, mem });
      }
    }
  });
  if (m.overflow) items.push({ kind: 'overflow', row: m.overflow, lineNo: m.rows.length + 1 });
  return items;
}

function rowId(ref: RowRef): string {
  return ref.pid === null ? `g\u0000${ref.key}` : `m\u0000${ref.key}\u0000${ref.pid}`;
}
