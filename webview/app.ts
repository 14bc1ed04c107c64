// The panel's controller in the webview: holds the settings, the last report and the
// UI state, turns keys, clicks and host messages into renders and messages.
import { leaderLines } from '../src/core/format';
import type { Report } from '../src/core/types';
import {
  DEFAULT_PANEL_SETTINGS,
  parseHostMessage,
  validSetting,
  type HelperState,
  type HistoryStamp,
  type HostMessage,
  type LeakInfo,
  type PanelSettingKey,
  type PanelSettings,
  type WebviewMessage,
} from '../src/shared/webviewProtocol';
import { killSummary, type KillTarget } from '../src/shared/kill';
import {
  processes,
  clickSort,
  columnsFor,
  computeView,
  effectiveSort,
  keyAction,
  leakCountText,
  moveIndex,
  navList,
  optionChange,
  sameRef,
  type ColumnSort,
  type KeyAction,
  type RowRef,
  type SortableColumn,
} from './model';
import { ChartView, SparkPainter, type SparkDraw } from './chart';
import { chartSpec, type ChartSpec } from './chartModel';
import { GroupSeries, SparkStore } from './history';
import { buildShell, CONTROL_SETTING, type CheckOption, type SelectOption, type Shell } from './shell';
import { emptyState, parseState, type PersistedState } from './state';
import { TableRenderer, type Viewport } from './table';
import { visibleRows } from './virtual';

/** What acquireVsCodeApi() gives, typed to our messages and state. */
export interface WebviewApi {
  postMessage(m: WebviewMessage): void;
  getState(): unknown;
  setState(s: PersistedState): void;
}

/** Layout figures (measured from the DOM by default; tests pass their own). */
export interface Metrics {
  /** Group rows that fit in the table's viewport. */
  pageRows(): number;
  /** Index of the first row visible in the viewport. */
  firstVisibleRow(): number;
  /** Height of a body row in px (0: not known yet, e.g. before the first row is laid out). */
  rowHeight(): number;
}

/** Options for tests and benchmarks. */
export interface AppHooks {
  /** Replaces the canvas drawing of a sparkline. */
  drawSpark?: SparkDraw;
  /** Runs a callback before the next frame (default requestAnimationFrame; tests: at once). */
  nextFrame?: (cb: () => void) => void;
}

const PENDING_MS = 3000;
/** Rows above and below the visible ones whose sparklines are drawn too. */
const SPARK_MARGIN = 10;
/** A request for history that got no answer is sent again after this long. */
const ASK_AGAIN_MS = 5000;

export class PanelApp {
  readonly shell: Shell;
  settings: PanelSettings = { ...DEFAULT_PANEL_SETTINGS };
  helper: HelperState = { status: 'starting', mode: null, message: '', canElevate: false };
  report: Report | null = null;
  killMode = false;
  /** Leak suspects by group key (from the host, with each report). */
  leaks = new Map<string, LeakInfo>();
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
  private paintQueued = false;
  /** The table was scrolled or resized: render the rows now in view before the next frame. */
  private windowDirty = false;
  /** A body row's height as measured (0: not yet, or measured again after a theme or size change). */
  private measuredRowHeight = 0;
  private readonly nextFrame: (cb: () => void) => void;
  private themeKey = '';
  private ui: PersistedState;
  private expanded: Set<string>;
  private table: TableRenderer;
  private metrics: Metrics;
  /** Options changed here and sent, not yet echoed by the host. */
  private pending = new Map<PanelSettingKey, { value: unknown; at: number }>();
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
    this.chart = new ChartView(this.shell.chart, this.nextFrame);
    this.painter = new SparkPainter(this.sparks, hooks.drawSpark);
    this.ui = parseState(api.getState());
    this.expanded = new Set(this.ui.expanded);
    this.shell.search.value = this.ui.search;
    this.shell.help.hidden = !this.ui.helpOpen;
    const dm = this.domMetrics();
    this.metrics = {
      pageRows: metrics?.pageRows ?? dm.pageRows,
      firstVisibleRow: metrics?.firstVisibleRow ?? dm.firstVisibleRow,
      rowHeight: metrics?.rowHeight ?? dm.rowHeight,
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
  isExpanded(key: string): boolean {
    return this.expanded.has(key);
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
        this.settings = this.mergePending(m.settings);
        break;
      case 'report':
        this.report = m.report;
        this.setLeaks(m.leaks);
        this.addToHistory(m.report, m.history);
        break;
      case 'sparks':
        this.sparks.load(m.history, m.series);
        this.askedSparks = 0;
        this.queuePaint();
        return;
      case 'groupHistory':
        if (this.series?.key === m.key) {
          this.series.load(m.history, m.capacity, m.group);
          this.seriesVersion++;
          this.askedSeries = 0;
          this.syncChart();
        }
        return;
      case 'helper':
        this.helper = m.helper;
        break;
      case 'killDone':
        this.statusNote = m.results.length ? `Kill: ${killSummary(m.results).text}` : '';
        break;
    }
    this.syncControls();
    this.render();
  }

