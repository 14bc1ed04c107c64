// The panel's host side, as wiring: the panel (PanelSlot) and its messages, the sampling
// loop (SampleLoop, paused while the panel is hidden), the helper behind it
// (HelperSession), the settings both ways, and what each sample feeds: the history, the
// status bar, a waiting comparison. Kill, export and compare are their own modules.
import * as vscode from 'vscode';
import { leakLine } from '../core/leaks';
import { OomWatch, oomKillText } from '../core/cgroupMemory';
import type { Report } from '../core/types';
import type { KillResult, KillTarget } from '../shared/kill';
import type { MapsResult } from '../shared/mapsSchema';
import { parseWebviewMessage, type HelperState, type HostMessage, type PanelSettings } from '../shared/webviewProtocol';
import { SnapshotComparison } from './compareCommand';
import { exportGroupHistoryCommand, exportSnapshotCommand, type ExportContext } from './exportCommands';
import { HelperSession, type LaunchFn } from './helperSession';
import { HistoryFeed, leakInfo, type LeakSummary } from './historyFeed';
import { killWithDialogs } from './killDialogs';
import type { PrivilegeMode } from '../shared/webviewProtocol';
import { errorText, type Log } from './log';
import type { PanelLike } from './panel';
import { PanelSlot } from './panelSlot';
import { SampleLoop } from './sampleLoop';
import { helperConfigOf, type LeakSettings, type SettingsChange, type WalkSettings } from './settings';
import type { TopGroups } from './statusBar';

/** What the controller needs of the settings (SettingsStore). */
export interface SettingsSource {
  readonly panel: PanelSettings;
  readonly runAsUser: boolean;
  readonly leak: LeakSettings;
  readonly walk?: WalkSettings;
  update(change: Partial<PanelSettings>): Promise<void>;
  onDidChange(listener: (c: SettingsChange) => void): vscode.Disposable;
}

export interface ControllerDeps {
  extensionUri: vscode.Uri;
  launch: LaunchFn;
  settings: SettingsSource;
  log: Log;
  version: string;
  /** Called with the latest groups for the status-bar tooltip (null when the panel closes). */
  onTopGroups?: (top: TopGroups | null) => void;
  /** Called with the leak suspects after each sample (null when the panel closes). */
  onLeaks?: (leaks: LeakSummary[] | null) => void;
  /** Default: a new vscode.WebviewPanel. */
  createPanel?: () => PanelLike;
}

export class PanelController implements vscode.Disposable {
  private readonly panel: PanelSlot;
  private readonly subs: vscode.Disposable[] = [];
  private report: Report | null = null;
  /** The grouping of this.report. */
  private settings: PanelSettings;
  private disposed = false;
  /** The memory history behind the sparklines, the chart and the leak suspicion. */
  private readonly feed: HistoryFeed;
  /** OOM kills in the groups' cgroups, to log each once. */
  private readonly ooms = new OomWatch();
  private readonly session: HelperSession;
  private readonly comparison: SnapshotComparison;
  private readonly loop: SampleLoop;

  constructor(private readonly deps: ControllerDeps) {
    this.settings = deps.settings.panel;
    this.feed = new HistoryFeed(this.settings.loopSeconds, deps.settings.leak);
    this.panel = new PanelSlot(
      deps.extensionUri,
      {
        attached: (visible) => {
          this.settings = deps.settings.panel;
          if (visible) this.loop.schedule(0);
        },
        shown: () => this.loop.schedule(0),
        hidden: () => {
          this.loop.stop();
          deps.log.debug('panel hidden: sampling paused');
        },
        closed: () => this.onPanelClosed(),
        message: (m) => void this.onMessage(m),
      },
      deps.createPanel,
    );
    this.session = new HelperSession({
      launch: deps.launch,
      log: deps.log,
      runAsUser: () => deps.settings.runAsUser,
      helperConfig: () => helperConfigOf(this.settings, this.deps.settings.walk),
      wanted: () => !this.disposed && this.panel.open,
      changed: () => this.postHelper(),
      schedule: (ms) => this.loop.schedule(ms),
      retry: () => void this.refresh(),
    });
    this.comparison = new SnapshotComparison({
      log: deps.log,
      latest: () => this.report,
      settings: () => this.settings,
      mode: () => this.session.mode,
      hasPanel: () => this.panel.open,
      open: () => this.open(),
      regroup: (groupBy) => deps.settings.update({ groupBy }),
    });
    this.loop = new SampleLoop({
      session: this.session,
      log: deps.log,
      active: () => !this.disposed && this.panel.visible,
      intervalMs: () => this.settings.loopSeconds * 1000,
      sampled: (report) => this.accept(report),
    });
    this.subs.push(
      deps.settings.onDidChange((c) => void this.onSettingsChanged(c)),
      this.comparison,
    );
  }

