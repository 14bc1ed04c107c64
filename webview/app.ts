// The panel's controller in the webview: the wiring. It holds the settings, the last report
// and the UI state; a change to the UI state goes one way: update it, persist it (state.ts,
// getState/setState), render once. Keys: keyboard.ts, src/shared/keymap.ts; chart and sparklines:
// chartSync.ts; frames.ts, pending.ts (optimistic options), toolbar.ts, statusText.ts, the
// legend and regrouping notice regroup.ts, the table table.ts.
import type { Report } from '../src/core/types';
import { DEFAULT_PANEL_SETTINGS, parseHostMessage, type HelperState, type HostMessage, type LeakInfo, type PanelSettings } from '../src/shared/webviewProtocol';
import type { AppHooks, WebviewApi } from './api';
import { ChartSync } from './chartSync';
import type { SortableColumn } from './columns';
import { Frames, listenToWindow } from './frames';
import { panelKey, runKey, type KeyTarget } from './keyboard';
import type { KeyAction } from '../src/shared/keymap';
import { DomMetrics, type Metrics } from './metrics';
import { clickSort, computeView, effectiveSort, tableModel, type ColumnSort } from './model';
import { PendingOptions } from './pending';
import { keptSelection, killTargets, type RowRef } from '../src/shared/rowOrder';
import { MapsView } from './mapsView';
import { CgroupView } from './cgroupView';
import { buildShell, type Shell } from './shell';
import { UiStore, type PersistedState } from './state';
import { killAskNote, killNote, renderWords } from './statusText';
import { renderNotices } from './regroup';
import { TableRenderer } from './table';
import { syncToolbar, wireCommands, wireToolbar } from './toolbar';
export type { AppHooks, WebviewApi } from './api';
export type { Metrics } from './metrics';

export class PanelApp implements KeyTarget {
  readonly shell: Shell;
  settings: PanelSettings = { ...DEFAULT_PANEL_SETTINGS };
  helper: HelperState = { status: 'starting', mode: null, message: '', canElevate: false };
  report: Report | null = null;
  killMode = false;
  /** Leak suspects by group key (from the host, with each report). */
  leaks = new Map<string, LeakInfo>();
  private readonly charts: ChartSync;
  readonly maps: MapsView;
  readonly cgroup: CgroupView;
  private readonly frames: Frames;
  private readonly store: UiStore;
  private table: TableRenderer;
  private readonly domMetrics: DomMetrics;
  private metrics: Metrics;
  private readonly pending = new PendingOptions();
  private scrollRestored = false;
  private statusNote = '';
  private readonly cleanup: Array<() => void> = [];

  constructor(
    private readonly doc: Document,
    mount: HTMLElement,
    private readonly api: WebviewApi,
    metrics?: Partial<Metrics>,
    hooks: AppHooks = {},
  ) {
    this.shell = buildShell(doc, mount);
    const win = doc.defaultView;
    const nextFrame: (cb: () => void) => void =
      hooks.nextFrame ?? (win?.requestAnimationFrame ? (cb) => win.requestAnimationFrame(() => cb()) : (cb) => setTimeout(cb, 16));
    this.charts = new ChartSync(this.shell.chart, nextFrame, (m) => this.api.postMessage(m), hooks.drawSpark);
    this.maps = new MapsView(doc, (m) => this.api.postMessage(m), this.shell.chart.root);
    this.cgroup = new CgroupView(doc, this.maps.root);
    this.store = new UiStore(api);
    this.shell.search.value = this.ui.search;
    this.shell.help.hidden = !this.ui.helpOpen;
    const dm = (this.domMetrics = new DomMetrics(this.shell));
    this.metrics = { pageRows: () => dm.pageRows(), firstVisibleRow: () => dm.firstVisibleRow(), rowHeight: () => dm.rowHeight(), ...metrics };
    this.table = new TableRenderer(doc, this.shell.thead, this.shell.headRow, this.shell.tbody, {
      onSort: (col) => this.sortByColumn(col),
      onSelect: (ref) => {
        this.select(ref, false);
        this.focusTable();
      },
      onToggle: (key) => this.toggleExpand(key),
      onKill: (ref) => this.killRef(ref),
    });
    this.frames = new Frames(nextFrame, this.table, this.metrics, this.charts, this.shell.root);
    this.wire();
    syncToolbar(this.shell, this.settings, this.killMode);
    this.render();
    this.api.postMessage({ type: 'ready' });
  }

