// The recording panel's controller (pmemstat: Open Recording): a recorded moment in the live
// panel's table (model.ts, table.ts), the timeline over the recording (timelineView.ts), and the
// selected group's chart over it (recordingChart.ts). Every message from the host is validated
// (src/shared/recordingView.ts); the UI state is kept with getState/setState (recordingState.ts).
import { momentText, stepIndex, type TimelineEvent, type TimeStep } from '../src/core/timeline';
import { printable } from '../src/core/printable';
import type { GroupBy, Report } from '../src/core/types';
import { keyAction } from '../src/shared/keymap';
import { optionChange, validSetting } from '../src/shared/options';
import { parseRecordingHostMessage, type RecordingHostMessage, type RecordingViewMessage } from '../src/shared/recordingView';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../src/shared/webviewProtocol';
import { keptSelection, moveIndex, navList, sameRef, type RowRef } from '../src/shared/rowOrder';
import type { SortableColumn } from './columns';
import { setText, syncPieces } from './dom';
import { listenToWindow } from './frames';
import { DomMetrics, type Metrics } from './metrics';
import { clickSort, computeView, effectiveSort, naturalSort, tableModel } from './model';
import { RecordingChart } from './recordingChart';
import { followed, followOf, type Follow } from './recordingGroup';
import { buildRecordingShell, type RecordingShell } from './recordingShell';
import { emptyRecordingState, parseRecordingState, type RecordingState } from './recordingState';
import { leaderTooltip, leaderView } from './statusText';
import { TableRenderer } from './table';
import { nearestSample, type Span } from './timelineModel';
import { STEP_BUTTONS, TimelineView, ZOOM_BUTTONS } from './timelineView';

/** What acquireVsCodeApi() gives the recording page, typed to its messages and state. */
export interface RecordingApi {
  postMessage(m: RecordingViewMessage): void;
  getState(): unknown;
  setState(s: RecordingState): void;
}

/** The settings a recorded moment is shown with: the panel's defaults, sorted by memory alone (no rise to the top). */
const SETTINGS: PanelSettings = { ...DEFAULT_PANEL_SETTINGS, riseToTop: false, fitToWindow: false };

export class RecordingApp {
  readonly shell: RecordingShell;
  readonly timeline: TimelineView;
  readonly chart: RecordingChart;
  private readonly table: TableRenderer;
  private readonly metrics: Metrics;
  private readonly state: RecordingState;
  private readonly expanded: Set<string>;
  times: number[] = [];
  events: TimelineEvent[] = [];
  index = 0;
  report: Report | null = null;
  private scrollQueued = false;
  /** A grouping asked for and not shown yet. */
  private regrouping: GroupBy | null = null;
  /** The process the selection follows into the grouping asked for (`group`: select its group). */
  private follow: Follow | null = null;
  /** Whether the page has had its first timeline (a reload's page goes back to its own moment then). */
  private hadTimeline = false;
  /** The group the chart shows. */
  private charted: { key: string; info: string } | null = null;
  private readonly cleanup: (() => void)[] = [];

  constructor(
    private readonly doc: Document,
    mount: HTMLElement,
    private readonly api: RecordingApi,
    private readonly nextFrame: (cb: () => void) => void = (cb) => (doc.defaultView?.requestAnimationFrame ? doc.defaultView.requestAnimationFrame(() => cb()) : setTimeout(cb, 16)),
    metrics?: Metrics,
  ) {
    this.state = parseRecordingState(api.getState());
    this.expanded = new Set(this.state.expanded);
    this.timeline = new TimelineView(doc, { pick: (i, commit) => this.pick(i, commit), step: (s) => this.step(s), zoom: (z) => this.zoomed(z) }, nextFrame);
    this.shell = buildRecordingShell(doc, mount, this.timeline);
    this.shell.search.value = this.state.search;
    this.metrics = metrics ?? new DomMetrics(this.shell);
    this.chart = new RecordingChart(this.shell.chart, nextFrame, (m) => api.postMessage(m), (t) => this.pick(nearestSample(this.times, t), true));
    this.table = new TableRenderer(doc, this.shell.thead, this.shell.headRow, this.shell.tbody, {
      onSort: (col) => this.sortBy(col),
      onSelect: (ref) => this.select(ref),
      onToggle: (key) => this.toggle(key),
      onKill: () => {},
    });
    this.wire();
    api.postMessage({ type: 'ready' });
  }

