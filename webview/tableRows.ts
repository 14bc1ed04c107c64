// The table's row elements: made once, then only their changed cells rewritten. Every
// process-derived string goes through textContent / title / attributes (never HTML).
import { hhmmss } from '../src/core/format';
import type { GroupMember, GroupRow, Units } from '../src/core/types';
import type { LeakInfo, PanelSettings } from '../src/shared/webviewProtocol';
import { SPARK_HEIGHT, SPARK_WIDTH, type SparkTarget } from './chart';
import { cellText, leakText, memberCellText, NUMERIC_COLUMNS, processes, typeClass, type ColumnName } from './columns';
import { setAttr, setText } from './dom';
import { kernelText, NEAR_LIMIT_MARK, OOM_KILL_MARK } from '../src/core/format';

const NEAR_LIMIT_LABEL = 'near its cgroup\u2019s memory limit (90% or more)';
const oomKillLabel = (n: number) => `${n} OOM kill${n === 1 ? '' : 's'} in its cgroup since the view started`;

export interface RowEl {
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

/** What a group or process row shows besides its own figures. */
export interface RowContext {
  settings: PanelSettings;
  expanded: ReadonlySet<string>;
  leaks: ReadonlyMap<string, LeakInfo>;
}

const TYPE_CLASSES = ['pm-new', 'pm-gone', 'pm-grow', 'pm-shrink'];
const MARKER_NAMES: Record<string, string> = {
  'pm-new': 'new',
  'pm-gone': 'vanished',
  'pm-grow': 'grew',
  'pm-shrink': 'shrank',
};

export class RowBuilder {
  /** The columns shown, in order (set when the table is rebuilt). */
  cols: ColumnName[] = [];
  /** Group rows with a sparkline: what to draw in them. */
  readonly sparks = new WeakMap<HTMLTableRowElement, SparkTarget>();
  private nextId = 1;

  constructor(private readonly doc: Document) {}

  make(className: string, selectable: boolean): RowEl {
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

  /** A row of figures only: the total and the O row. */
  fillPlain(re: RowEl, r: GroupRow, s: PanelSettings, lineNo: number | null): void {
    fillCells(re, (c) => cellText(r, c, s, lineNo));
    setText(re.infoText, r.info);
  }

  fillGroup(re: RowEl, r: GroupRow, m: RowContext, lineNo: number, selected: boolean): void {
    const tr = re.tr;
    fillCells(re, (c) => cellText(r, c, m.settings, lineNo));
    setText(re.infoText, r.info);
    const info = re.cells.get('info');
    // A figure the walk budget left from an earlier sample: italic (style.css), its time in the tooltip.
    const tip = r.asOf === undefined ? r.info : `${r.info}\nas of ${hhmmss(r.asOf)}`;
    if (info && info.title !== tip) info.title = tip;
    tr.classList.toggle('pm-old', r.asOf !== undefined);

    const marker = typeClass(r.type);
    for (const cls of TYPE_CLASSES) tr.classList.toggle(cls, cls === marker);

    const leak = r.type === 'x' ? undefined : m.leaks.get(r.key);
    this.trendCell(re, r.key, leak, m.settings.units);
    this.cgroupCell(re, r);

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
    const kills = r.kernel?.events?.oomKill ?? 0;
    const suspect =
      (leak ? `, ${leakText(leak, m.settings.units)}` : '') + (r.kernel?.nearLimit ? `, ${NEAR_LIMIT_LABEL}` : '') + (kills > 0 ? `, ${oomKillLabel(kills)}` : '');
    setAttr(tr, 'aria-label', `${r.info}: ${cellText(r, 'ptotal', m.settings, null)} ${m.settings.units} ptotal, ${processes(r.count)}${what}${suspect}`);
    selectRow(tr, selected);
  }

  fillMember(re: RowEl, mem: GroupMember, s: PanelSettings, selected: boolean): void {
    fillCells(re, (c) => memberCellText(mem, c, s));
    setText(re.infoText, mem.cmd);
    const info = re.cells.get('info');
    if (info && info.title !== mem.cmd) info.title = mem.cmd;
    if (re.kill) setAttr(re.kill, 'aria-label', `Kill process ${mem.pid}`);
    setAttr(re.tr, 'aria-label', `process ${mem.pid}: ${memberCellText(mem, 'ptotal', s)} ${s.units} ptotal, ${mem.cmd}`);
    selectRow(re.tr, selected);
  }

  /** The cgroup cell's tooltip (every kernel figure) and the "limit?" badge of a group near its limit. */
  private cgroupCell(re: RowEl, r: GroupRow): void {
    const td = re.cells.get('cgroup');
    if (!td) return;
    const k = r.kernel;
    setAttr(td, 'title', k ? `${k.dir}: ${kernelText(k)}` : 'no figures: the group is not one cgroup (or its memory is not accounted)');
    this.badge(td, 'pm-limit-badge', k?.nearLimit ? NEAR_LIMIT_MARK : null, NEAR_LIMIT_LABEL);
    const kills = k?.events?.oomKill ?? 0;
    this.badge(td, 'pm-oom-badge', kills > 0 ? `${OOM_KILL_MARK}${kills}` : null, oomKillLabel(kills));
  }

  /** A badge after the cell's text (null: none); fillCells rewrote the text, so it goes last again. */
  private badge(td: HTMLElement, className: string, text: string | null, label: string): void {
    let badge = td.querySelector<HTMLSpanElement>(`.${className}`);
    if (text === null) {
      badge?.remove();
      return;
    }
    if (!badge) {
      badge = this.doc.createElement('span');
      badge.className = `pm-leak-badge ${className}`;
    }
    setText(badge, text);
    setAttr(badge, 'aria-label', label);
    td.append(badge);
  }

  /** The twisty and the kill button before the info text, made or removed as needed. */
  infoButtons(re: RowEl, twisty: boolean, kill: boolean): void {
    const info = re.cells.get('info');
    if (!info) return;
    re.twisty = this.button(info, re.twisty, twisty, 'pm-twisty', info.firstChild);
    re.kill = this.button(info, re.kill, kill, 'pm-kill-btn', re.infoText);
  }

  /** A row button (not in the tab order: the table has the focus), made or removed. */
  private button(parent: HTMLElement, b: HTMLButtonElement | null, on: boolean, className: string, before: Node | null): HTMLButtonElement | null {
    if (on && !b) {
      b = this.doc.createElement('button');
      b.type = 'button';
      b.className = className;
      b.tabIndex = -1;
      parent.insertBefore(b, before);
    } else if (!on && b) {
      b.remove();
      b = null;
    }
    return b;
  }

  /** The trend cell: the sparkline canvas (made once) and the "leak?" badge of a suspect. */
  private trendCell(re: RowEl, key: string, leak: LeakInfo | undefined, units: Units): void {
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
      const text = leakText(leak, units);
      setAttr(re.badge, 'title', text);
      setAttr(re.badge, 'aria-label', text);
    } else if (re.badge) {
      re.badge.remove();
      re.badge = null;
    }
  }
}

function fillCells(re: RowEl, text: (c: ColumnName) => string): void {
  for (const [c, td] of re.cells) {
    if (c === 'info' || c === 'trend') continue;
    setText(td, text(c));
  }
}

function selectRow(tr: HTMLTableRowElement, on: boolean): void {
  tr.classList.toggle('pm-selected', on);
  setAttr(tr, 'aria-selected', String(on));
}
