// The recording panel's timeline: the step and zoom buttons and the strip (a canvas) over the
// recording's span, with its events marked. Drag the cursor to scrub, click to go to a moment (a
// marker: to its events' sample), drag elsewhere to zoom into a range, the wheel to zoom about the
// pointer (with Shift: to pan). The numbers are timelineModel.ts, the painting timelineDraw.ts.
import { sampleIndexOf, type TimelineEvent, type TimeStep } from '../src/core/timeline';
import { prepare, readPalette, type Palette } from './canvas';
import { setAttr } from './dom';
import { drawStrip, STRIP_HEIGHT } from './timelineDraw';
import { dragSpan, fullSpan, hitMarker, markersIn, nearestSample, panSpan, samplesIn, timeOfX, timeTicks, xOfTime, zoomSpan, type Marker, type Span, type Strip } from './timelineModel';

/** The buttons, in order: what each does, its text and its key. */
export const STEP_BUTTONS: readonly { step: TimeStep; text: string; key: string; title: string }[] = [
  { step: 'first', text: '\u00ab', key: '<', title: 'the first sample (<)' },
  { step: 'prevEvent', text: '\u21e4', key: '{', title: 'the previous sample with an event ({)' },
  { step: 'back', text: '\u25c0', key: '[', title: 'one sample back (\u2190 or [)' },
  { step: 'forward', text: '\u25b6', key: ']', title: 'one sample forward (\u2192 or ])' },
  { step: 'nextEvent', text: '\u21e5', key: '}', title: 'the next sample with an event (})' },
  { step: 'last', text: '\u00bb', key: '>', title: 'the last sample (>)' },
];

export type ZoomAction = 'in' | 'out' | 'reset';
export const ZOOM_BUTTONS: readonly { zoom: ZoomAction; text: string; key: string; title: string }[] = [
  { zoom: 'in', text: '+', key: '+', title: 'zoom in about the moment shown (+, or the wheel over the timeline)' },
  { zoom: 'out', text: '\u2212', key: '-', title: 'zoom out (-)' },
  { zoom: 'reset', text: 'All', key: '0', title: 'the whole recording (0)' },
];

export interface TimelineHandlers {
  /** Stand at sample i; `commit`: show its report (a scrub shows only the time until let go). */
  pick(i: number, commit: boolean): void;
  step(s: TimeStep): void;
  /** The span shown changed (null: the whole recording). */
  zoom(span: Span | null): void;
}

const STRIP_PAD = 8;
/** How near the cursor a press grabs it (px). */
const GRAB_PX = 7;

export class TimelineView {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly buttons: HTMLButtonElement[];
  readonly zoomButtons: HTMLButtonElement[];
  private times: number[] = [];
  private events: TimelineEvent[] = [];
  private index = 0;
  private zoomed: Span | null = null;
  private width = 0;
  private palette: Palette | null = null;
  private drag: { mode: 'scrub' | 'select'; x0: number; x1: number } | null = null;
  /** The markers as last drawn (for hits and tests). */
  markers: Marker[] = [];
  private queued = false;

