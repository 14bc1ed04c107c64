// Pure geometry of the sparklines and of the selected group's chart: points, scales, ticks,
// the reported-delta markers and the hover text. canvas.ts only draws what this computes.
import { otherOf, zeroMem, type MemKey, type RowType, type Units } from '../src/core/types';
import { formatKb, withCommas } from '../src/core/units';
import { signedKb } from '../src/core/compare';
import type { GroupHistory } from '../src/shared/webviewProtocol';

// ---------------------------------------------------------------- sparklines

export type Trend = 'up' | 'down' | 'flat';

export interface SparkGeometry {
  /** x0, y0, x1, y1, … in CSS pixels. */
  xy: number[];
  trend: Trend;
}

/** The least vertical range a sparkline spans (KB), so noise of a steady process stays flat. */
export const SPARK_MIN_SPAN_KB = 256;

/**
 * A sparkline of the newest figures, right-aligned in a `width`×`height` box with `pad`
 * pixels inside the edges: `slots` figures span the width, so a young group draws short
 * (but with its points at least 3 px apart, so its first samples are legible).
 * The vertical range is the window's own, but at least 5 % of its top and SPARK_MIN_SPAN_KB.
 */
export function sparkGeometry(values: readonly number[], slots: number, width: number, height: number, pad = 1.5): SparkGeometry {
  const n = Math.min(values.length, slots);
  if (n === 0) return { xy: [], trend: 'flat' };
  const vs = values.slice(values.length - n);
  let min = Infinity;
  let max = -Infinity;
  for (const v of vs) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = Math.max(max - min, 0.05 * Math.abs(max), SPARK_MIN_SPAN_KB);
  const lo = max - min >= span ? min : min - (span - (max - min)) / 2; // a small range sits in the middle
  // A full window spans the width; a young group's few points are spread at least 3 px apart.
  const full = slots > 1 ? (width - 2 * pad) / (slots - 1) : 0;
  const step = n > 1 ? Math.max(full, Math.min(3, (width - 2 * pad) / (n - 1))) : full;
  const h = height - 2 * pad;
  const xy: number[] = new Array(n * 2);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = width - pad - (n - 1 - i) * step;
    xy[2 * i + 1] = pad + h - ((vs[i] - lo) / span) * h;
  }
  const d = vs[n - 1] - vs[0];
  const trend: Trend = Math.abs(d) < Math.max(SPARK_MIN_SPAN_KB, 0.01 * Math.abs(max)) ? 'flat' : d > 0 ? 'up' : 'down';
  return { xy, trend };
}

// ---------------------------------------------------------------- the chart

export interface ChartSeries {
  name: string;
  values: number[];
}

/** What the chart shows of a group: stacked categories, lines on top, and the marks. */
export interface ChartSpec {
  key: string;
  times: number[];
  /** Stacked areas, bottom first (their sum is ptotal without pswap). */
  layers: ChartSeries[];
  /** ptotal, and pswap when there is any. */
  lines: ChartSeries[];
  types: RowType[];
}

/** Detail mode stacks the five categories (those with any memory); fast mode data and other. */
export function chartSpec(g: GroupHistory, detail: boolean): ChartSpec {
  const layers: ChartSeries[] = [];
  if (detail) {
    for (const k of ['data', 'text', 'stack', 'shOth', 'shSYSV'] as const satisfies readonly MemKey[]) {
      if (g.mem[k].some((v) => v !== 0)) layers.push({ name: k, values: g.mem[k] });
    }
    if (layers.length === 0) layers.push({ name: 'data', values: g.mem.data });
  } else {
    const other = g.times.map((_, i) =>
      otherOf({ ...zeroMem(), shSYSV: g.mem.shSYSV[i], shOth: g.mem.shOth[i], stack: g.mem.stack[i], text: g.mem.text[i] }),
    );
    layers.push({ name: 'data', values: g.mem.data }, { name: 'other', values: other });
  }
  const lines: ChartSeries[] = [{ name: 'ptotal', values: g.mem.ptotal }];
  if (g.mem.pswap.some((v) => v !== 0)) lines.push({ name: 'pswap', values: g.mem.pswap });
  return { key: g.key, times: g.times, layers, lines, types: g.types };
}