  get selected(): RowRef | null {
    return this.state.selected;
  }
  get at(): number | undefined {
    return this.times[this.index];
  }

  private save(): void {
    this.api.setState({ ...this.state, expanded: [...this.expanded] });
  }

  /** A message from the host; what is not a valid one is ignored. */
  receive(raw: unknown): void {
    const m = parseRecordingHostMessage(raw);
    if (m) this.handle(m);
  }

  private handle(m: RecordingHostMessage): void {
    switch (m.type) {
      case 'problem':
        setText(this.shell.problem, printable(m.message));
        return;
      case 'series':
        if (this.chart.receive(m.series, m.from, m.to)) this.syncChart();
        return;
      case 'timeline': {
        this.times = m.times;
        this.events = m.events;
        setText(this.shell.title, printable(m.title));
        this.shell.title.title = printable(m.title);
        this.timeline.setData(m.times, m.events);
        const restored = this.state.path === m.title;
        if (!restored) Object.assign(this.state, emptyRecordingState(m.title), { search: this.state.search });
        if (!restored) this.expanded.clear();
        const { at: back, zoom } = this.state;
        this.show(m.at, m.report, m.focus);
        this.timeline.setZoom(zoom, true);
        // The page was made again (a reload) on a moment of its own: back to it.
        const first = !this.hadTimeline;
        this.hadTimeline = true;
        if (first && restored && back !== null && back !== m.at && m.focus === undefined) this.api.postMessage({ type: 'seek', at: back });
        return;
      }
      case 'moment':
        this.show(m.at, m.report, m.focus);
        return;
    }
  }

  /** Show the report of the sample at `at`; `focus`: select that process (an OOM kill's victim). */
  private show(at: number, report: Report, focus?: number): void {
    setText(this.shell.problem, '');
    const regrouped = this.report !== null && this.report.options.groupBy !== report.options.groupBy;
    // How many processes' figures the live loop had left from an earlier tick is not said of a
    // recorded moment: each figure is the last recorded at or before it (docs/recorder.md).
    const { stale: _stale, ...leader } = report.leader;
    this.report = { ...report, leader };
    if (this.regrouping === report.options.groupBy) this.regrouping = null;
    this.state.groupBy = report.options.groupBy;
    if (regrouped) this.followInto(report);
    const i = this.times.indexOf(at);
    this.index = i >= 0 ? i : Math.max(0, nearestSample(this.times, at));
    this.state.at = at;
    if (focus !== undefined) {
      const row = report.rows.find((r) => r.type !== 'x' && r.members.some((p) => p.pid === focus));
      if (row) {
        this.state.selected = row.count > 1 ? { key: row.key, pid: focus } : { key: row.key, pid: null };
        if (row.count > 1) this.expanded.add(row.key);
      }
    }
    this.timeline.setIndex(this.index);
    this.save();
    this.render();
    if (focus !== undefined) this.reveal();
  }

  /**
   * Group by `groupBy` (the live panel's Group drop-down and key g): the host reads the moment
   * again so grouped; the selection follows its process (a group's: its largest) into its new group.
   */
  setGroupBy(groupBy: GroupBy): void {
    const report = this.report;
    if (!report || groupBy === (this.regrouping ?? report.options.groupBy)) return;
    this.follow = followOf(report, this.state.selected);
    this.regrouping = groupBy;
    this.syncGroupBy();
    setText(this.shell.problem, `Grouping by ${groupBy}\u2026`);
    this.api.postMessage({ type: 'options', groupBy });
  }

  /** The selection and the expanded groups after a new grouping: the followed process's, or none. */
  private followInto(report: Report): void {
    const { selected, expand } = followed(report, this.follow);
    // A grouping on the way to the one asked for last (g pressed again meanwhile) keeps following.
    if (this.regrouping === null) this.follow = null;
    this.expanded.clear();
    if (expand !== null) this.expanded.add(expand);
    this.state.selected = selected;
    this.chart.forget();
    this.charted = null;
  }