  // ------------------------------------------------------------ state access (also for tests)

  private get ui(): PersistedState {
    return this.store.ui;
  }
  get search(): string {
    return this.ui.search;
  }
  get selected(): RowRef | null {
    return this.ui.selected;
  }
  get localSort(): ColumnSort | null {
    return this.ui.local;
  }
  get helpOpen(): boolean {
    return this.ui.helpOpen;
  }
  get expanded(): ReadonlySet<string> {
    return this.store.expanded;
  }
  isExpanded(key: string): boolean {
    return this.store.expanded.has(key);
  }
  get chart() {
    return this.charts.chart;
  }
  get sparks() {
    return this.charts.sparks;
  }

  /**
   * The one way the UI state changes: apply the change, persist the state (it survives
   * hide/show and reloads), render once.
   */
  private update(change: (ui: PersistedState) => void): void {
    change(this.ui);
    this.store.save();
    this.render();
  }

  // ------------------------------------------------------------ host messages

  /** A message event's data from the host (validated here: anything malformed is ignored). */
  receive(data: unknown): void {
    const m = parseHostMessage(data);
    if (m) this.handle(m);
  }

  private handle(m: HostMessage): void {
    switch (m.type) {
      case 'init':
        this.settings = m.settings;
        this.pending.clear();
        this.helper = m.helper;
        if (m.report) this.report = m.report;
        this.setLeaks(m.leaks);
        // The host follows init with every group's sparkline figures (sparks).
        break;
      case 'settings':
        this.settings = this.pending.merge(m.settings);
        break;
      case 'report':
        this.report = m.report;
        this.setLeaks(m.leaks);
        this.charts.addReport(m.report, m.history);
        break;
      case 'sparks':
        this.charts.loadSparks(m);
        this.frames.queue();
        return;
      case 'groupHistory':
        if (this.charts.loadGroup(m)) this.syncChart();
        return;
      case 'maps':
        return this.maps.receive(m, this.settings.units);
      case 'helper':
        this.helper = m.helper;
        break;
      case 'killDone':
        this.statusNote = killNote(m.results);
        break;
    }
    syncToolbar(this.shell, this.settings, this.killMode);
    this.render();
  }

  private setLeaks(list: readonly LeakInfo[]): void {
    this.leaks = new Map(list.map((l) => [l.key, l]));
  }
  private syncChart(): void {
    this.charts.sync(this.report, this.ui.selected?.key, this.settings.units);
  }

  /** Draw the sparklines of the rows in view (and a margin) whose figures changed. */
  paintSparks(): number {
    return this.frames.paintSparks();
  }

  // ------------------------------------------------------------ options

  setOptions(change: Partial<PanelSettings>): void {
    const clean = this.pending.change(change, this.settings);
    if (Object.keys(clean).length === 0) return;
    this.settings = { ...this.settings, ...clean };
    this.api.postMessage({ type: 'setOptions', options: clean });
    syncToolbar(this.shell, this.settings, this.killMode);
    this.update((ui) => {
      if (clean.sortBy === undefined) return;
      ui.local = null;
      ui.riseBase = null; // sorted from the toolbar or a key: rise applies again
    });
  }