/** The plot area inside the canvas (CSS pixels). */
export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Tick {
  /** Pixel position (y for values, x for times). */
  at: number;
  label: string;
}

export interface Mark {
  index: number;
  x: number;
  y: number;
  kind: 'grow' | 'shrink';
  label: string;
}

export interface ChartGeometry {
  xs: number[];
  /** The value at the top of the plot (KB). */
  yMax: number;
  valueTicks: Tick[];
  timeTicks: Tick[];
  /** Per layer: the y of its upper and lower edge at each x. */
  bands: Array<{ name: string; upper: number[]; lower: number[] }>;
  lines: Array<{ name: string; ys: number[] }>;
  marks: Mark[];
}

const NICE = [1, 2, 2.5, 5, 10];

/** 1, 2, 2.5 or 5 × 10^n: the smallest at or above v. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of NICE) if (m * e >= v * (1 - 1e-12)) return m * e;
  return 10 * e;
}

/** 1, 2, 2.5 or 5 × 10^n: the largest at or below v. */
export function niceFloor(v: number): number {
  if (!(v > 0)) return 1;
  const e = 10 ** Math.floor(Math.log10(v));
  let best = e;
  for (const m of NICE) if (m * e <= v * (1 + 1e-12)) best = m * e;
  return best;
}

export interface ValueScale {
  /** KB per display unit. */
  kbPer: number;
  /** Appended to tick labels (human units only). */
  suffix: string;
  /** Tick step and top of the axis, in display units. */
  step: number;
  max: number;
}

/**
 * The value axis in the panel's units, with round ticks there (0, 25, 50, 75, 100 MB —
 * not 24.4 MB steps of a round KB figure): 4 to 6 steps reaching 5 % above the top.
 */
export function valueScale(topKb: number, units: Units): ValueScale {
  let kbPer = 1;
  let suffix = '';
  if (units === 'MB') kbPer = 1024;
  else if (units === 'mB') kbPer = 1e6 / 1024;
  else if (units === 'human') {
    const s = ['K', 'M', 'G', 'T'];
    let i = 0;
    while (i < s.length - 1 && topKb / 1024 ** i >= 999.95) i++;
    kbPer = 1024 ** i;
    suffix = s[i];
  }
  const top = Math.max(topKb * 1.05, 1e-9) / kbPer;
  let step = niceFloor(top / 4);
  while (Math.ceil(top / step - 1e-9) > 6) step = niceCeil(step * 1.0001);
  return { kbPer, suffix, step, max: Math.max(1, Math.ceil(top / step - 1e-9)) * step };
}

