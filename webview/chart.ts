// The selected group's chart under the table (#pm-chart) and the rows' sparklines
// (canvas.pm-spark). DOM and events only: geometry comes from chartModel.ts, pixels from
// canvas.ts. Process-derived text (the group's name) goes through textContent only.
import type { Units } from '../src/core/types';
import { drawChart, drawSpark, prepare, readPalette, type Palette } from './canvas';
import { chartGeometry, chartSummary, hoverLines, nearestIndex, sparkGeometry, type ChartBox, type ChartGeometry, type ChartSpec } from './chartModel';
import type { SparkStore } from './history';
import { closeButton, setText, syncLines } from './dom';

export const CHART_HEIGHT = 150;
export const SPARK_WIDTH = 60;
export const SPARK_HEIGHT = 14;
const BOX = { left: 64, right: 12, top: 12, bottom: 20 };

export interface ChartElements {
  root: HTMLElement;
  title: HTMLElement;
  legend: HTMLElement;
  note: HTMLElement;
  exportButton: HTMLElement;
  closeButton: HTMLButtonElement;
  body: HTMLElement;
  canvas: HTMLCanvasElement;
  tip: HTMLElement;
}

/** The chart's fixed DOM: `section#pm-chart[hidden]` with a head line and the canvas. */
export function buildChartDom(doc: Document): ChartElements {
  const root = doc.createElement('section');
  root.id = 'pm-chart';
  root.hidden = true;
  root.setAttribute('aria-label', 'Memory of the selected group over time');
  const head = doc.createElement('div');
  head.className = 'pm-chart-head';
  const title = doc.createElement('span');
  title.className = 'pm-chart-title';
  const legend = doc.createElement('span');
  legend.className = 'pm-chart-legend';
  const note = doc.createElement('span');
  note.className = 'pm-chart-note';
  const exportButton = doc.createElement('vscode-button');
  exportButton.id = 'pm-chart-export';
  exportButton.textContent = 'Export CSV\u2026';
  exportButton.setAttribute('secondary', '');
  exportButton.setAttribute('title', 'Export this group\u2019s history (every category per sample) as CSV');
  exportButton.setAttribute('aria-label', 'Export this group\u2019s history as CSV');
  const close = closeButton(doc, { className: 'pm-chart-close', text: '\u2715', title: 'Close the chart (clears the selection)', label: 'Close the chart' });
  head.append(title, legend, note, exportButton, close);
  const body = doc.createElement('div');
  body.className = 'pm-chart-body';
  const canvas = doc.createElement('canvas');
  canvas.className = 'pm-chart-canvas';
  canvas.setAttribute('role', 'img');
  const tip = doc.createElement('div');
  tip.className = 'pm-chart-tip';
  tip.hidden = true;
  tip.setAttribute('aria-hidden', 'true');
  body.append(canvas, tip);
  root.append(head, body);
  return { root, title, legend, note, exportButton, closeButton: close, body, canvas, tip };
}

export interface ChartState {
  key: string;
  /** The group's name as the table shows it. */
  info: string;
  /** null: the history has not arrived (or is not kept for the group). */
  spec: ChartSpec | null;
  loading: boolean;
  units: Units;
  /** Bumped by the app whenever the data changed. */
  version: number;
  /** A time marked with a line across the plot (the recording panel's moment shown), if any. */
  mark?: number | null;
}

/** Draws the chart when its data, units, size or hover changed, and shows the hover values. */
export class ChartView {
  private state: ChartState | null = null;
  private drawnKey = '';
  private geo: ChartGeometry | null = null;
  private box: ChartBox | null = null;
  private hover = -1;
  private legendKey = '';
  /** The theme's colours (read again when the theme changes: draw(true)). */
  private palette: Palette | null = null;
  /** The plot's CSS width, measured when the chart appears or its size changes (never on the update path). */
  private width = 0;
  private drawQueued = false;