  /** A click on a column header: its order wins over rise-to-top until a click returns to the setting's order. */
  sortByColumn(col: SortableColumn): void {
    const base = this.ui.riseBase ?? this.settings.sortBy;
    const r = clickSort(effectiveSort(this.settings.sortBy, this.ui.local), col);
    if (r.sortBy && r.sortBy !== this.settings.sortBy) this.setOptions({ sortBy: r.sortBy });
    this.update((ui) => {
      ui.local = r.local;
      ui.riseBase = r.sortBy === base ? null : base;
    });
  }

  setKillMode(on: boolean): void {
    this.killMode = on;
    syncToolbar(this.shell, this.settings, this.killMode);
    this.render();
  }

  setSearch(text: string): void {
    if (this.shell.search.value !== text) this.shell.search.value = text;
    this.update((ui) => (ui.search = text));
  }

  setHelp(open: boolean): void {
    this.ui.helpOpen = open;
    this.shell.help.hidden = !open;
    if (open) {
      // At its top: Close is its last element, and focusing it would scroll the overlay to the end.
      this.shell.help.scrollTop = 0;
      this.shell.helpClose.focus({ preventScroll: true });
    } else this.focusTable();
    this.store.save();
  }

  focusTable(): void {
    this.shell.table.focus({ preventScroll: true });
  }

  focusSearch(): void {
    this.shell.search.focus();
    this.shell.search.select?.();
  }

  // ------------------------------------------------------------ keys

  /** A keydown anywhere in the webview. */
  onKeydown(e: KeyboardEvent): void {
    const s = this.shell;
    const a = panelKey(e, s.toolbar, s.table, s.search);
    if (a) this.run(a, e);
  }

  private onSearchKeydown(e: KeyboardEvent): void {
    if (e.key !== 'Escape' && e.key !== 'Enter') return;
    e.preventDefault();
    e.stopPropagation();
    this.setSearch(e.key === 'Escape' ? '' : this.shell.search.value);
    this.focusTable();
  }

  /** Carry out a key action (handled keys do not reach VS Code's own keybindings). */
  run(a: KeyAction, e?: Event): void {
    e?.preventDefault();
    e?.stopPropagation();
    runKey(a, this);
  }

  viewRows() {
    return this.currentView()?.rows ?? null;
  }

  page(): { rows: number; first: number } {
    return { rows: this.metrics.pageRows(), first: this.metrics.firstVisibleRow() };
  }

  select(ref: RowRef, reveal: boolean): void {
    this.update((ui) => (ui.selected = ref));
    const tr = this.table.rowElement(ref);
    if (tr) {
      this.shell.table.setAttribute('aria-activedescendant', tr.id);
      if (reveal && typeof tr.scrollIntoView === 'function') {
        tr.scrollIntoView({ block: 'nearest' });
        // A row far from the window is rendered alone: render the rows around it now, not a frame later.
        this.frames.updateWindow();
      }
    }
  }

  toggleExpand(key: string): void {
    this.update((ui) => {
      if (this.store.expanded.has(key)) {
        this.store.expanded.delete(key);
        if (ui.selected?.key === key && ui.selected.pid !== null) ui.selected = { key, pid: null };
      } else this.store.expanded.add(key);
    });
  }

  showDrillDown = (ref: RowRef): boolean => (ref.pid === null ? this.cgroup.open(this.report, ref, this.settings) : this.maps.open(this.report, ref));
  // ------------------------------------------------------------ kill

  killRef(ref: RowRef): void {
    if (!this.killMode) return;
    const targets = killTargets(this.report, ref);
    this.statusNote = killAskNote(targets);
    if (targets.length > 0) this.api.postMessage({ type: 'kill', targets });
    this.render();
  }

  // ------------------------------------------------------------ rendering

  private currentView() {
    if (!this.report) return null;
    return computeView({
      report: this.report,
      settings: this.settings,
      local: this.ui.local,
      headerSort: this.ui.riseBase !== null,
      search: this.ui.search,
      fitRows: this.metrics.pageRows(),
    });
  }

