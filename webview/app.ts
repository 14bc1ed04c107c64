// The panel's controller in the webview: the wiring. It holds the settings, the last report
// and the UI state; every change goes one way: update the state, persist it (getState /
// setState), render once. Keys are keyboard.ts, the chart and sparklines chartSync.ts,
// optimistic options pending.ts, the words around the table statusText.ts.
import type { Report } from '../src/core/types';
import {
  DEFAULT_PANEL_SETTINGS,
  parseHostMessage,
  validSetting,
  type HelperState,
  type HostMessage,
  type KillTargetRef,
  type LeakInfo,
  type PanelSettingKey,
  type PanelSettings,
  type WebviewMessage,
} from '../src/shared/webviewProtocol';
import { controlOf } from '../src/shared/options';
import type { SparkDraw } from './chart';
import { ChartSync } from './chartSync';
import { columnsFor } from './columns';
import { setText, syncLines } from './dom';
import { panelKey, runKey, type KeyTarget } from './keyboard';
import type { KeyAction } from './keys';
import { DomMetrics, type Metrics } from './metrics';
import { clickSort, computeView, effectiveSort, type ColumnSort, type SortableColumn } from './model';
import { PendingOptions } from './pending';
import { navList, sameRef, type RowRef } from './rows';
import { buildShell, type Shell } from './shell';
import { parseState, type PersistedState } from './state';
import { bannerText, killNote, leaderText, statusLine } from './statusText';
import { TableRenderer, type Viewport } from './table';

export type { Metrics } from './metrics';

/** What acquireVsCodeApi() gives, typed to our messages and state. */
export interface WebviewApi {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: PersistedState): void;
}

/** Options for tests and benchmarks. */
export interface AppHooks {
  /** Replaces the canvas drawing of a sparkline. */
  drawSpark?: SparkDraw;
  /** Runs a callback before the next frame (default requestAnimationFrame; tests: at once). */
  nextFrame?: (cb: () => void) => void;
}

/** Rows above and below the visible ones whose sparklines are drawn too. */
const SPARK_MARGIN = 10;