  private syncGroupBy(): void {
    const v = this.regrouping ?? this.report?.options.groupBy;
    if (v !== undefined && this.shell.groupBy.value !== v) this.shell.groupBy.value = v;
  }

  /** Stand at sample i; `commit`: ask the host for its report (a scrub only moves the cursor until let go). */
  pick(i: number, commit: boolean): void {
    if (this.times.length === 0 || !Number.isInteger(i)) return;
    this.index = Math.min(Math.max(0, i), this.times.length - 1);
    this.timeline.setIndex(this.index);
    setText(this.shell.moment, momentText(this.times, this.events, this.index));
    this.syncChart();
    if (commit) this.api.postMessage({ type: 'seek', at: this.times[this.index] });
  }

  step(s: TimeStep): void {
    this.pick(stepIndex(this.times, this.events, this.index, s), true);
  }

  private zoomed(z: Span | null): void {
    this.state.zoom = z;
    this.save();
    this.syncChart();
  }

  sortBy(col: SortableColumn): void {
    const r = clickSort(effectiveSort(SETTINGS.sortBy, this.state.local), col);
    this.state.local = r.local ?? (r.sortBy === SETTINGS.sortBy ? null : naturalSort(r.sortBy));
    this.save();
    this.render();
  }

  select(ref: RowRef | null): void {
    this.state.selected = ref;
    if (this.regrouping !== null) this.follow = this.report ? followOf(this.report, ref) : null;
    this.save();
    this.render();
  }

  toggle(key: string): void {
    if (this.expanded.has(key)) {
      this.expanded.delete(key);
      if (this.state.selected?.key === key) this.state.selected = { key, pid: null };
    } else this.expanded.add(key);
    this.save();
    this.render();
  }

  setSearch(text: string): void {
    if (this.shell.search.value !== text) this.shell.search.value = text;
    this.state.search = text;
    this.save();
    this.render();
  }

  private settings(): PanelSettings {
    return { ...SETTINGS, groupBy: this.report?.options.groupBy ?? SETTINGS.groupBy };
  }

  private view() {
    const report = this.report;
    return report ? computeView({ report, settings: this.settings(), local: this.state.local, search: this.state.search, fitRows: 0 }) : null;
  }

  render(): void {
    const s = this.shell;
    const report = this.report;
    const settings = this.settings();
    const view = this.view();
    const viewport = { first: this.metrics.firstVisibleRow(), count: this.metrics.pageRows() + 1 };
    const rowHeight = this.metrics.rowHeight();
    setText(s.moment, momentText(this.times, this.events, this.index));
    this.syncGroupBy();
    const lines = leaderView(report, view, this.state.search, settings.showCpu, 0);
    syncPieces(s.leader, lines.map((parts) => parts.map((p) => ({ text: p.text, title: leaderTooltip(p, report?.leader ?? null) }))));
    if (view) this.state.selected = keptSelection(view.rows, this.expanded, this.state.selected);
    const ui = { settings, leaks: new Map(), local: this.state.local, expanded: this.expanded, selected: this.state.selected };
    this.table.render(tableModel(report, view, ui, { viewport, rowHeight }, false));
    const tr = this.state.selected ? this.table.rowElement(this.state.selected) : null;
    if (tr) s.table.setAttribute('aria-activedescendant', tr.id);
    else s.table.removeAttribute('aria-activedescendant');
    this.syncChart();
  }

  /** The selected group's chart, over the zoomed span (or the whole recording). */
  private syncChart(): void {
    const key = this.state.selected?.key;
    const row = key === undefined ? undefined : this.report?.rows.find((r) => r.key === key);
    // A group selected stays charted at a moment it is not in (before it started, after a kill).
    this.charted = row ? { key: row.key, info: row.info } : key !== undefined && this.charted?.key === key ? this.charted : null;
    this.chart.sync(this.charted, this.timeline.zoom, this.report?.detail ?? false, SETTINGS.units, this.at ?? null);
  }

  private reveal(): void {
    const tr = this.state.selected ? this.table.rowElement(this.state.selected) : null;
    if (tr && typeof tr.scrollIntoView === 'function') tr.scrollIntoView({ block: 'nearest' });
  }

