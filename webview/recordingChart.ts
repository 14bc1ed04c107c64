// The selected group's chart over the recording (or its zoomed span): asks the host for the
// group's series (the helper's `recordingSeries`, cut down to about the chart's width in points),
// and draws it with the live panel's chart (chart.ts, chartModel.ts). A click on the chart goes
// to that moment.
import type { Units } from '../src/core/types';
import type { RecordingSeries } from '../src/shared/recordingSchema';
import type { RecordingViewMessage } from '../src/shared/recordingView';
import { ChartView, type ChartElements } from './chart';
import { chartSpec, nearestIndex, type ChartSpec } from './chartModel';
import type { Span } from './timelineModel';

/** Points asked for per pixel of the chart's width, and the bounds. */
const MIN_POINTS = 100;
const MAX_POINTS = 2000;

interface Asked {
  key: string;
  from: number | null;
  to: number | null;
}

const same = (a: Asked | null, b: Asked | null) => a !== null && b !== null && a.key === b.key && a.from === b.from && a.to === b.to;

export class RecordingChart {
  readonly view: ChartView;
  private asked: Asked | null = null;
  private got: { asked: Asked; series: RecordingSeries } | null = null;
  private spec: { detail: boolean; spec: ChartSpec } | null = null;
  private version = 0;

  constructor(
    private readonly el: ChartElements,
    nextFrame: (cb: () => void) => void,
    private readonly post: (m: RecordingViewMessage) => void,
    /** A click on the chart at the sample time t. */
    onPick: (t: number) => void,
  ) {
    this.view = new ChartView(el, nextFrame);
    el.canvas.addEventListener('click', (e) => {
      const geo = this.view.geometry;
      const times = this.got?.series.times;
      if (!geo || !times) return;
      const i = nearestIndex(geo.xs, e.clientX - el.canvas.getBoundingClientRect().left);
      if (i >= 0) onPick(times[i]);
    });
  }

  /** The series shown (tests). */
  get series(): RecordingSeries | null {
    return this.got?.series ?? null;
  }

  /**
   * Show group `key`'s chart over `span` (null: the whole recording), asking for it when it is not
   * here, with the moment `at` marked; hide it for no group.
   */
  sync(group: { key: string; info: string } | null, span: Span | null, detail: boolean, units: Units, at: number | null = null): void {
    if (!group) {
      this.asked = null;
      this.view.hide();
      return;
    }
    const want: Asked = { key: group.key, from: span ? Math.floor(span.from) : null, to: span ? Math.ceil(span.to) : null };
    if (!same(want, this.asked)) {
      this.asked = want;
      const width = this.el.body.clientWidth || this.el.root.ownerDocument.body.clientWidth || 800;
      this.post({ type: 'getSeries', ...want, points: Math.max(MIN_POINTS, Math.min(MAX_POINTS, Math.round(width))) });
    }
    const got = this.got && this.got.asked.key === group.key ? this.got : null;
    if (got && (!this.spec || this.spec.detail !== detail)) {
      const s = got.series;
      this.spec = { detail, spec: chartSpec({ key: s.key, times: s.times, mem: s.mem, types: s.times.map(() => '') }, detail) };
    }
    const spec = got ? (this.spec?.spec ?? null) : null;
    this.view.show({ key: group.key, info: group.info, spec, loading: !same(got?.asked ?? null, want), units, version: this.version, mark: at });
  }

  /** The host's answer; whether it is the one asked for last (the chart then needs a sync). */
  receive(series: RecordingSeries, from: number | null, to: number | null): boolean {
    const a: Asked = { key: series.key, from, to };
    if (!same(a, this.asked)) return false;
    this.got = { asked: a, series };
    this.spec = null;
    this.version++;
    return true;
  }

  /** Drop the series held and asked for: a new grouping's keys name other groups. */
  forget(): void {
    this.asked = null;
    this.got = null;
    this.spec = null;
  }

  /** The theme changed. */
  themeChanged(): void {
    this.view.draw(true);
  }
}
