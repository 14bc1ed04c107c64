// The thin drawing shell: theme colours from the --vscode-* variables, and canvas calls for
// what chartModel.ts computed. Nothing here decides a position or a value.
import type { ChartBox, ChartGeometry, SparkGeometry } from './chartModel';

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  grow: string;
  shrink: string;
  leak: string;
  spark: string;
  series: Record<string, string>;
  font: string;
}

const VARS = {
  foreground: ['--vscode-foreground', '#cccccc'],
  muted: ['--vscode-descriptionForeground', '#9d9d9d'],
  grid: ['--vscode-editorWidget-border', '#454545'],
  grow: ['--vscode-charts-red', '#f14c4c'],
  shrink: ['--vscode-charts-green', '#89d185'],
  leak: ['--vscode-errorForeground', '#f48771'],
  spark: ['--vscode-charts-blue', '#3794ff'],
} as const;

const SERIES_VARS: Record<string, readonly [string, string]> = {
  data: ['--vscode-charts-blue', '#3794ff'],
  other: ['--vscode-charts-purple', '#b180d7'],
  text: ['--vscode-charts-purple', '#b180d7'],
  stack: ['--vscode-charts-yellow', '#cca700'],
  shOth: ['--vscode-charts-orange', '#d18616'],
  shSYSV: ['--vscode-terminal-ansiCyan', '#29b8db'],
  ptotal: ['--vscode-foreground', '#cccccc'],
  pswap: ['--vscode-descriptionForeground', '#9d9d9d'],
};

/** The theme's colours now (they change with the theme: read again on each full draw). */
export function readPalette(el: Element): Palette {
  const view = el.ownerDocument.defaultView;
  const cs = view?.getComputedStyle ? view.getComputedStyle(el) : null;
  const get = ([name, fallback]: readonly [string, string]) => cs?.getPropertyValue(name).trim() || fallback;
  const series: Record<string, string> = {};
  for (const [k, v] of Object.entries(SERIES_VARS)) series[k] = get(v);
  const family = cs?.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  return {
    foreground: get(VARS.foreground),
    muted: get(VARS.muted),
    grid: get(VARS.grid),
    grow: get(VARS.grow),
    shrink: get(VARS.shrink),
    leak: get(VARS.leak),
    spark: get(VARS.spark),
    series,
    font: `11px ${family}`,
  };
}

/** Size the backing store for the device pixel ratio and return a context in CSS pixels (null without canvas support). */
export function prepare(canvas: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D | null {
  const dpr = canvas.ownerDocument.defaultView?.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssW * dpr));
  const h = Math.max(1, Math.round(cssH * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    return null;
  }
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);
  return ctx;
}

export function drawSpark(ctx: CanvasRenderingContext2D, g: SparkGeometry, color: string): void {
  if (g.xy.length < 2) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(g.xy[0], g.xy[1]);
  if (g.xy.length === 2) ctx.lineTo(g.xy[0] - 1, g.xy[1]);
  for (let i = 2; i < g.xy.length; i += 2) ctx.lineTo(g.xy[i], g.xy[i + 1]);
  ctx.stroke();
}

/** `markX`: a line across the plot there (the recording panel's moment shown), or null. */
export function drawChart(ctx: CanvasRenderingContext2D, geo: ChartGeometry, box: ChartBox, p: Palette, hover: number, markX: number | null = null): void {
  const right = box.width - box.right;
  const bottom = box.height - box.bottom;
  ctx.font = p.font;
  ctx.lineWidth = 1;

  // Grid and value labels.
  ctx.strokeStyle = p.grid;
  ctx.fillStyle = p.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of geo.valueTicks) {
    ctx.beginPath();
    ctx.moveTo(box.left, Math.round(t.at) + 0.5);
    ctx.lineTo(right, Math.round(t.at) + 0.5);
    ctx.stroke();
    ctx.fillText(t.label, box.left - 4, t.at);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of geo.timeTicks) {
    // A label centred on a tick near either edge would be cut off: keep it whole.
    const half = ctx.measureText(t.label).width / 2;
    ctx.fillText(t.label, Math.min(Math.max(t.at, half + 1), box.width - half - 1), bottom + 3);
  }

  const n = geo.xs.length;
  if (n === 0) return;
  if (markX !== null) {
    ctx.strokeStyle = p.spark;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(Math.round(markX) + 0.5, box.top);
    ctx.lineTo(Math.round(markX) + 0.5, bottom);
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  // Stacked areas.
  ctx.globalAlpha = 0.55;
  for (const b of geo.bands) {
    ctx.fillStyle = p.series[b.name] ?? p.muted;
    ctx.beginPath();
    if (n === 1) {
      ctx.rect(geo.xs[0] - 2, b.upper[0], 4, b.lower[0] - b.upper[0]);
    } else {
      ctx.moveTo(geo.xs[0], b.upper[0]);
      for (let i = 1; i < n; i++) ctx.lineTo(geo.xs[i], b.upper[i]);
      for (let i = n - 1; i >= 0; i--) ctx.lineTo(geo.xs[i], b.lower[i]);
      ctx.closePath();
    }
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  // Lines.
  for (const l of geo.lines) {
    ctx.strokeStyle = p.series[l.name] ?? p.foreground;
    ctx.lineWidth = l.name === 'ptotal' ? 1.5 : 1;
    ctx.setLineDash(l.name === 'ptotal' ? [] : [4, 3]);
    ctx.beginPath();
    ctx.moveTo(geo.xs[0], l.ys[0]);
    for (let i = 1; i < n; i++) ctx.lineTo(geo.xs[i], l.ys[i]);
    if (n === 1) ctx.lineTo(geo.xs[0] + 0.5, l.ys[0]);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  // Reported deltas: ▲ above the ptotal line for +NK, ▼ below it for -NK.
  for (const m of geo.marks) {
    ctx.fillStyle = m.kind === 'grow' ? p.grow : p.shrink;
    ctx.beginPath();
    if (m.kind === 'grow') {
      ctx.moveTo(m.x, m.y - 9);
      ctx.lineTo(m.x - 4, m.y - 3);
      ctx.lineTo(m.x + 4, m.y - 3);
    } else {
      ctx.moveTo(m.x, m.y + 9);
      ctx.lineTo(m.x - 4, m.y + 3);
      ctx.lineTo(m.x + 4, m.y + 3);
    }
    ctx.closePath();
    ctx.fill();
  }
  // Hover cursor.
  if (hover >= 0 && hover < n) {
    ctx.strokeStyle = p.foreground;
    ctx.globalAlpha = 0.6;
    ctx.beginPath();
    ctx.moveTo(Math.round(geo.xs[hover]) + 0.5, box.top);
    ctx.lineTo(Math.round(geo.xs[hover]) + 0.5, bottom);
    ctx.stroke();
    ctx.globalAlpha = 1;
    const pt = geo.lines[0];
    if (pt) {
      ctx.fillStyle = p.foreground;
      ctx.beginPath();
      ctx.arc(geo.xs[hover], pt.ys[hover], 3, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}