  private moveSelection(by: number): void {
    const view = this.view();
    if (!view) return;
    const list = navList(view.rows, this.expanded);
    const cur = this.state.selected ? list.findIndex((r) => sameRef(r, this.state.selected)) : -1;
    const i = moveIndex(cur, list.length, by > 0 ? { kind: 'down', n: by } : { kind: 'up', n: -by }, this.metrics.firstVisibleRow(), this.metrics.pageRows());
    if (i >= 0) {
      this.select(list[i]);
      this.reveal();
    }
  }

  /** A keydown anywhere in the page (the search box keeps its own). */
  onKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as Element | null;
    if (target === this.shell.search) {
      if (e.key === 'Escape' || e.key === 'Enter') {
        if (e.key === 'Escape') this.setSearch('');
        this.shell.table.focus({ preventScroll: true });
        e.preventDefault();
      }
      return;
    }
    // The Group drop-down keeps its own Enter, Space and arrows, as the live panel's toolbar does.
    const inSelect = target !== null && this.shell.groupBy.contains(target) && (e.key === 'Enter' || e.key === ' ' || e.key.startsWith('Arrow'));
    if (inSelect || (target?.tagName === 'BUTTON' && (e.key === 'Enter' || e.key === ' ')) || !this.runKey(e.key)) return;
    e.preventDefault();
    e.stopPropagation();
  }

  /** Carry out a key; whether it was one. */
  runKey(key: string): boolean {
    const step = key === 'ArrowLeft' ? 'back' : key === 'ArrowRight' ? 'forward' : STEP_BUTTONS.find((b) => b.key === key)?.step;
    if (step) {
      this.step(step);
      return true;
    }
    // The live panel's Group key (its other option keys change what a recording does not hold).
    const option = keyAction({ key, ctrlKey: false, altKey: false, metaKey: false });
    if (option?.kind === 'option' && option.option === 'groupBy') {
      const report = this.report;
      if (report) this.setGroupBy(optionChange('groupBy', { ...this.settings(), groupBy: this.regrouping ?? report.options.groupBy }).groupBy ?? report.options.groupBy);
      return true;
    }
    const zoom = key === '=' ? 'in' : ZOOM_BUTTONS.find((b) => b.key === key)?.zoom;
    if (zoom) {
      this.timeline.zoomBy(zoom);
      return true;
    }
    const sel = this.state.selected;
    switch (key) {
      case 'ArrowDown':
      case 'ArrowUp':
        this.moveSelection(key === 'ArrowDown' ? 1 : -1);
        return true;
      case 'Enter':
      case ' ':
        if (sel && sel.pid === null) this.toggle(sel.key);
        return sel !== null;
      case 'Escape':
        this.select(null);
        return true;
      case '/':
        this.shell.search.focus();
        return true;
    }
    return false;
  }

  private wire(): void {
    const s = this.shell;
    const onKey = (e: KeyboardEvent) => this.onKey(e);
    this.doc.addEventListener('keydown', onKey);
    this.cleanup.push(() => this.doc.removeEventListener('keydown', onKey));
    s.search.addEventListener('input', () => this.setSearch(s.search.value));
    s.groupBy.addEventListener('change', () => {
      const v = validSetting('groupBy', s.groupBy.value);
      if (v !== undefined) this.setGroupBy(v);
    });
    s.chart.closeButton.addEventListener('click', () => this.select(null));
    s.scroll.addEventListener('scroll', () => {
      if (this.scrollQueued) return;
      this.scrollQueued = true;
      this.nextFrame(() => {
        this.scrollQueued = false;
        this.table.setRowHeight(this.metrics.rowHeight());
        this.table.scrolled({ first: this.metrics.firstVisibleRow(), count: this.metrics.pageRows() + 1 });
      });
    });
    this.cleanup.push(
      listenToWindow(this.doc, {
        message: (data) => this.receive(data),
        resize: () => {
          this.timeline.queue();
          this.chart.view.resized();
        },
        theme: () => {
          this.timeline.themeChanged();
          this.chart.themeChanged();
        },
      }),
    );
  }

  /** Remove the listeners and the DOM (tests; the webview itself never needs this). */
  dispose(): void {
    for (const f of this.cleanup.splice(0)) f();
    this.shell.root.remove();
  }
}