  // ------------------------------------------------------------ public surface

  get hasPanel(): boolean {
    return this.panel.open;
  }

  get lastReport(): Report | null {
    return this.report;
  }

  get privilege(): PrivilegeMode | null {
    return this.session.mode;
  }

  /** The memory history (tests). */
  get history(): HistoryFeed {
    return this.feed;
  }

  /** Take one sample now and send it to the panel (also what the loop's timer does). */
  tick(): Promise<void> {
    return this.loop.tick();
  }

  /** pmemstat: Open (and the status-bar click). */
  open(): void {
    if (!this.disposed) this.panel.show();
  }

  /** The serializer hands back a panel after a window reload. */
  restore(panel: PanelLike): void {
    if (!this.disposed) this.panel.restore(panel);
  }

  /** pmemstat: Refresh: sample now (and retry a helper that gave up). */
  async refresh(): Promise<void> {
    if (!this.panel.open) {
      this.open();
      return;
    }
    this.session.resetFailures();
    await this.tick();
  }

  private helperState(): HelperState {
    return this.session.state(this.panel.open && !this.panel.visible);
  }

  /** pmemstat: Run as Root… (and the banner's button). Never loops: one attempt per request. */
  async runAsRoot(): Promise<void> {
    if (!this.panel.open) this.open();
    await this.session.elevate();
  }

  /** pmemstat: Run as User: restart the helper without privilege for this session. */
  async runAsUser(): Promise<void> {
    if (!this.panel.open) this.open();
    if (await this.session.dropPrivilege()) await this.tick();
  }

  /** Kill processes the webview named (confirmed in a modal dialog first). */
  kill(targets: readonly KillTarget[]): Promise<KillResult[]> {
    return killWithDialogs(targets, {
      session: this.session,
      report: this.report,
      log: this.deps.log,
      post: (m) => this.post(m),
      resample: () => void this.tick(),
      runAsRoot: () => void this.runAsRoot(),
    });
  }

  /** pmemstat: Export Snapshot… */
  exportSnapshot(): Promise<void> {
    return exportSnapshotCommand(this.exportContext());
  }

  /** pmemstat: Export Group History… */
  exportGroupHistory(key?: string): Promise<void> {
    return exportGroupHistoryCommand(key, this.exportContext());
  }

  /** pmemstat: Compare with Snapshot… (a picked file, or `uri`). */
  compareSnapshot(uri?: vscode.Uri): Promise<void> {
    return this.comparison.run(uri);
  }

  dispose(): void {
    this.disposed = true;
    this.loop.stop();
    for (const d of this.subs) d.dispose();
    this.panel.close();
    this.session.dispose();
  }

  // ------------------------------------------------------------ panel lifetime

  private onPanelClosed(): void {
    this.loop.stop();
    this.session.stop();
    this.report = null;
    this.comparison.cancel();
    this.feed.clear();
    this.deps.onTopGroups?.(null);
    this.deps.onLeaks?.(null);
  }

  private post(m: HostMessage): void {
    this.panel.post(m);
  }

  private postHelper(): void {
    this.post({ type: 'helper', helper: this.helperState() });
  }

  private exportContext(): ExportContext {
    return {
      report: this.report,
      feed: this.feed,
      settings: this.settings,
      mode: this.session.mode,
      version: this.deps.version,
      log: this.deps.log,
      open: () => this.open(),
    };
  }

