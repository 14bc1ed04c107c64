// Keeps the sparklines and the selected group's chart in step with the host's history: appends
// each report to the copies, asks the host again after a gap (rate-limited), and shows the
// chart of the selected group.
import type { GroupRow, Report, Units } from '../src/core/types';
import type { HistoryStamp, HostMessage, WebviewMessage } from '../src/shared/webviewProtocol';
import { ChartView, SparkPainter, type ChartElements, type SparkDraw, type SparkTarget } from './chart';
import { chartSpec, type ChartSpec } from './chartModel';
import { GroupSeries, SparkStore } from './history';

/** A request for history that got no answer is sent again after this long. */
const ASK_AGAIN_MS = 5000;

export class ChartSync {
  /** Every group's sparkline figures. */
  readonly sparks = new SparkStore();
  readonly chart: ChartView;
  private readonly painter: SparkPainter;
  /** The selected group's history (null: no group selected). */
  private series: GroupSeries | null = null;
  private seriesVersion = 0;
  private spec: { version: number; detail: boolean; spec: ChartSpec | null } | null = null;
  private askedSparks = 0;
  private askedSeries = 0;
  /** The info of the group the chart shows (kept for a group that vanished). */
  private shownInfo: string | null = null;

  constructor(
    elements: ChartElements,
    nextFrame: (cb: () => void) => void,
    private readonly post: (m: WebviewMessage) => void,
    drawSpark?: SparkDraw,
  ) {
    this.chart = new ChartView(elements, nextFrame);
    this.painter = new SparkPainter(this.sparks, drawSpark);
  }

  /** The key of the group whose chart shows (null: none). */
  get key(): string | null {
    return this.series?.key ?? null;
  }

  /** One more sample for the sparklines and the chart; after a gap, ask the host for the series. */
  addReport(report: Report, stamp: HistoryStamp | null): void {
    if (this.sparks.append(stamp, report.rows) === 'gap') this.askSparks();
    if (this.series) {
      const rel = this.series.append(stamp, report.leader.time, report.rows);
      if (rel === 'gap' || (rel === 'none' && stamp)) this.askSeries(); // (rate-limited: an unanswered request is repeated)
      else if (rel === 'next' || rel === 'restart') this.seriesVersion++;
    }
  }

  loadSparks(m: Extract<HostMessage, { type: 'sparks' }>): void {
    this.sparks.load(m.history, m.series);
    this.askedSparks = 0;
  }

  /** A group's history from the host; whether it is the one shown (the chart then needs a sync). */
  loadGroup(m: Extract<HostMessage, { type: 'groupHistory' }>): boolean {
    if (this.series?.key !== m.key) return false;
    this.series.load(m.history, m.capacity, m.group);
    this.seriesVersion++;
    this.askedSeries = 0;
    return true;
  }

  private askSparks(): void {
    const now = Date.now();
    if (now - this.askedSparks < ASK_AGAIN_MS) return;
    this.askedSparks = now;
    this.post({ type: 'getSparks' });
  }

  private askSeries(): void {
    const now = Date.now();
    if (!this.series || now - this.askedSeries < ASK_AGAIN_MS) return;
    this.askedSeries = now;
    this.post({ type: 'getGroupHistory', key: this.series.key });
  }

  /** Whether the chart would appear or go for this selection (the table's height changes then). */
  toggles(report: Report | null, selectedKey: string | undefined): boolean {
    return this.chart.visible !== (this.rowFor(report, selectedKey) !== undefined);
  }

  /**
   * The selected group's row; for a group that vanished while selected, its last row, so its
   * chart stays readable until the user selects something else.
   */
  private rowFor(report: Report | null, key: string | undefined): Pick<GroupRow, 'key' | 'info'> | undefined {
    const row = groupOf(report, key);
    if (row) return row;
    if (key === undefined || this.series?.key !== key || !this.series.data) return undefined;
    return { key, info: this.shownInfo ?? key };
  }

  /** The chart follows the selected group: shown with its history, hidden without one. */
  sync(report: Report | null, selectedKey: string | undefined, units: Units): void {
    const row = this.rowFor(report, selectedKey);
    this.shownInfo = row?.info ?? null;
    const detail = report?.detail ?? false;
    if (!row) {
      this.series = null;
      this.spec = null;
      this.chart.hide();
      return;
    }
    if (this.series?.key !== row.key) {
      this.series = new GroupSeries(row.key);
      this.seriesVersion++;
      this.askedSeries = 0;
      this.askSeries();
    }
    if (!this.spec || this.spec.version !== this.seriesVersion || this.spec.detail !== detail) {
      this.spec = { version: this.seriesVersion, detail, spec: this.series.data ? chartSpec(this.series.data, detail) : null };
    }
    this.chart.show({ key: row.key, info: row.info, spec: this.spec.spec, loading: !this.series.loaded, units, version: this.seriesVersion });
  }

  /** Draw the given sparklines whose figures changed; how many were drawn. */
  paint(targets: SparkTarget[], root: HTMLElement): number {
    return this.painter.paint(targets, root);
  }

  /** The theme changed: every canvas is drawn again. */
  themeChanged(): void {
    this.painter.invalidate();
    this.chart.draw(true);
  }
}

function groupOf(report: Report | null, key: string | undefined): GroupRow | undefined {
  return key === undefined ? undefined : report?.rows.find((r) => r.key === key);
}