  render(): void {
    const s = this.shell;
    this.doc.body.classList.toggle('pm-kill-mode', this.killMode);
    s.killIndicator.hidden = !this.killMode;
    const report = this.report;
    // A chart that appears or goes changes the table's height (fit-to-window measures it): first.
    // Otherwise the chart follows the table, so an update lays out once.
    const chartFirst = this.charts.toggles(report, this.ui.selected?.key);
    if (chartFirst) this.syncChart();
    renderNotices(s, { legendClosed: this.ui.legendClosed, want: this.settings.groupBy, reportGroupBy: report?.options.groupBy ?? null, helper: this.helper, hasReport: report !== null });
    const view = this.currentView();
    // Layout reads before any write of this render (no forced layout in between).
    const viewport = this.frames.viewport();
    const rowHeight = this.metrics.rowHeight();

    renderWords(s, { report, view, search: this.ui.search, settings: this.settings, helper: this.helper, leakCount: this.leaks.size, note: this.statusNote });

    if (report && view) this.ui.selected = keptSelection(view.rows, this.store.expanded, this.ui.selected);
    const { settings, leaks } = this;
    const ui = { settings, leaks, local: this.ui.local, expanded: this.store.expanded, selected: this.ui.selected };
    this.table.render(tableModel(report, view, ui, { viewport, rowHeight }));
    if (report && view) {
      if (!(rowHeight > 0) && this.table.virtual) this.frames.updateWindow(); // first rows: measure them, size the spacers
      const tr = this.ui.selected ? this.table.rowElement(this.ui.selected) : null;
      if (tr) s.table.setAttribute('aria-activedescendant', tr.id);
      else s.table.removeAttribute('aria-activedescendant');
      if (!this.scrollRestored) {
        this.scrollRestored = true;
        if (this.ui.scrollTop > 0) s.scroll.scrollTop = this.ui.scrollTop;
      }
    }
    if (!chartFirst) this.syncChart();
    this.maps.render(this.settings.units);
    this.cgroup.update(report, this.settings);
    this.frames.queue();
  }

  // ------------------------------------------------------------ wiring

  private wire(): void {
    const s = this.shell;
    const onKey = (e: KeyboardEvent) => this.onKeydown(e);
    this.doc.addEventListener('keydown', onKey);
    this.cleanup.push(() => this.doc.removeEventListener('keydown', onKey));
    s.search.addEventListener('keydown', (e) => this.onSearchKeydown(e));
    s.search.addEventListener('input', () => this.setSearch(s.search.value));
    wireToolbar(s, () => this.settings, (c) => this.setOptions(c));
    s.killToggle.addEventListener('change', () => this.setKillMode(s.killToggle.checked));
    s.helpButton.addEventListener('click', () => this.setHelp(s.help.hidden));
    s.helpClose.addEventListener('click', () => this.setHelp(false));
    s.legend.close.addEventListener('click', () => this.update((ui) => (ui.legendClosed = true)));
    wireCommands(s, (m) => this.api.postMessage(m), () => this.charts.key, () => {
      this.update((ui) => (ui.selected = null));
      this.focusTable();
    });
    s.scroll.addEventListener('scroll', () => {
      this.frames.moved();
      this.store.scrolled(s.scroll.scrollTop);
    });
    this.cleanup.push(
      listenToWindow(this.doc, {
        message: (data) => this.receive(data),
        resize: () => {
          this.domMetrics.forget(); // (a zoom changes the row height)
          if (this.settings.fitToWindow) this.render();
          this.frames.moved();
          this.chart.resized();
        },
        theme: () => {
          if (this.frames.themeChanged(this.doc)) this.domMetrics.forget(); // the font size may have changed
        },
      }),
    );
  }

  /** Remove the document/window listeners and the DOM (the webview itself never needs this). */
  dispose(): void {
    for (const f of this.cleanup.splice(0)) f();
    this.store.dispose();
    this.shell.root.remove();
  }
}