  /**
   * `nextFrame` runs the drawing before the next frame, after the browser has styled and laid
   * out the update (a canvas font needs the style: drawing at once would force it mid-update).
   */
  constructor(
    readonly el: ChartElements,
    private readonly nextFrame: (cb: () => void) => void = (cb) => cb(),
  ) {
    el.canvas.addEventListener('mousemove', (e) => this.onPointer(e));
    el.canvas.addEventListener('mouseleave', () => this.setHover(-1));
    const RO = el.root.ownerDocument.defaultView?.ResizeObserver;
    if (typeof RO === 'function') {
      new RO(() => {
        if (this.el.root.hidden) return;
        this.width = 0;
        this.draw(false);
      }).observe(el.body);
    }
  }

  /** The size may have changed (window resize without a ResizeObserver). */
  resized(): void {
    this.width = 0;
    this.draw(false);
  }

  get visible(): boolean {
    return !this.el.root.hidden;
  }

  /** Hover index (tests). */
  get hoverIndex(): number {
    return this.hover;
  }

  /** The last geometry drawn (tests). */
  get geometry(): ChartGeometry | null {
    return this.geo;
  }

  hide(): void {
    if (!this.el.root.hidden) this.el.root.hidden = true;
    this.width = 0;
    this.state = null;
    this.hover = -1;
    this.el.tip.hidden = true;
  }

  show(s: ChartState): void {
    const el = this.el;
    if (this.state?.key !== s.key) this.hover = -1;
    this.state = s;
    if (el.root.hidden) el.root.hidden = false;
    setText(el.title, s.info);
    el.title.title = s.info;
    const n = s.spec?.times.length ?? 0;
    const secs = n > 1 && s.spec ? Math.round((s.spec.times[n - 1] - s.spec.times[0]) / 1000) : 0;
    setText(
      el.note,
      s.loading ? 'loading history\u2026' : n === 0 ? 'no history kept for this group' : `${n} sample${n === 1 ? '' : 's'}${secs ? `, ${duration(secs)}` : ''}`,
    );
    this.syncLegend(s.spec);
    el.canvas.setAttribute('aria-label', s.spec ? chartSummary(s.info, s.spec, s.units) : `${s.info}: no history yet`);
    if (this.drawQueued) return;
    this.drawQueued = true;
    this.nextFrame(() => {
      this.drawQueued = false;
      this.draw(false);
    });
  }

  /** Draw when anything it depends on changed (`force`: e.g. the theme changed). */
  draw(force: boolean): void {
    const s = this.state;
    if (!s || this.el.root.hidden) return;
    if (this.width === 0) this.width = Math.max(200, Math.floor(this.el.body.clientWidth || this.el.root.clientWidth || 600));
    const width = this.width;
    const key = `${s.key}\u0000${s.version}\u0000${s.units}\u0000${width}\u0000${this.hover}\u0000${s.mark ?? ''}`;
    if (!force && key === this.drawnKey) return;
    this.drawnKey = key;
    this.box = { width, height: CHART_HEIGHT, ...BOX };
    this.geo = s.spec ? chartGeometry(s.spec, this.box, s.units) : null;
    const style = this.el.canvas.style;
    if (style.width !== `${width}px`) style.width = `${width}px`;
    if (style.height !== `${CHART_HEIGHT}px`) style.height = `${CHART_HEIGHT}px`;
    const ctx = prepare(this.el.canvas, width, CHART_HEIGHT);
    if (force || !this.palette) this.palette = readPalette(this.el.root);
    if (ctx && this.geo) drawChart(ctx, this.geo, this.box, this.palette, this.hover, s.spec && s.mark != null ? markX(s.spec.times, this.geo.xs, s.mark) : null);
  }

  /** A pointer at x (CSS pixels from the canvas's left edge). */
  pointAt(x: number): void {
    this.setHover(this.geo ? nearestIndex(this.geo.xs, x) : -1);
  }

  private onPointer(e: MouseEvent): void {
    const r = this.el.canvas.getBoundingClientRect();
    this.pointAt(e.clientX - r.left);
  }

  private setHover(i: number): void {
    if (i === this.hover) return;
    this.hover = i;
    const s = this.state;
    const tip = this.el.tip;
    if (i < 0 || !s?.spec || !this.geo) {
      tip.hidden = true;
    } else {
      syncLines(tip, hoverLines(s.spec, i, s.units));
      const x = this.geo.xs[i];
      const width = this.box?.width ?? 600;
      tip.style.left = x > width / 2 ? '' : `${Math.round(x + 10)}px`;
      tip.style.right = x > width / 2 ? `${Math.round(width - x + 10)}px` : '';
      tip.hidden = false;
    }
    this.draw(false);
  }