  constructor(
    private readonly doc: Document,
    private readonly on: TimelineHandlers,
    private readonly nextFrame: (cb: () => void) => void,
  ) {
    const button = (text: string, title: string, run: () => void, cls: string) => {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = cls;
      b.textContent = text;
      b.title = title;
      b.setAttribute('aria-label', title);
      b.addEventListener('click', run);
      return b;
    };
    this.buttons = STEP_BUTTONS.map((b) => button(b.text, b.title, () => on.step(b.step), 'pm-rec-step'));
    this.zoomButtons = ZOOM_BUTTONS.map((b) => button(b.text, b.title, () => this.zoomBy(b.zoom), 'pm-rec-zoom'));
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'pm-rec-strip';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'slider');
    this.canvas.setAttribute('aria-label', 'The recorded moment: \u2190 \u2192 step a sample, { } an event, + - 0 zoom');
    this.root = doc.createElement('div');
    this.root.id = 'pm-rec-timeline';
    this.root.append(...this.buttons.slice(0, 3), this.canvas, ...this.buttons.slice(3), ...this.zoomButtons);
    this.wire();
  }

  /** The span shown: the zoomed part, or the whole recording. */
  get span(): Span {
    return this.zoomed ?? fullSpan(this.times);
  }
  get zoom(): Span | null {
    return this.zoomed;
  }

  /** The strip's plot in the canvas now. */
  strip(): Strip {
    return { left: STRIP_PAD, width: Math.max(1, this.width - 2 * STRIP_PAD) };
  }

  setData(times: number[], events: TimelineEvent[]): void {
    this.times = times;
    this.events = events;
    this.index = Math.min(this.index, Math.max(0, times.length - 1));
    this.queue();
  }

  setIndex(i: number): void {
    this.index = i;
    const t = this.times[i];
    setAttr(this.canvas, 'aria-valuemin', '1');
    setAttr(this.canvas, 'aria-valuemax', String(this.times.length));
    setAttr(this.canvas, 'aria-valuenow', String(i + 1));
    if (t !== undefined) setAttr(this.canvas, 'aria-valuetext', new Date(t).toLocaleString());
    // A moment stepped to out of the zoomed span brings the span along.
    const z = this.zoomed;
    if (z && t !== undefined && (t < z.from || t > z.to)) this.setZoom(panSpan(z, fullSpan(this.times), t - (z.from + z.to) / 2), true);
    this.queue();
  }

  /** Show `span` (null: the whole); `tell`: let the app know (not when it set it). */
  setZoom(span: Span | null, tell = false): void {
    const full = fullSpan(this.times);
    this.zoomed = span && (span.from > full.from || span.to < full.to) ? span : null;
    this.zoomButtons[2].disabled = this.zoomed === null;
    if (tell) this.on.zoom(this.zoomed);
    this.queue();
  }

  zoomBy(a: ZoomAction): void {
    if (a === 'reset') return this.setZoom(null, true);
    const at = this.times[this.index] ?? (this.span.from + this.span.to) / 2;
    this.setZoom(zoomSpan(this.span, fullSpan(this.times), at, a === 'in' ? 0.5 : 2), true);
  }

  /** The sample a click at x goes to: a marker's, else the nearest. */
  sampleAtX(x: number): number {
    const m = hitMarker(this.markers, x);
    return m ? m.index : nearestSample(this.times, timeOfX(x, this.span, this.strip()));
  }

  private cursorX(): number | null {
    const t = this.times[this.index];
    const s = this.span;
    return t === undefined || t < s.from || t > s.to ? null : xOfTime(t, s, this.strip());
  }

  private xOf(e: MouseEvent): number {
    return e.clientX - this.canvas.getBoundingClientRect().left;
  }

  private wire(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const x = this.xOf(e);
      const cx = this.cursorX();
      this.drag = { mode: !e.shiftKey && cx !== null && Math.abs(x - cx) <= GRAB_PX ? 'scrub' : 'select', x0: x, x1: x };
      c.setPointerCapture?.(e.pointerId);
      c.focus({ preventScroll: true });
      e.preventDefault();
    });
    c.addEventListener('pointermove', (e) => {
      const x = this.xOf(e);
      const d = this.drag;
      if (!d) {
        const m = hitMarker(this.markers, x);
        setAttr(c, 'title', m ? m.text : 'drag the cursor to scrub; click a moment or a marker; drag a range or use the wheel to zoom');
        c.style.cursor = m ? 'pointer' : Math.abs(x - (this.cursorX() ?? -99)) <= GRAB_PX ? 'ew-resize' : 'crosshair';
        return;
      }
      d.x1 = x;
      if (d.mode === 'scrub') this.on.pick(nearestSample(this.times, timeOfX(x, this.span, this.strip())), false);
      else this.queue();
    });
    const end = (e: PointerEvent, cancelled: boolean) => {
      const d = this.drag;
      if (!d) return;
      this.drag = null;
      c.releasePointerCapture?.(e.pointerId);
      if (cancelled) return this.queue();
      const x = this.xOf(e);
      if (d.mode === 'scrub') return this.on.pick(nearestSample(this.times, timeOfX(x, this.span, this.strip())), true);
      const span = dragSpan(d.x0, x, this.span, this.strip(), fullSpan(this.times));
      if (span) this.setZoom(span, true);
      else this.on.pick(this.sampleAtX(x), true);
    };
    c.addEventListener('pointerup', (e) => end(e, false));
    c.addEventListener('pointercancel', (e) => end(e, true));
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const s = this.span;
        const full = fullSpan(this.times);
        if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
          const d = (e.shiftKey ? e.deltaY : e.deltaX) || e.deltaY;
          if (this.zoomed) this.setZoom(panSpan(s, full, (Math.sign(d) * (s.to - s.from)) / 10), true);
          return;
        }
        if (e.deltaY === 0) return;
        this.setZoom(zoomSpan(s, full, timeOfX(this.xOf(e), s, this.strip()), e.deltaY < 0 ? 0.8 : 1.25), true);
      },
      { passive: false },
    );
    const RO = this.doc.defaultView?.ResizeObserver;
    if (typeof RO === 'function')
      new RO(() => {
        this.width = 0;
        this.queue();
      }).observe(this.canvas);
  }

  /** The theme changed: read its colours again. */
  themeChanged(): void {
    this.palette = null;
    this.queue();
  }

  queue(): void {
    if (this.queued) return;
    this.queued = true;
    this.nextFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  draw(): void {
    if (this.width === 0) this.width = Math.max(200, Math.floor(this.canvas.clientWidth || this.root.clientWidth || 600));
    const span = this.span;
    const strip = this.strip();
    const { from, to } = samplesIn(this.times, span);
    const sampleXs: number[] = [];
    // Beyond a few per pixel the samples are drawn as a band: their positions need not all be known.
    const stride = Math.max(1, Math.floor((to - from + 1) / (strip.width * 2)));
    for (let i = from; i <= to; i += stride) sampleXs.push(xOfTime(this.times[i], span, strip));
    this.markers = markersIn(this.times, this.events, span, strip, (e) => sampleIndexOf(this.times, e));
    const d = this.drag;
    const ctx = prepare(this.canvas, this.width, STRIP_HEIGHT);
    this.canvas.style.height = `${STRIP_HEIGHT}px`;
    if (!ctx) return;
    this.palette ??= readPalette(this.root);
    drawStrip(ctx, { strip, width: this.width, sampleXs, markers: this.markers, cursor: this.cursorX(), selecting: d?.mode === 'select' ? { x0: d.x0, x1: d.x1 } : null, ticks: timeTicks(span, strip) }, this.palette);
  }
}
