// The recording panel's timeline strip, as numbers: which span of the recording it shows (the
// whole, or a zoomed part), where a time falls on it and back, the sample nearest a time, the
// event markers and which one a click hits, and the time ticks. Pure: timelineView.ts draws and
// listens; timelineDraw.ts paints.
import { timeStep } from './chartModel';
import { eventWords, type TimelineEvent } from '../src/core/timeline';

/** A span of time (ms since the epoch, from ≤ to). */
export interface Span {
  from: number;
  to: number;
}

/** Where the strip's plot lies in the canvas (CSS pixels). */
export interface Strip {
  left: number;
  width: number;
}

/** The narrowest span a zoom reaches (ms): a few samples at 1 s. */
export const MIN_SPAN_MS = 4000;

/** The whole recording's span; a single sample gets a minute around it, so that it sits in the middle. */
export function fullSpan(times: readonly number[]): Span {
  if (times.length === 0) return { from: 0, to: 1 };
  const from = times[0];
  const to = times[times.length - 1];
  return to > from ? { from, to } : { from: from - 30_000, to: from + 30_000 };
}

export function xOfTime(t: number, span: Span, strip: Strip): number {
  const w = span.to - span.from;
  return strip.left + (w > 0 ? ((t - span.from) / w) * strip.width : strip.width / 2);
}

/** The time at x, clamped to the span. */
export function timeOfX(x: number, span: Span, strip: Strip): number {
  const f = strip.width > 0 ? (x - strip.left) / strip.width : 0;
  return span.from + Math.min(1, Math.max(0, f)) * (span.to - span.from);
}

/** The index of the sample nearest to t (ties: the earlier); -1 when there are none. */
export function nearestSample(times: readonly number[], t: number): number {
  const n = times.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  // times[lo] is the first at or after t.
  if (lo > 0 && t - times[lo - 1] <= times[lo] - t) return lo - 1;
  return lo;
}

/** `span` moved and cut to lie within `full` (its length kept when it fits). */
export function clampSpan(span: Span, full: Span): Span {
  const len = Math.min(span.to - span.from, full.to - full.from);
  let from = Math.max(full.from, span.from);
  if (from + len > full.to) from = full.to - len;
  return { from, to: from + len };
}

/**
 * Zoom by `factor` (< 1 in, > 1 out) about the time `at`, which stays where it is on the strip;
 * never narrower than MIN_SPAN_MS, never beyond the whole. null: back to the whole.
 */
export function zoomSpan(span: Span, full: Span, at: number, factor: number): Span | null {
  const fullLen = full.to - full.from;
  const len = Math.max(Math.min(MIN_SPAN_MS, fullLen), Math.min(fullLen, (span.to - span.from) * factor));
  if (len >= fullLen) return null;
  const f = span.to > span.from ? (at - span.from) / (span.to - span.from) : 0.5;
  return clampSpan({ from: at - f * len, to: at - f * len + len }, full);
}

/** The span a drag from x0 to x1 selects (null: too short a drag to mean one). */
export function dragSpan(x0: number, x1: number, span: Span, strip: Strip, full: Span, minPx = 4): Span | null {
  if (Math.abs(x1 - x0) < minPx) return null;
  const a = timeOfX(Math.min(x0, x1), span, strip);
  const b = timeOfX(Math.max(x0, x1), span, strip);
  const len = Math.max(b - a, Math.min(MIN_SPAN_MS, full.to - full.from));
  const mid = (a + b) / 2;
  return clampSpan({ from: mid - len / 2, to: mid + len / 2 }, full);
}

/** The span moved by `dt` ms, kept within the whole. */
export function panSpan(span: Span, full: Span, dt: number): Span {
  return clampSpan({ from: span.from + dt, to: span.to + dt }, full);
}

/** What an event is, for its marker's colour; a sample with several is marked by the gravest. */
export type MarkerKind = 'oom' | 'limit' | 'pressure' | 'leak' | 'other';
const GRAVITY: readonly MarkerKind[] = ['oom', 'limit', 'pressure', 'leak', 'other'];

export function markerKind(kind: string): MarkerKind {
  if (kind === 'oom-kill') return 'oom';
  if (kind === 'limit' || kind === 'pressure' || kind === 'leak') return kind;
  return 'other';
}

/** One marker on the strip: the sample its events belong to, drawn at the events' time. */
export interface Marker {
  x: number;
  /** The sample shown for them (the one at or before them: src/core/timeline.ts). */
  index: number;
  kind: MarkerKind;
  events: TimelineEvent[];
  /** The tooltip: each event in a few words (printable). */
  text: string;
}

/** The markers of the events in the span, one per sample with events, left to right. */
export function markersIn(times: readonly number[], events: readonly TimelineEvent[], span: Span, strip: Strip, sampleOf: (e: TimelineEvent) => number): Marker[] {
  const by = new Map<number, TimelineEvent[]>();
  for (const e of events) {
    if (e.t < span.from || e.t > span.to) continue;
    const i = sampleOf(e);
    const list = by.get(i);
    if (list) list.push(e);
    else by.set(i, [e]);
  }
  const out: Marker[] = [];
  for (const [index, list] of by) {
    const kind = GRAVITY.find((k) => list.some((e) => markerKind(e.kind) === k)) ?? 'other';
    out.push({ x: xOfTime(list[0].t, span, strip), index, kind, events: list, text: list.map(eventWords).join('\n') });
  }
  return out.sort((a, b) => a.x - b.x);
}

/** The marker a pointer at x hits (the nearest within `tolerance` px), or null. */
export function hitMarker(markers: readonly Marker[], x: number, tolerance = 5): Marker | null {
  let best: Marker | null = null;
  for (const m of markers) {
    const d = Math.abs(m.x - x);
    if (d <= tolerance && (best === null || d < Math.abs(best.x - x))) best = m;
  }
  return best;
}

export interface Tick {
  x: number;
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Round local clock times across the span, about every `pxPer` pixels (with seconds when the step is under a minute; the date when over a day). */
export function timeTicks(span: Span, strip: Strip, pxPer = 100): Tick[] {
  const len = span.to - span.from;
  if (!(len > 0) || strip.width <= 0) return [];
  const step = timeStep(len / Math.max(1, Math.floor(strip.width / pxPer)));
  const off = new Date(span.from).getTimezoneOffset() * 60_000;
  const out: Tick[] = [];
  for (let t = Math.ceil((span.from - off) / step) * step + off; t <= span.to; t += step) {
    const d = new Date(t);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    const label = step < 60_000 ? `${hm}:${pad(d.getSeconds())}` : step >= 86_400_000 ? `${d.getMonth() + 1}-${pad(d.getDate())}` : hm;
    out.push({ x: xOfTime(t, span, strip), label });
  }
  return out;
}

/** The first and last index of the samples within the span (from > to: none). */
export function samplesIn(times: readonly number[], span: Span): { from: number; to: number } {
  let from = nearestSample(times, span.from);
  let to = nearestSample(times, span.to);
  if (from >= 0 && times[from] < span.from) from++;
  if (to >= 0 && times[to] > span.to) to--;
  return { from: Math.max(0, from), to };
}
