// Renders the table in place: rows are kept by group key and only their changed cells
// are rewritten, so an update keeps scroll position, selection and focus.
// Every process-derived string goes through textContent / dataset / title (never HTML).
import type { GroupMember, GroupRow } from '../src/core/types';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';
import { SPARK_HEIGHT, SPARK_WIDTH, type SparkTarget } from './chart';
import {
  cellText,
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
}

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
}

const TYPE_CLASSES = ['pm-new', 'pm-gone', 'pm-grow', 'pm-shrink'];
const MARKER_NAMES: Record<string, string> = {
  'pm-new': 'new',
  'pm-gone': 'vanished',
  'pm-grow': 'grew',
  'pm-shrink': 'shrank',
};

function setText(node: Node, s: string): void {
  if (node.textContent !== s) node.textContent = s;
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
   * The sparklines of the table body's rows `from` … `to` (indices of tbody rows, as the
   * scroll position gives them): only these are drawn.
   */
  sparkTargets(from: number, to: number): SparkTarget[] {
    const rows = this.tbody.children;
    const out: SparkTarget[] = [];
    for (let i = Math.max(0, from); i < Math.min(rows.length, to); i++) {
      const t = this.sparks.get(rows[i] as HTMLTableRowElement);
      if (t) out.push(t);
    }
    return out;
  }

  /** The element of a selectable row, if shown. */
  rowElement(ref: RowRef): HTMLTableRowElement | null {
    return this.rowEls.get(rowId(ref))?.tr ?? null;
  }

  render(m: TableModel): void {
    if (m.cols.join() !== this.cols.join()) this.rebuild(m.cols);
    this.renderHeader(m.sort);
    this.renderTotal(m);

    const desired: HTMLTableRowElement[] = [];
    const seen = new Set<string>();
    m.rows.forEach((r, i) => {
      const ref: RowRef = { key: r.key, pid: null };
      const id = rowId(ref);
      seen.add(id);
      const re = this.groupRow(id, ref, r, m, i + 1);
      desired.push(re.tr);
      if (m.expanded.has(r.key) && r.type !== 'x') {
        for (const mem of membersInOrder(r)) {
          const mref: RowRef = { key: r.key, pid: mem.pid };
          const mid = rowId(mref);
          seen.add(mid);
          desired.push(this.memberRow(mid, mref, mem, m).tr);
        }
      }
    });
    if (m.overflow) {
      this.overflowEl ??= this.makeRow('pm-overflow', false);
      this.fillCells(this.overflowEl, (c) => cellText(m.overflow as GroupRow, c, m.settings, m.rows.length + 1));
      setText(this.overflowEl.infoText, m.overflow.info);
      desired.push(this.overflowEl.tr);
    }
    for (const id of [...this.rowEls.keys()]) if (!seen.has(id)) this.rowEls.delete(id);

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

  private rebuild(cols: ColumnName[]): void {
    this.cols = cols;
    this.rowEls.clear();
    this.overflowEl = null;
    this.tbody.replaceChildren();
    this.headRow.replaceChildren();
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
    this.totalEl?.tr.remove();
    this.totalEl = this.makeRow('pm-total', false);
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
    return { tr, cells, infoText: infoText ?? this.doc.createElement('span'), twisty: null, kill: null, spark: null, badge: null };
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
      re = this.makeRow('pm-row', true);
      re.tr.dataset.key = r.key;
      re.tr.setAttribute('aria-level', '1');
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
    }
    const tr = re.tr;
    this.fillCells(re, (c) => cellText(r, c, m.settings, lineNo));
    setText(re.infoText, r.info);
    const info = re.cells.get('info');
    if (info && info.title !== r.info) info.title = r.info;

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
    if (re.kill) setAttr(re.kill, 'aria-label', `Kill ${r.info} (${r.count} processes)`);
    const what = marker ? `, ${MARKER_NAMES[marker]}${r.type.startsWith('+') || r.type.startsWith('-') ? ' ' + r.type : ''}` : '';
    const suspect = leak ? `, ${leakText(leak, m.settings.units)}` : '';
    setAttr(tr, 'aria-label', `${r.info}: ${cellText(r, 'ptotal', m.settings, null)} ${m.settings.units} ptotal, ${r.count} processes${what}${suspect}`);
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

  private memberRow(id: string, ref: RowRef, mem: GroupMember, m: TableModel): RowEl {
    let re = this.rowEls.get(id);
    if (!re) {
      re = this.makeRow('pm-member', true);
      re.tr.dataset.key = ref.key;
      re.tr.dataset.pid = String(mem.pid);
      re.tr.setAttribute('aria-level', '2');
      this.refs.set(re.tr, ref);
      this.rowEls.set(id, re);
      this.infoButtons(re, false, true);
    }
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

function rowId(ref: RowRef): string {
  return ref.pid === null ? `g\u0000${ref.key}` : `m\u0000${ref.key}\u0000${ref.pid}`;
}