export class PanelApp implements KeyTarget {
  readonly shell: Shell;
  settings: PanelSettings = { ...DEFAULT_PANEL_SETTINGS };
  helper: HelperState = { status: 'starting', mode: null, message: '', canElevate: false };
  report: Report | null = null;
  killMode = false;
  /** Leak suspects by group key (from the host, with each report). */
  leaks = new Map<string, LeakInfo>();
  private readonly charts: ChartSync;
  private paintQueued = false;
  /** The table was scrolled or resized: render the rows now in view before the next frame. */
  private windowDirty = false;
  private readonly nextFrame: (cb: () => void) => void;
  private themeKey = '';
  private ui: PersistedState;
  private readonly expandedSet: Set<string>;
  private table: TableRenderer;
  private readonly domMetrics: DomMetrics;
  private metrics: Metrics;
  private readonly pending = new PendingOptions();
  private scrollRestored = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
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
    this.nextFrame = hooks.nextFrame ?? (win?.requestAnimationFrame ? (cb) => win.requestAnimationFrame(() => cb()) : (cb) => setTimeout(cb, 16));
    this.charts = new ChartSync(this.shell.chart, this.nextFrame, (m) => this.api.postMessage(m), hooks.drawSpark);
    this.ui = parseState(api.getState());
    this.expandedSet = new Set(this.ui.expanded);
    this.shell.search.value = this.ui.search;
    this.shell.help.hidden = !this.ui.helpOpen;
    const dm = (this.domMetrics = new DomMetrics(this.shell));
    this.metrics = {
      pageRows: metrics?.pageRows ?? (() => dm.pageRows()),
      firstVisibleRow: metrics?.firstVisibleRow ?? (() => dm.firstVisibleRow()),
      rowHeight: metrics?.rowHeight ?? (() => dm.rowHeight()),
    };
    this.table = new TableRenderer(doc, this.shell.thead, this.shell.headRow, this.shell.tbody, {
      onSort: (col) => this.sortByColumn(col),
      onSelect: (ref) => {
        this.select(ref, false);
        this.focusTable();
      },
      onToggle: (key) => this.toggleExpand(key),
      onKill: (ref) => this.killRef(ref),
    });
    this.wire();
    this.syncControls();
    this.render();
    this.api.postMessage({ type: 'ready' });
  }

  // ------------------------------------------------------------ state access (also for tests)

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
    return this.expandedSet;
  }
  isExpanded(key: string): boolean {
    return this.expandedSet.has(key);
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
    this.save();
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
        this.queuePaint();
        return;
      case 'groupHistory':
        if (this.charts.loadGroup(m)) this.syncChart();
        return;
      case 'helper':
        this.helper = m.helper;
        break;
      case 'killDone':
        this.statusNote = killNote(m.results);
        break;
    }
    this.syncControls();
    this.render();
  }

  private setLeaks(list: readonly LeakInfo[]): void {
    this.leaks = new Map(list.map((l) => [l.key, l]));
  }

  private selectedGroup() {
    const sel = this.ui.selected;
    return sel && this.report ? this.report.rows.find((r) => r.key === sel.key) : undefined;
  }

  private syncChart(): void {
    this.charts.sync(this.selectedGroup(), this.report?.detail ?? false, this.settings.units);
  }

  /** Draw the sparklines of the rows in view (and a margin) whose figures changed. */
  paintSparks(): number {
    const first = this.metrics.firstVisibleRow();
    const page = this.metrics.pageRows();
    return this.charts.paint(this.table.sparkTargets(first - SPARK_MARGIN, first + page + SPARK_MARGIN), this.shell.root);
  }

  /**
   * Draw the sparklines before the next frame: by then the browser has laid out the update,
   * so finding the rows in view forces no extra layout.
   */
  private queuePaint(): void {
    if (this.paintQueued) return;
    this.paintQueued = true;
    this.nextFrame(() => {
      this.paintQueued = false;
      if (this.windowDirty) {
        this.windowDirty = false;
        this.updateWindow();
      }
      this.paintSparks();
    });
  }

  /** The body rows in view, for the table's window (read before the DOM is written). */
  private viewport(): Viewport {
    return { first: this.metrics.firstVisibleRow(), count: this.metrics.pageRows() + 1 };
  }

  /** Render the rows now in view of a virtualized table (after a scroll, a resize, a jump). */
  private updateWindow(): void {
    this.table.setRowHeight(this.metrics.rowHeight());
    this.table.scrolled(this.viewport());
  }

  /** The theme changed (VS Code rewrites the root style and the body's vscode-* classes): redraw every canvas. */
  private onThemeMaybeChanged(): void {
    const d = this.doc;
    const key = `${d.documentElement.getAttribute('style') ?? ''}|${Array.from(d.body.classList)
      .filter((c) => c.startsWith('vscode'))
      .join(' ')}`;
    if (key === this.themeKey) return;
    this.themeKey = key;
    this.domMetrics.forget(); // the font size may have changed
    this.windowDirty = true;
    this.charts.themeChanged();
    this.queuePaint();
  }

  // ------------------------------------------------------------ options

  setOptions(change: Partial<PanelSettings>): void {
    const clean = this.pending.change(change, this.settings);
    if (Object.keys(clean).length === 0) return;
    this.settings = { ...this.settings, ...clean };
    this.api.postMessage({ type: 'setOptions', options: clean });
    this.syncControls();
    this.update((ui) => {
      if (clean.sortBy !== undefined) ui.local = null;
    });
  }

  sortByColumn(col: SortableColumn): void {
    const r = clickSort(effectiveSort(this.settings.sortBy, this.ui.local), col);
    if (r.sortBy && r.sortBy !== this.settings.sortBy) {
      this.ui.local = null;
      this.setOptions({ sortBy: r.sortBy });
    } else this.update((ui) => (ui.local = r.local));
  }

  setKillMode(on: boolean): void {
    this.killMode = on;
    this.syncControls();
    this.render();
  }

  setSearch(text: string): void {
    if (this.shell.search.value !== text) this.shell.search.value = text;
    this.update((ui) => (ui.search = text));
  }

  setHelp(open: boolean): void {
    this.ui.helpOpen = open;
    this.shell.help.hidden = !open;
    if (open) this.shell.helpClose.focus();
    else this.focusTable();
    this.save();
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
        this.updateWindow();
      }
    }
  }

  toggleExpand(key: string): void {
    this.update((ui) => {
      if (this.expandedSet.has(key)) {
        this.expandedSet.delete(key);
        if (ui.selected?.key === key && ui.selected.pid !== null) ui.selected = { key, pid: null };
      } else this.expandedSet.add(key);
    });
  }

  // ------------------------------------------------------------ kill

  /** The processes a row stands for (none for the total, the overflow or a vanished group). */
  targetsOf(ref: RowRef): KillTargetRef[] {
    const row = this.report?.rows.find((r) => r.key === ref.key && r.type !== 'x');
    if (!row) return [];
    const members = ref.pid === null ? row.members : row.members.filter((m) => m.pid === ref.pid);
    return members.map((m) => ({ pid: m.pid, starttime: m.starttime }));
  }

  killRef(ref: RowRef): void {
    if (!this.killMode) return;
    const targets = this.targetsOf(ref);
    if (targets.length === 0) {
      this.statusNote = 'Nothing to kill in that row (it has vanished).';
      this.render();
      return;
    }
    this.statusNote = `Asking to kill ${targets.length === 1 ? `pid ${targets[0].pid}` : `${targets.length} processes`}\u2026`;
    this.api.postMessage({ type: 'kill', targets });
    this.render();
  }

  // ------------------------------------------------------------ rendering

  private currentView() {
    if (!this.report) return null;
    return computeView({
      report: this.report,
      settings: this.settings,
      local: this.ui.local,
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
    const chartFirst = this.chart.visible !== (this.selectedGroup() !== undefined);
    if (chartFirst) this.syncChart();
    const view = this.currentView();
    // Layout reads before any write of this render (no forced layout in between).
    const viewport = this.viewport();
    const rowHeight = this.metrics.rowHeight();

    syncLines(s.leader, leaderText(report, view, this.ui.search, this.settings.showCpu, this.leaks.size));

    const inaccessible = report?.leader.inaccessible ?? 0;
    s.banner.hidden = inaccessible === 0;
    if (inaccessible > 0) {
      setText(s.bannerText, bannerText(inaccessible, this.helper));
      s.runAsRoot.hidden = !this.helper.canElevate && this.helper.status !== 'elevating';
      if (this.helper.status === 'elevating') s.runAsRoot.setAttribute('disabled', '');
      else s.runAsRoot.removeAttribute('disabled');
    }

    setText(s.status, statusLine(this.helper, this.settings, this.statusNote));

    if (report && view && this.ui.selected && !navList(view.rows, this.expandedSet).some((r) => sameRef(r, this.ui.selected))) {
      // The selected process or group is not shown now: keep the group if it is.
      const key = this.ui.selected.key;
      if (this.ui.selected.pid !== null && view.rows.some((r) => r.key === key)) this.ui.selected = { key, pid: null };
    }
    const shown = report && view;
    this.table.render({
      cols: columnsFor(shown ? report.detail : this.settings.detail, this.settings.showCpu, this.settings.lineNumbers, true),
      sort: shown ? view.sort : effectiveSort(this.settings.sortBy, this.ui.local),
      settings: this.settings,
      total: shown ? report.total : null,
      rows: shown ? view.rows : [],
      overflow: shown ? view.overflow : null,
      expanded: this.expandedSet,
      selected: shown ? this.ui.selected : null,
      leaks: this.leaks,
      viewport,
      rowHeight,
    });
    if (shown) {
      if (!(rowHeight > 0) && this.table.virtual) this.updateWindow(); // first rows: measure them, size the spacers
      const tr = this.ui.selected ? this.table.rowElement(this.ui.selected) : null;
      if (tr) s.table.setAttribute('aria-activedescendant', tr.id);
      else s.table.removeAttribute('aria-activedescendant');
      if (!this.scrollRestored) {
        this.scrollRestored = true;
        if (this.ui.scrollTop > 0) s.scroll.scrollTop = this.ui.scrollTop;
      }
    }
    if (!chartFirst) this.syncChart();
    this.queuePaint();
  }

  /** The toolbar shows the settings (an inverted checkbox shows the opposite). */
  private syncControls(): void {
    const s = this.shell;
    for (const [key, sel] of controls(s.selects)) {
      const v = String(this.settings[key]);
      if (sel.value !== v) sel.value = v;
    }
    for (const [key, cb] of controls(s.checks)) {
      const v = (this.settings[key] === true) !== (controlOf(key).inverted === true);
      if (cb.checked !== v) cb.checked = v;
    }
    if (s.killToggle.checked !== this.killMode) s.killToggle.checked = this.killMode;
  }

  private save(): void {
    this.api.setState({ ...this.ui, expanded: [...this.expandedSet] });
  }

  // ------------------------------------------------------------ wiring

  private wire(): void {
    const s = this.shell;
    const onKey = (e: KeyboardEvent) => this.onKeydown(e);
    this.doc.addEventListener('keydown', onKey);
    this.cleanup.push(() => this.doc.removeEventListener('keydown', onKey));
    s.search.addEventListener('keydown', (e) => this.onSearchKeydown(e));
    s.search.addEventListener('input', () => this.setSearch(s.search.value));
    for (const [key, sel] of controls(s.selects)) {
      sel.addEventListener('change', () => {
        const raw = sel.value;
        const v = validSetting(key, typeof this.settings[key] === 'number' ? Number(raw) : raw);
        if (v !== undefined) this.setOptions({ [key]: v });
      });
    }
    for (const [key, cb] of controls(s.checks)) {
      cb.addEventListener('change', () => this.setOptions({ [key]: cb.checked !== (controlOf(key).inverted === true) }));
    }
    s.killToggle.addEventListener('change', () => this.setKillMode(s.killToggle.checked));
    s.helpButton.addEventListener('click', () => this.setHelp(s.help.hidden));
    s.helpClose.addEventListener('click', () => this.setHelp(false));
    s.refreshButton.addEventListener('click', () => this.api.postMessage({ type: 'refresh' }));
    s.exportButton.addEventListener('click', () => this.api.postMessage({ type: 'exportSnapshot' }));
    s.compareButton.addEventListener('click', () => this.api.postMessage({ type: 'compareSnapshot' }));
    s.chart.exportButton.addEventListener('click', () => {
      const key = this.charts.key;
      if (key !== null) this.api.postMessage({ type: 'exportGroupHistory', key });
    });
    s.chart.closeButton.addEventListener('click', () => {
      this.update((ui) => (ui.selected = null));
      this.focusTable();
    });
    s.logButton.addEventListener('click', () => this.api.postMessage({ type: 'showLog' }));
    s.runAsRoot.addEventListener('click', () => {
      if (s.runAsRoot.hasAttribute('disabled')) return;
      this.api.postMessage({ type: 'runAsRoot' });
    });
    s.scroll.addEventListener('scroll', () => {
      this.windowDirty = true;
      this.queuePaint();
      this.ui.scrollTop = s.scroll.scrollTop;
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.save(), 200);
    });
    const win = this.doc.defaultView;
    if (win) {
      const onMessage = (e: MessageEvent) => this.receive(e.data);
      const onResize = () => {
        this.domMetrics.forget(); // (a zoom changes the row height)
        this.windowDirty = true;
        if (this.settings.fitToWindow) this.render();
        else this.queuePaint();
        this.chart.resized();
      };
      win.addEventListener('message', onMessage);
      win.addEventListener('resize', onResize);
      this.cleanup.push(() => {
        win.removeEventListener('message', onMessage);
        win.removeEventListener('resize', onResize);
      });
      if (typeof win.MutationObserver === 'function') {
        this.themeKey = '';
        this.onThemeMaybeChanged();
        const mo = new win.MutationObserver(() => this.onThemeMaybeChanged());
        mo.observe(this.doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
        mo.observe(this.doc.body, { attributes: true, attributeFilter: ['class'] });
        this.cleanup.push(() => mo.disconnect());
      }
    }
  }

  /** Remove the document/window listeners and the DOM (the webview itself never needs this). */
  dispose(): void {
    for (const f of this.cleanup.splice(0)) f();
    clearTimeout(this.saveTimer);
    this.shell.root.remove();
  }
}

/** A toolbar's controls with their settings. */
function controls<C>(m: Partial<Record<PanelSettingKey, C>>): Array<[PanelSettingKey, C]> {
  return Object.entries(m) as Array<[PanelSettingKey, C]>;
}