  // ------------------------------------------------------------ messages from the webview

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseWebviewMessage(raw);
    if (!m) {
      this.deps.log.warn('ignored a malformed message from the panel');
      return;
    }
    switch (m.type) {
      case 'ready':
        this.post({
          type: 'init',
          settings: this.settings,
          helper: this.helperState(),
          report: this.report,
          history: this.report ? this.feed.stamp() : null,
          leaks: this.report ? this.feed.leakInfos() : [],
        });
        this.postSparks();
        if (!this.report && !this.loop.busy) this.loop.schedule(0);
        return;
      case 'getSparks':
        this.postSparks();
        return;
      case 'getGroupHistory': {
        const history = this.feed.stamp();
        if (history) this.post({ type: 'groupHistory', key: m.key, history, capacity: this.feed.capacity, group: this.feed.group(m.key) });
        return;
      }
      case 'exportGroupHistory':
        return this.exportGroupHistory(m.key);
      case 'compareSnapshot':
        return this.compareSnapshot();
      case 'setOptions':
        try {
          await this.deps.settings.update(m.options);
        } catch (e) {
          this.deps.log.warn(`cannot save the option: ${errorText(e)}`);
          void vscode.window.showWarningMessage(`pmemstat: cannot save the option (${errorText(e)}).`);
          this.post({ type: 'settings', settings: this.deps.settings.panel });
        }
        return;
      case 'kill':
        await this.kill(m.targets);
        return;
      case 'getMaps':
        return this.postMaps(m.pid, m.starttime);
      case 'runAsRoot':
        return this.runAsRoot();
      case 'refresh':
        return this.refresh();
      case 'exportSnapshot':
        return this.exportSnapshot();
      case 'showLog':
        this.deps.log.show(true);
        return;
    }
  }

  /** The drill-down: the helper reads the mappings (it may read what the host may not) and checks the pid's start time. */
  private async postMaps(pid: number, starttime: number): Promise<void> {
    const client = this.session.client;
    let result: MapsResult;
    if (!client) result = { ok: false, outcome: 'failed', message: 'the sampler is not running' };
    else {
      try {
        result = await client.maps(pid, starttime);
      } catch (e) {
        this.deps.log.warn(`maps of ${pid} failed: ${errorText(e)}`);
        result = { ok: false, outcome: 'failed', message: errorText(e) };
      }
    }
    this.post({ type: 'maps', pid, starttime, result });
  }

  // ------------------------------------------------------------ settings

  private async onSettingsChanged(c: SettingsChange): Promise<void> {
    if (c.runAsUser) this.session.restart();
    if (c.leak) this.configureFeed();
    if (!c.panel) return;
    const prev = this.settings;
    this.settings = this.deps.settings.panel;
    this.post({ type: 'settings', settings: this.settings });
    if (prev.loopSeconds !== this.settings.loopSeconds) this.configureFeed();
    const reconfigured = await this.session.configure();
    if (reconfigured || prev.loopSeconds !== this.settings.loopSeconds) this.loop.schedule(0);
  }

  /** The loop interval or the leak window changed: resize the history, re-judge, tell the status bar. */
  private configureFeed(): void {
    this.feed.configure(this.settings.loopSeconds, this.deps.settings.leak);
    if (this.report) this.deps.onLeaks?.(this.feed.leaks());
  }

  private postSparks(): void {
    const history = this.feed.stamp();
    if (history) this.post({ type: 'sparks', history, series: this.feed.sparks() });
  }

  // ------------------------------------------------------------ samples

  /** A new sample: into the history, to the panel, the status bar, and a waiting comparison. */
  private accept(report: Report): void {
    this.report = report;
    const { stamp, flagged } = this.feed.add(report);
    const leaks = this.feed.leaks();
    this.post({ type: 'report', report, history: stamp, leaks: leaks.map(leakInfo) });
    for (const f of flagged) this.deps.log.info(leakLine(f.info, f.ptotal, f.verdict, 'KB'));
    for (const n of this.ooms.update(report.rows)) this.deps.log.warn(oomKillText(n));
    this.deps.onTopGroups?.({ time: report.leader.time, rows: report.rows, leader: report.leader });
    this.deps.onLeaks?.(leaks);
    this.comparison.sampled(report);
  }
}
