// Paints the recording panel's timeline strip: the samples of the span, the event markers, the
// moment shown (the cursor), a range being selected, and the time ticks. Positions come from
// timelineModel.ts; colours from the theme (canvas.ts).
import type { Palette } from './canvas';
import type { Marker, MarkerKind, Strip, Tick } from './timelineModel';

/** The strip's height (CSS px): the track, then a line of time labels. */
export const STRIP_HEIGHT = 52;
export const TRACK_TOP = 4;
export const TRACK_HEIGHT = 28;

export interface StripPicture {
  strip: Strip;
  width: number;
  /** The x of each sample in the span. */
  sampleXs: number[];
  markers: readonly Marker[];
  /** The x of the moment shown (null: outside the span). */
  cursor: number | null;
  /** A range being dragged out (x from, x to), or null. */
  selecting: { x0: number; x1: number } | null;
  ticks: readonly Tick[];
}

export function markerColour(k: MarkerKind, p: Palette): string {
  switch (k) {
    case 'oom':
      return p.grow;
    case 'limit':
      return p.series.shOth ?? p.grow;
    case 'pressure':
      return p.series.stack ?? p.muted;
    case 'leak':
      return p.leak;
    case 'other':
      return p.muted;
  }
}

export function drawStrip(ctx: CanvasRenderingContext2D, pic: StripPicture, p: Palette): void {
  const { strip } = pic;
  const bottom = TRACK_TOP + TRACK_HEIGHT;
  ctx.font = p.font;
  ctx.lineWidth = 1;
  // The track.
  ctx.strokeStyle = p.grid;
  ctx.strokeRect(strip.left - 0.5, TRACK_TOP - 0.5, strip.width + 1, TRACK_HEIGHT + 1);
  // The samples: a tick each, or a band where they are denser than the pixels.
  ctx.strokeStyle = p.spark;
  ctx.fillStyle = p.spark;
  ctx.globalAlpha = 0.45;
  if (pic.sampleXs.length > strip.width / 2 && pic.sampleXs.length > 1) {
    const a = pic.sampleXs[0];
    ctx.fillRect(a, bottom - 8, pic.sampleXs[pic.sampleXs.length - 1] - a, 8);
  } else {
    ctx.beginPath();
    for (const x of pic.sampleXs) {
      ctx.moveTo(Math.round(x) + 0.5, bottom - 8);
      ctx.lineTo(Math.round(x) + 0.5, bottom);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  // A range being selected.
  if (pic.selecting) {
    const a = Math.min(pic.selecting.x0, pic.selecting.x1);
    ctx.fillStyle = p.foreground;
    ctx.globalAlpha = 0.15;
    ctx.fillRect(a, TRACK_TOP, Math.abs(pic.selecting.x1 - pic.selecting.x0), TRACK_HEIGHT);
    ctx.globalAlpha = 1;
  }
  // The markers: a line down the track, a triangle on top.
  for (const m of pic.markers) {
    const c = markerColour(m.kind, p);
    const x = Math.round(m.x) + 0.5;
    ctx.strokeStyle = c;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, TRACK_TOP + 6);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.fillStyle = c;
    ctx.beginPath();
    ctx.moveTo(x - 5, TRACK_TOP);
    ctx.lineTo(x + 5, TRACK_TOP);
    ctx.lineTo(x, TRACK_TOP + 8);
    ctx.closePath();
    ctx.fill();
  }
  ctx.lineWidth = 1;
  // The moment shown.
  if (pic.cursor !== null) {
    const x = Math.round(pic.cursor) + 0.5;
    ctx.strokeStyle = p.foreground;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, TRACK_TOP - 2);
    ctx.lineTo(x, bottom + 2);
    ctx.stroke();
    ctx.fillStyle = p.foreground;
    ctx.beginPath();
    ctx.arc(x, TRACK_TOP + TRACK_HEIGHT / 2, 4, 0, Math.PI * 2);
    ctx.fill();
    ctx.lineWidth = 1;
  }
  // The time ticks.
  ctx.fillStyle = p.muted;
  ctx.strokeStyle = p.grid;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of pic.ticks) {
    ctx.beginPath();
    ctx.moveTo(Math.round(t.x) + 0.5, bottom);
    ctx.lineTo(Math.round(t.x) + 0.5, bottom + 3);
    ctx.stroke();
    const half = ctx.measureText(t.label).width / 2;
    ctx.fillText(t.label, Math.min(Math.max(t.x, half + 1), pic.width - half - 1), bottom + 4);
  }
}