  private setLeaks(list: readonly LeakInfo[]): void {
    this.leaks = new Map(list.map((l) => [l.key, l]));
  }

  /** One more sample for the sparklines and the chart; after a gap, ask the host for the series. */
  private addToHistory(report: Report, stamp: HistoryStamp | null): void {
    if (this.sparks.append(stamp, report.rows) === 'gap') this.askSparks();
    if (this.series) {
      const rel = this.series.append(stamp, report.leader.time, report.rows);
      if (rel === 'gap' || (rel === 'none' && stamp)) this.askSeries(); // (rate-limited: an unanswered request is repeated)
      else if (rel === 'next' || rel === 'restart') this.seriesVersion++;
    }
  }

  private askSparks(): void {
    const now = Date.now();
    if (now - this.askedSparks < ASK_AGAIN_MS) return;
    this.askedSparks = now;
    this.api.postMessage({ type: 'getSparks' });
  }

  private askSeries(): void {
    const now = Date.now();
    if (!this.series || now - this.askedSeries < ASK_AGAIN_MS) return;
    this.askedSeries = now;
    this.api.postMessage({ type: 'getGroupHistory', key: this.series.key });
  }

  private wantsChart(): boolean {
    const sel = this.ui.selected;
    return sel !== null && this.report !== null && this.report.rows.some((r) => r.key === sel.key);
  }

