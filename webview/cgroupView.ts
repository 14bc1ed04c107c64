// The drill-down of a group row under a unit, container or cgroup grouping (Enter on it): where
// the kernel's usage of the group's cgroup goes (the waterfall, src/core/cgroupMemory.ts) beside
// its limits and memory events. It needs no request of its own: every report carries each
// group's figures (kernel.parts, events, limits), so the view follows the samples as they come.
// DOM nodes only; the group's name and path go in through textContent.
import type { CgroupFigures } from '../src/core/cgroup';
import { EVENT_KEYS, EVENT_NAMES, limitValues, PART_KEYS, PART_TEXT } from '../src/core/cgroupMemory';
import { isCgroupGrouping, type GroupBy, type Report, type Units } from '../src/core/types';
import { formatKb } from '../src/core/units';
import type { RowRef } from '../src/shared/rowOrder';

/** The settings the view follows. */
interface Shown {
  groupBy: GroupBy;
  units: Units;
}

export class CgroupView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly body: HTMLElement;
  /** The group shown (null: the view is closed). */
  private want: string | null = null;
  /** What was last drawn, so an unchanged sample leaves the DOM alone. */
  private drawn = '';

  constructor(
    private readonly doc: Document,
    /** The view is placed after this element. */
    after: Element,
  ) {
    this.root = doc.createElement('section');
    this.root.id = 'pm-cgroup';
    this.root.hidden = true;
    this.root.setAttribute('aria-label', 'Where the memory of the selected group\u2019s cgroup goes');
    const head = this.el('div', 'pm-chart-head');
    this.title = this.el('span', 'pm-chart-title');
    this.note = this.el('span', 'pm-chart-note');
    const close = this.el('button', 'pm-chart-close');
    close.type = 'button';
    close.textContent = '\u2715';
    close.title = 'Close the cgroup\u2019s memory';
    close.setAttribute('aria-label', 'Close the cgroup\u2019s memory');
    close.addEventListener('click', () => this.close());
    head.append(this.title, this.note, close);
    this.body = this.el('div', 'pm-cg-body');
    this.root.append(head, this.body);
    after.after(this.root);
  }

  private el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
    const e = this.doc.createElement(tag);
    e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** The group key shown (null: closed). */
  get key(): string | null {
    return this.want;
  }

  /** Open on a group row of a cgroup grouping whose cgroup has figures; false otherwise (Enter then expands). */
  open(report: Report | null, ref: RowRef, s: Shown): boolean {
    if (ref.pid !== null || !isCgroupGrouping(s.groupBy)) return false;
    if (!report?.rows.find((r) => r.key === ref.key)?.kernel) return false;
    this.want = ref.key;
    this.drawn = '';
    this.root.hidden = false;
    this.update(report, s);
    return true;
  }

  close(): void {
    this.want = null;
    this.drawn = '';
    this.root.hidden = true;
    this.body.replaceChildren();
  }

  /** Each render: the group's figures now (a vanished group says so); another grouping closes the view. */
  update(report: Report | null, s: Shown): void {
    if (this.want === null || !report) return;
    if (!isCgroupGrouping(s.groupBy)) return this.close();
    const units = s.units;
    const row = report.rows.find((r) => r.key === this.want);
    const k = row?.kernel;
    const gone = !row || row.type === 'x' || !k;
    const sig = JSON.stringify([units, gone, k ?? null]);
    if (sig === this.drawn) return;
    this.drawn = sig;
    this.title.textContent = `Memory of ${row?.info ?? this.want}`;
    if (!k) {
      this.note.textContent = 'the group has gone, or is no longer one cgroup';
      this.body.replaceChildren();
      return;
    }
    const u = (kb: number) => formatKb(kb, units) + (units === 'human' ? '' : ` ${units}`);
    this.note.textContent = `${k.dir} \u2014 the kernel\u2019s usage ${u(k.current)}${k.limit === null ? '' : ` of ${u(k.limit)}`}${gone ? ' (gone)' : ''}`;
    this.body.replaceChildren(this.waterfall(k, units), this.side(k, units));
  }

  private waterfall(k: CgroupFigures, units: Units): HTMLElement {
    const box = this.el('div', 'pm-cg-waterfall');
    if (!k.parts) {
      box.append(this.el('div', 'pm-cg-none', 'no memory.stat for this cgroup: its usage cannot be split'));
      return box;
    }
    const scale = Math.max(k.current, ...PART_KEYS.map((p) => Math.abs(k.parts![p])), 1);
    let at = 0; // where the next bar starts, as a share of the scale: the parts stack up to the usage
    for (const p of PART_KEYS) {
      const v = k.parts[p];
      const line = this.el('div', `pm-cg-part pm-cg-${p}`);
      line.title = PART_TEXT[p].means;
      const track = this.el('span', 'pm-cg-track');
      const bar = this.el('span', v < 0 ? 'pm-cg-bar pm-cg-neg' : 'pm-cg-bar');
      const from = v < 0 ? at + v : at;
      bar.style.marginLeft = `${(100 * Math.max(0, from)) / scale}%`;
      bar.style.width = `${(100 * Math.abs(v)) / scale}%`;
      at += v;
      track.append(bar);
      const pct = k.current > 0 ? `${Math.round((100 * v) / k.current)}%` : '';
      line.append(
        this.el('span', 'pm-cg-label', PART_TEXT[p].label),
        track,
        this.el('span', 'pm-num', (v < 0 ? '-' : '') + formatKb(Math.abs(v), units)),
        this.el('span', 'pm-num pm-cg-pct', pct),
        this.el('span', 'pm-cg-means', PART_TEXT[p].means),
      );
      box.append(line);
    }
    return box;
  }

  private side(k: CgroupFigures, units: Units): HTMLElement {
    const box = this.el('div', 'pm-cg-side');
    const table = (caption: string, head: readonly string[], rows: readonly (readonly string[])[]) => {
      const t = this.el('table', 'pm-maps-table');
      const c = this.doc.createElement('caption');
      c.textContent = caption;
      const tr = this.doc.createElement('tr');
      for (const h of head) tr.append(this.el('th', '', h));
      const body = this.doc.createElement('tbody');
      for (const r of rows) {
        const row = this.doc.createElement('tr');
        r.forEach((cell, i) => row.append(this.el('td', i === 0 ? 'pm-info' : 'pm-num', cell)));
        body.append(row);
      }
      const thead = this.doc.createElement('thead');
      thead.append(tr);
      t.append(c, thead, body);
      return t;
    };
    if (k.limits) box.append(table('limits', ['', ''], limitValues(k.limits, (kb) => formatKb(kb, units))));
    if (k.events && k.eventsTotal) {
      const now = k.events;
      const all = k.eventsTotal;
      const rows = EVENT_KEYS.filter((key) => all[key] !== null).map((key) => [EVENT_NAMES[key], String(now[key] ?? ''), String(all[key])]);
      const t = table('memory events', ['', 'since the view started', 'all'], rows);
      if ((now.oomKill ?? 0) > 0) t.classList.add('pm-cg-oom');
      box.append(t);
    }
    if (!k.limits && !k.events) box.append(this.el('div', 'pm-cg-none', 'no limits or events for this cgroup'));
    return box;
  }
}
