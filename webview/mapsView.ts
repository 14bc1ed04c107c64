// The drill-down of a process row (Enter on it): what its memory is made of, its mappings
// grouped by what they are (src/core/maps.ts), as the helper read them for that pid + start
// time. DOM nodes only; every name from /proc goes in through textContent, printable.
import { MAP_COLUMNS, mapsCutNote, mapsUnits, type MapGroup, type ProcessMaps } from '../src/core/maps';
import { printable } from '../src/core/printable';
import type { Report, Units } from '../src/core/types';
import { formatKb } from '../src/core/units';
import type { MapsResult } from '../src/shared/mapsSchema';
import type { RowRef } from '../src/shared/rowOrder';
import type { HostMessage, WebviewMessage } from '../src/shared/webviewProtocol';

type MapsMessage = Extract<HostMessage, { type: 'maps' }>;
type Figures = Omit<MapGroup, 'kind' | 'name'>;

const WHY: Record<Exclude<MapsResult, { ok: true }>['outcome'], string> = {
  'not-found': 'the process is gone',
  'pid-reused': 'the pid now belongs to another process',
  'not-permitted': 'not permitted',
  'kernel-thread': 'a kernel thread has no mappings of its own',
  failed: 'the sampler could not read them',
};

export class MapsView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly table: HTMLTableElement;
  /** The process asked about (null: the view is closed). */
  private want: { pid: number; starttime: number; cmd: string } | null = null;
  private maps: ProcessMaps | null = null;
  private units: Units | null = null;

  constructor(
    private readonly doc: Document,
    private readonly post: (m: WebviewMessage) => void,
    /** The view is placed after this element (the chart). */
    after: Element,
  ) {
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string) => {
      const e = doc.createElement(tag);
      e.className = className;
      return e;
    };
    this.root = doc.createElement('section');
    this.root.id = 'pm-maps';
    this.root.hidden = true;
    this.root.setAttribute('aria-label', 'Mappings of the selected process');
    const head = el('div', 'pm-chart-head');
    this.title = el('span', 'pm-chart-title');
    this.note = el('span', 'pm-chart-note');
    const close = el('button', 'pm-chart-close');
    close.type = 'button';
    close.textContent = '\u2715';
    close.title = 'Close the mappings';
    close.setAttribute('aria-label', 'Close the mappings');
    close.addEventListener('click', () => this.close());
    head.append(this.title, this.note, close);
    const scroll = el('div', 'pm-maps-scroll');
    this.table = el('table', 'pm-maps-table');
    scroll.append(this.table);
    this.root.append(head, scroll);
    after.after(this.root);
  }

  /** The pid shown (null: closed). */
  get pid(): number | null {
    return this.want?.pid ?? null;
  }

  /** Ask for the mappings of a process row's process; false when the row is not one. */
  open(report: Report | null, ref: RowRef): boolean {
    const m = ref.pid === null ? undefined : report?.rows.find((r) => r.key === ref.key)?.members.find((x) => x.pid === ref.pid);
    if (!m) return false;
    this.want = { pid: m.pid, starttime: m.starttime, cmd: m.cmd };
    this.maps = null;
    this.units = null;
    this.root.hidden = false;
    this.title.textContent = `Mappings of ${m.pid}`;
    this.title.title = printable(m.cmd);
    this.note.textContent = 'reading\u2026';
    this.table.replaceChildren();
    this.post({ type: 'getMaps', pid: m.pid, starttime: m.starttime });
    return true;
  }

  close(): void {
    this.want = null;
    this.maps = null;
    this.root.hidden = true;
    this.table.replaceChildren();
  }

  /** The host's answer; one for another process (asked for before) is dropped. */
  receive(m: MapsMessage, units: Units): void {
    if (!this.want || m.pid !== this.want.pid || m.starttime !== this.want.starttime) return;
    if (!m.result.ok) {
      this.note.textContent = `no mappings: ${WHY[m.result.outcome]} (${printable(m.result.message)})`;
      return;
    }
    this.maps = m.result.maps;
    this.units = null;
    this.render(units);
  }

  /** Draw the table (again only when the units changed). */
  render(panelUnits: Units): void {
    const units = mapsUnits(panelUnits);
    const maps = this.maps;
    if (!maps || !this.want || this.units === units) return;
    this.units = units;
    const n = maps.total.count;
    this.note.textContent = `${printable(this.want.cmd)} \u2014 ptotal ${formatKb(maps.ptotal, units)}${units === 'human' ? '' : ` ${units}`} in ${n} mapping${n === 1 ? '' : 's'}, by Pss${maps.cut !== undefined ? ` \u2014 ${mapsCutNote(maps.cut)}` : ''}`;
    const head = this.doc.createElement('tr');
    for (const label of [...MAP_COLUMNS.map(([, l]) => l), 'maps', 'kind', 'name']) {
      const th = this.doc.createElement('th');
      th.textContent = label;
      th.scope = 'col';
      head.append(th);
    }
    const rows = maps.groups.map((g) => this.row(g, g.kind, printable(g.name), units));
    const total = this.row(maps.total, 'total', '', units);
    total.className = 'pm-total';
    const thead = this.doc.createElement('thead');
    thead.append(head);
    const tbody = this.doc.createElement('tbody');
    tbody.append(total, ...rows);
    this.table.replaceChildren(thead, tbody);
  }

  private row(g: Figures, kind: string, name: string, units: Units): HTMLTableRowElement {
    const tr = this.doc.createElement('tr');
    const cell = (text: string, className: string) => {
      const td = this.doc.createElement('td');
      td.className = className;
      td.textContent = text;
      tr.append(td);
    };
    for (const [k] of MAP_COLUMNS) cell(formatKb(g[k], units), 'pm-num');
    cell(String(g.count), 'pm-num');
    cell(kind, 'pm-map-kind');
    cell(name, 'pm-info');
    if (name) tr.title = name;
    return tr;
  }
}