  /** The chart follows the selected group: shown with its history, hidden without a selection. */
  private syncChart(): void {
    const sel = this.ui.selected;
    const row = sel && this.report ? this.report.rows.find((r) => r.key === sel.key) : undefined;
    if (!row || !this.report) {
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
    const detail = this.report.detail;
    if (!this.spec || this.spec.version !== this.seriesVersion || this.spec.detail !== detail) {
      this.spec = { version: this.seriesVersion, detail, spec: this.series.data ? chartSpec(this.series.data, detail) : null };
    }
    this.chart.show({
      key: row.key,
      info: row.info,
      spec: this.spec.spec,
      loading: !this.series.loaded,
      units: this.settings.units,
      version: this.seriesVersion,
    });
  }

  /** Draw the sparklines of the rows in view (and a margin) whose figures changed. */
  paintSparks(): number {
    const first = this.metrics.firstVisibleRow();
    const page = this.metrics.pageRows();
    return this.painter.paint(this.table.sparkTargets(first - SPARK_MARGIN, first + page + SPARK_MARGIN), this.shell.root);
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
    this.measuredRowHeight = 0; // the font size may have changed
    this.windowDirty = true;
    this.painter.invalidate();
    this.queuePaint();
    this.chart.draw(true);
  }

  /** Host settings, except options changed here whose echo has not come back yet. */
  private mergePending(incoming: PanelSettings): PanelSettings {
    const out = { ...incoming };
    const now = Date.now();
    for (const [k, p] of [...this.pending]) {
      if (incoming[k] === p.value || now - p.at > PENDING_MS) this.pending.delete(k);
      else (out as Record<PanelSettingKey, unknown>)[k] = p.value;
    }
    return out;
  }

  // ------------------------------------------------------------ options

  setOptions(change: Partial<PanelSettings>): void {
    const clean: Partial<PanelSettings> = {};
    for (const k of Object.keys(change) as PanelSettingKey[]) {
      const v = validSetting(k, change[k]);
      if (v === undefined || v === this.settings[k]) continue;
      (clean as Record<PanelSettingKey, unknown>)[k] = v;
      this.pending.set(k, { value: v, at: Date.now() });
    }
    if (Object.keys(clean).length === 0) return;
    this.settings = { ...this.settings, ...clean };
    if (clean.sortBy !== undefined) this.ui.local = null;
    this.api.postMessage({ type: 'setOptions', options: clean });
    this.syncControls();
    this.render();
    this.save();
  }

  sortByColumn(col: SortableColumn): void {
    const cur = computeSort(this.settings, this.ui.local);
    const r = clickSort(cur, col);
    if (r.sortBy) {
      this.ui.local = null;
      if (r.sortBy !== this.settings.sortBy) this.setOptions({ sortBy: r.sortBy });
      else this.render();
    } else {
      this.ui.local = r.local;
      this.render();
    }
    this.save();
  }

  setKillMode(on: boolean): void {
    this.killMode = on;
    this.syncControls();
    this.render();
  }

  setSearch(text: string): void {
    this.ui.search = text;
    if (this.shell.search.value !== text) this.shell.search.value = text;
    this.render();
    this.save();
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

  // ------------------------------------------------------------ keys

  /** A keydown anywhere in the webview. */
  onKeydown(e: KeyboardEvent): void {
    const target = e.target as Element | null;
    if (target === this.shell.search) return; // its own handler: Esc and Enter
    const tag = target?.tagName?.toLowerCase() ?? '';
    const inControl = target !== null && target !== this.shell.table && this.shell.toolbar.contains(target);
    if (inControl) {
      // Let controls have their own keys; only Esc, and option keys on buttons/checkboxes, pass.
      if (e.key === 'Escape') {
        this.run({ kind: 'escape' }, e);
        return;
      }
      if (tag === 'vscode-single-select' || tag === 'input' || tag === 'textarea' || tag === 'vscode-textfield') return;
      if (e.key === 'Enter' || e.key === ' ' || e.key.startsWith('Arrow')) return;
    }
    if ((tag === 'button' || tag === 'vscode-button') && (e.key === 'Enter' || e.key === ' ')) return;
    const a = keyAction(e);
    if (a) this.run(a, e);
  }

  private onSearchKeydown(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.setSearch('');
      this.focusTable();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      this.setSearch(this.shell.search.value);
      this.focusTable();
    }
  }

  /** Carry out a key action (handled keys do not reach VS Code's own keybindings). */
  run(a: KeyAction, e?: Event): void {
    e?.preventDefault();
    e?.stopPropagation();
    switch (a.kind) {
      case 'option':
        this.setOptions(optionChange(a.option, this.settings));
        return;
      case 'killMode':
        this.setKillMode(!this.killMode);
        return;
      case 'search':
        this.shell.search.focus();
        this.shell.search.select?.();
        return;
      case 'help':
        this.setHelp(this.shell.help.hidden);
        return;
      case 'escape':
        if (!this.shell.help.hidden) this.setHelp(false);
        else if (this.killMode) this.setKillMode(false);
        else if (this.ui.search) this.setSearch('');
        return;
      case 'enter':
        if (!this.ui.selected) return;
        if (this.killMode) this.killRef(this.ui.selected);
        else if (this.ui.selected.pid === null) this.toggleExpand(this.ui.selected.key);
        return;
      case 'toggleExpand':
        if (this.ui.selected) this.toggleExpand(this.ui.selected.key);
        return;
      case 'expand':
        if (this.ui.selected && this.ui.selected.pid === null && !this.expanded.has(this.ui.selected.key)) this.toggleExpand(this.ui.selected.key);
        return;
      case 'collapse': {
        const sel = this.ui.selected;
        if (!sel) return;
        if (sel.pid !== null) this.select({ key: sel.key, pid: null }, true);
        else if (this.expanded.has(sel.key)) this.toggleExpand(sel.key);
        return;
      }
      case 'nav':
        this.navigate(a);
        return;
    }
  }

  private navigate(a: Extract<KeyAction, { kind: 'nav' }>): void {
    const view = this.currentView();
    if (!view) return;
    const list = navList(view.rows, this.expanded);
    const cur = list.findIndex((r) => sameRef(r, this.ui.selected));
    const page = Math.max(1, this.metrics.pageRows());
    const step = a.unit === 'half' ? Math.max(1, Math.floor(page / 2)) : a.unit === 'page' ? page : 1;
    const move = a.move.kind === 'down' || a.move.kind === 'up' ? { ...a.move, n: a.unit === 'row' ? a.move.n : step } : a.move;
    const i = moveIndex(cur, list.length, move, this.metrics.firstVisibleRow(), page);
    if (i >= 0) this.select(list[i], true);
  }

  select(ref: RowRef, reveal: boolean): void {
    this.ui.selected = ref;
    this.render();
    this.save();
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
    if (this.expanded.has(key)) {
      this.expanded.delete(key);
      if (this.ui.selected?.key === key && this.ui.selected.pid !== null) this.ui.selected = { key, pid: null };
    } else this.expanded.add(key);
    this.ui.expanded = [...this.expanded];
    this.render();
    this.save();
  }

  // ------------------------------------------------------------ kill

  /** The processes a row stands for (none for the total, the overflow or a vanished group). */
  targetsOf(ref: RowRef): KillTarget[] {
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
    const chartFirst = this.chart.visible !== this.wantsChart();
    if (chartFirst) this.syncChart();
    const view = this.currentView();
    // Layout reads before any write of this render (no forced layout in between).
    const viewport = this.viewport();
    const rowHeight = this.metrics.rowHeight();

    // Leader.
    const lines = report && view ? leaderLines({ ...report.leader, pidsShown: view.pidsShown, search: this.ui.search }, this.settings.showCpu) : ['Waiting for the first sample\u2026'];
    if (report && view) lines[0] += leakCountText(this.leaks.size);
    syncLines(this.doc, s.leader, lines);

    // Banner.
    const inaccessible = report?.leader.inaccessible ?? 0;
    s.banner.hidden = inaccessible === 0;
    if (inaccessible > 0) {
      const elevated = this.helper.mode !== null && this.helper.mode !== 'user';
      const text = elevated
        ? `${processes(inaccessible)} not accessible even as root (a container or sandbox limits /proc); left out.`
        : `${processes(inaccessible)} of other users left out (never shown as 0). Run as root to see them.`;
      setText(s.bannerText, text);
      s.runAsRoot.hidden = !this.helper.canElevate && this.helper.status !== 'elevating';
      if (this.helper.status === 'elevating') s.runAsRoot.setAttribute('disabled', '');
      else s.runAsRoot.removeAttribute('disabled');
    }

    // Status line.
    setText(s.status, [helperText(this.helper, this.settings), this.statusNote].filter(Boolean).join(' \u00b7 '));

    // Table.
    const sort = computeSort(this.settings, this.ui.local);
    if (report && view) {
      if (this.ui.selected && !navList(view.rows, this.expanded).some((r) => sameRef(r, this.ui.selected))) {
        // The selected process or group is not shown now: keep the group if it is.
        const key = this.ui.selected.key;
        if (this.ui.selected.pid !== null && view.rows.some((r) => r.key === key)) this.ui.selected = { key, pid: null };
      }
      this.table.render({
        cols: columnsFor(report.detail, this.settings.showCpu, this.settings.lineNumbers, true),
        sort: view.sort,
        settings: this.settings,
        total: report.total,
        rows: view.rows,
        overflow: view.overflow,
        expanded: this.expanded,
        selected: this.ui.selected,
        leaks: this.leaks,
        viewport,
        rowHeight,
      });
      if (!(rowHeight > 0) && this.table.virtual) this.updateWindow(); // first rows: measure them, size the spacers
      const tr = this.ui.selected ? this.table.rowElement(this.ui.selected) : null;
      if (tr) s.table.setAttribute('aria-activedescendant', tr.id);
      else s.table.removeAttribute('aria-activedescendant');
      if (!this.scrollRestored) {
        this.scrollRestored = true;
        if (this.ui.scrollTop > 0) s.scroll.scrollTop = this.ui.scrollTop;
      }
    } else {
      this.table.render({
        cols: columnsFor(this.settings.detail, this.settings.showCpu, this.settings.lineNumbers, true),
        sort,
        settings: this.settings,
        total: null,
        rows: [],
        overflow: null,
        expanded: this.expanded,
        selected: null,
        leaks: this.leaks,
        viewport,
        rowHeight,
      });
    }
    if (!chartFirst) this.syncChart();
    this.queuePaint();
  }

  private syncControls(): void {
    const s = this.shell;
    for (const key of Object.keys(s.selects) as SelectOption[]) {
      const v = String(this.settings[CONTROL_SETTING[key]]);
      if (s.selects[key].value !== v) s.selects[key].value = v;
    }
    for (const key of Object.keys(s.checks) as CheckOption[]) {
      const raw = this.settings[CONTROL_SETTING[key]] === true;
      const v = key === 'detail' ? !raw : raw; // shown as "less detail"
      if (s.checks[key].checked !== v) s.checks[key].checked = v;
    }
    if (s.killToggle.checked !== this.killMode) s.killToggle.checked = this.killMode;
  }

  private save(): void {
    this.api.setState({ ...this.ui, expanded: [...this.expanded] });
  }

  // ------------------------------------------------------------ wiring

  private wire(): void {
    const s = this.shell;
    const onKey = (e: KeyboardEvent) => this.onKeydown(e);
    this.doc.addEventListener('keydown', onKey);
    this.cleanup.push(() => this.doc.removeEventListener('keydown', onKey));
    s.search.addEventListener('keydown', (e) => this.onSearchKeydown(e));
    s.search.addEventListener('input', () => this.setSearch(s.search.value));
    for (const key of Object.keys(s.selects) as SelectOption[]) {
      s.selects[key].addEventListener('change', () => {
        const setting = CONTROL_SETTING[key];
        const raw = s.selects[key].value;
        const v = validSetting(setting, setting === 'cpuAvgSecs' ? Number(raw) : raw);
        if (v !== undefined) this.setOptions({ [setting]: v });
      });
    }
    for (const key of Object.keys(s.checks) as CheckOption[]) {
      s.checks[key].addEventListener('change', () => {
        const checked = s.checks[key].checked;
        this.setOptions({ [CONTROL_SETTING[key]]: key === 'detail' ? !checked : checked });
      });
    }
    s.killToggle.addEventListener('change', () => this.setKillMode(s.killToggle.checked));
    s.helpButton.addEventListener('click', () => this.setHelp(s.help.hidden));
    s.helpClose.addEventListener('click', () => this.setHelp(false));
    s.refreshButton.addEventListener('click', () => this.api.postMessage({ type: 'refresh' }));
    s.exportButton.addEventListener('click', () => this.api.postMessage({ type: 'exportSnapshot' }));
    s.compareButton.addEventListener('click', () => this.api.postMessage({ type: 'compareSnapshot' }));
    s.chart.exportButton.addEventListener('click', () => {
      if (this.series) this.api.postMessage({ type: 'exportGroupHistory', key: this.series.key });
    });
    s.chart.closeButton.addEventListener('click', () => {
      this.ui.selected = null;
      this.render();
      this.save();
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
        this.measuredRowHeight = 0; // (a zoom changes it)
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

  private domMetrics(): Metrics {
    const s = this.shell;
    /** Measured once (a layout read) and kept until a theme or size change: every body row has this height. */
    const rowHeight = (): number => {
      if (this.measuredRowHeight > 0) return this.measuredRowHeight;
      const tr = s.tbody.querySelector('tr.pm-row, tr.pm-member, tr.pm-overflow');
      const h = tr ? tr.getBoundingClientRect().height : 0;
      if (h > 0) {
        this.measuredRowHeight = h;
        // A row scrolled into view (keys) stops below the sticky header, not under it.
        const pad = `${s.thead.getBoundingClientRect().height}px`;
        if (s.scroll.style.scrollPaddingTop !== pad) s.scroll.style.scrollPaddingTop = pad;
      }
      return h > 0 ? h : 0;
    };
    return {
      pageRows: () => {
        const rh = rowHeight();
        const h = s.scroll.clientHeight - s.thead.getBoundingClientRect().height;
        return rh > 0 && h > 0 ? Math.max(1, Math.floor(h / rh)) : 20;
      },
      firstVisibleRow: () => visibleRows(s.scroll.scrollTop, 0, rowHeight()).first,
      rowHeight,
    };
  }
}

function computeSort(settings: PanelSettings, local: ColumnSort | null): ColumnSort {
  return effectiveSort(settings.sortBy, local);
}

function setText(node: Node, s: string): void {
  if (node.textContent !== s) node.textContent = s;
}

/** One div per line, reusing the existing ones. */
function syncLines(doc: Document, parent: HTMLElement, lines: readonly string[]): void {
  while (parent.children.length > lines.length) parent.lastElementChild?.remove();
  lines.forEach((line, i) => {
    let div = parent.children[i] as HTMLElement | undefined;
    if (!div) {
      div = doc.createElement('div');
      parent.append(div);
    }
    setText(div, line);
  });
}

const MODE_TEXT: Record<string, string> = {
  root: 'as root',
  'sudo-n': 'as root (sudo)',
  'sudo-prompt': 'as root (sudo, graphical prompt)',
  'sudo-S': 'as root (sudo password)',
  user: 'as your user (only your own processes are readable)',
};

export function helperText(h: HelperState, s: PanelSettings): string {
  switch (h.status) {
    case 'starting':
      return 'Starting the sampler\u2026';
    case 'elevating':
      return 'Restarting the sampler as root\u2026';
    case 'running':
      return `Sampling every ${s.loopSeconds} s${h.mode ? ` ${MODE_TEXT[h.mode]}` : ''}${h.message && h.mode !== 'user' ? ` (${h.message})` : ''}`;
    case 'stopped':
      return `Paused${h.message ? `: ${h.message}` : ''}`;
    case 'error':
      return `Sampler error: ${h.message}`;
  }
}