  private syncLegend(spec: ChartSpec | null): void {
    const names = spec ? [...spec.lines.map((l) => l.name), ...[...spec.layers].reverse().map((l) => l.name)] : [];
    const key = names.join(',');
    if (key === this.legendKey) return;
    this.legendKey = key;
    const doc = this.el.legend.ownerDocument;
    this.el.legend.replaceChildren(
      ...names.map((name) => {
        const item = doc.createElement('span');
        item.className = 'pm-legend-item';
        const sw = doc.createElement('span');
        sw.className = 'pm-swatch';
        sw.dataset.series = name;
        item.append(sw, doc.createTextNode(name));
        return item;
      }),
      ...(spec?.types.some((t) => t.startsWith('+') || t.startsWith('-'))
        ? [legendMark(doc, 'pm-mark-grow', '\u25B2 +NK'), legendMark(doc, 'pm-mark-shrink', '\u25BC \u2212NK')]
        : []),
    );
  }
}

/** Where time t falls between the samples' xs (null: outside them). */
function markX(times: readonly number[], xs: readonly number[], t: number): number | null {
  const n = times.length;
  if (n === 0 || t < times[0] || t > times[n - 1]) return null;
  let i = 0;
  while (i + 1 < n && times[i + 1] < t) i++;
  if (i + 1 >= n || times[i + 1] === times[i]) return xs[i];
  return xs[i] + ((t - times[i]) / (times[i + 1] - times[i])) * (xs[i + 1] - xs[i]);
}

function legendMark(doc: Document, cls: string, text: string): HTMLElement {
  const s = doc.createElement('span');
  s.className = `pm-legend-item ${cls}`;
  s.textContent = text;
  s.title = 'A sample where the panel reported this change (type column)';
  return s;
}

function duration(secs: number): string {
  if (secs < 120) return `${secs} s`;
  if (secs < 7200) return `${Math.round(secs / 60)} min`;
  return `${(secs / 3600).toFixed(1)} h`;
}

/** One visible row's sparkline. */
export interface SparkTarget {
  canvas: HTMLCanvasElement;
  key: string;
  leak: boolean;
}

export type SparkDraw = (canvas: HTMLCanvasElement, values: readonly number[], slots: number, leak: boolean, palette: Palette | null) => void;

/** The default drawing: the row's ptotal line, in the leak colour for a suspect. */
export const drawSparkCanvas: SparkDraw = (canvas, values, slots, leak, palette) => {
  const ctx = prepare(canvas, SPARK_WIDTH, SPARK_HEIGHT);
  if (!ctx || !palette) return;
  drawSpark(ctx, sparkGeometry(values, slots, SPARK_WIDTH, SPARK_HEIGHT), leak ? palette.leak : palette.spark);
};

/** Redraws a sparkline only when its figures (or leak mark) changed since it was drawn. */
export class SparkPainter {
  /** What each canvas shows: the group (a table row's canvas is reused for another) and its figures' version. */
  private drawn = new WeakMap<HTMLCanvasElement, { key: string; v: number }>();
  private palette: Palette | null = null;

  constructor(
    private readonly store: SparkStore,
    private readonly draw: SparkDraw = drawSparkCanvas,
  ) {}

  /** Draw the targets whose picture is out of date; returns how many were drawn. */
  paint(targets: Iterable<SparkTarget>, paletteFrom?: Element): number {
    let n = 0;
    for (const t of targets) {
      const v = this.store.version(t.key) * 2 + (t.leak ? 1 : 0);
      const d = this.drawn.get(t.canvas);
      if (d ? d.key === t.key && d.v === v : v === 0) continue; // (a new canvas is blank: nothing to draw yet)
      if (!this.palette && paletteFrom) this.palette = readPalette(paletteFrom);
      this.drawn.set(t.canvas, { key: t.key, v });
      this.draw(t.canvas, this.store.values(t.key), this.store.points, t.leak, this.palette);
      n++;
    }
    return n;
  }

  /** Everything must be drawn again (the theme changed). */
  invalidate(): void {
    this.drawn = new WeakMap();
    this.palette = null;
  }
}