function tickLabel(v: number): string {
  if (Number.isInteger(v)) return withCommas(v);
  return String(+v.toFixed(3));
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

/** The smallest round time step (ms) at or above `ms`. */
export function timeStep(ms: number): number {
  return TIME_STEPS.find((s) => s >= ms) ?? TIME_STEPS[TIME_STEPS.length - 1];
}

function hhmm(ms: number, seconds: boolean): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}${seconds ? `:${p(d.getSeconds())}` : ''}`;
}

export function chartGeometry(spec: ChartSpec, box: ChartBox, units: Units): ChartGeometry {
  const n = spec.times.length;
  const plotW = Math.max(1, box.width - box.left - box.right);
  const plotH = Math.max(1, box.height - box.top - box.bottom);
  const t0 = n ? spec.times[0] : 0;
  const t1 = n ? spec.times[n - 1] : 0;
  const xs = spec.times.map((t) => (t1 > t0 ? box.left + ((t - t0) / (t1 - t0)) * plotW : box.left + plotW / 2));

  let top = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const l of spec.layers) sum += l.values[i];
    top = Math.max(top, sum);
    for (const l of spec.lines) top = Math.max(top, l.values[i]);
  }
  const scale = valueScale(top, units);
  const yMax = scale.max * scale.kbPer;
  const y = (v: number) => box.top + plotH - (v / yMax) * plotH;

  const bands: ChartGeometry['bands'] = [];
  const base = new Array<number>(n).fill(0);
  for (const l of spec.layers) {
    const lower = base.map(y);
    for (let i = 0; i < n; i++) base[i] += l.values[i];
    bands.push({ name: l.name, upper: base.map(y), lower });
  }
  const lines = spec.lines.map((l) => ({ name: l.name, ys: l.values.map(y) }));

  const valueTicks: Tick[] = [];
  for (let k = 0; k * scale.step <= scale.max * (1 + 1e-9); k++) {
    const v = k * scale.step;
    valueTicks.push({ at: y(v * scale.kbPer), label: tickLabel(v) + scale.suffix });
  }
  const timeTicks: Tick[] = [];
  if (n > 0 && t1 > t0) {
    const step = timeStep((t1 - t0) / Math.max(1, Math.floor(plotW / 90)));
    const withSeconds = step < 60_000;
    // Ticks on round local clock times (a multiple of the step since local midnight).
    const off = new Date(t0).getTimezoneOffset() * 60_000;
    for (let t = Math.ceil((t0 - off) / step) * step + off; t <= t1; t += step)
      timeTicks.push({ at: box.left + ((t - t0) / (t1 - t0)) * plotW, label: hhmm(t, withSeconds) });
  } else if (n > 0) {
    timeTicks.push({ at: box.left + plotW / 2, label: hhmm(t0, true) });
  }

  const ptotal = spec.lines[0]?.values ?? [];
  const marks: Mark[] = [];
  spec.types.forEach((t, i) => {
    if (t.startsWith('+') || t.startsWith('-'))
      marks.push({ index: i, x: xs[i], y: y(ptotal[i] ?? 0), kind: t.startsWith('+') ? 'grow' : 'shrink', label: t });
  });
  return { xs, yMax, valueTicks, timeTicks, bands, lines, marks };
}

/** The sample nearest to a pointer's x (-1 when there is none). */
export function nearestIndex(xs: readonly number[], x: number): number {
  let best = -1;
  let dist = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(xs[i] - x);
    if (d < dist) {
      dist = d;
      best = i;
    }
  }
  return best;
}

/** The hover box's lines for sample i: time, ptotal and its change, each series, the reported delta. */
export function hoverLines(spec: ChartSpec, i: number, units: Units): string[] {
  if (i < 0 || i >= spec.times.length) return [];
  const out = [hhmm(spec.times[i], true)];
  const ptotal = spec.lines[0];
  if (ptotal) {
    const prev = i > 0 ? ` (${signedKb(ptotal.values[i] - ptotal.values[i - 1], units)})` : '';
    out.push(`ptotal ${formatKb(ptotal.values[i], units)} ${units}${prev}`);
  }
  for (const l of [...spec.layers].reverse()) out.push(`${l.name} ${formatKb(l.values[i], units)}`);
  for (const l of spec.lines.slice(1)) out.push(`${l.name} ${formatKb(l.values[i], units)}`);
  const t = spec.types[i];
  if (t.startsWith('+') || t.startsWith('-')) out.push(`reported ${t}`);
  else if (t === 'A') out.push('reported A (new)');
  return out;
}

/** A sentence for screen readers: where the group's ptotal went over the window. */
export function chartSummary(info: string, spec: ChartSpec, units: Units): string {
  const p = spec.lines[0]?.values ?? [];
  const n = p.length;
  if (n === 0) return `${info}: no history yet`;
  const secs = Math.round((spec.times[n - 1] - spec.times[0]) / 1000);
  const grew = spec.types.filter((t) => t.startsWith('+')).length;
  const shrank = spec.types.filter((t) => t.startsWith('-')).length;
  return (
    `${info}: ptotal ${formatKb(p[n - 1], units)} ${units} now, ${signedKb(p[n - 1] - p[0], units)} over ${n} samples (${secs} s); ` +
    `reported ${grew} growth${grew === 1 ? '' : 's'} and ${shrank} shrink${shrank === 1 ? '' : 's'}`
  );
}
