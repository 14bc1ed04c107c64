// The panel's host side: one panel at a time, the sampler helper behind it, the
// sampling loop (paused while the panel is hidden), options both ways, the kill flow
// and the "Run as Root…" elevation. The helper is started through an injected launch
// function, so tests can put a fake process boundary there.
import * as vscode from 'vscode';
import { formatKb, withCommas } from '../core/units';
import type { GroupBy, Report } from '../core/types';
import type { Snapshot } from '../shared/snapshot';
import {
  parseWebviewMessage,
  type HelperState,
  type HostMessage,
  type KillResultView,
  type KillTargetRef,
  type PanelSettings,
  type PrivilegeMode,
} from '../shared/webviewProtocol';
import { CompareDocuments, COMPARE_SCHEME, compareDocument, loadSnapshot } from './compareView';
import { exportGroupHistory, exportSnapshot } from './exportSnapshot';
import { HistoryFeed, leakInfo, type LeakFlag, type LeakSummary } from './historyFeed';
import type { HelperClient } from './helperClient';
import { confirmText, killSummary, planKill } from './killFlow';
import type { LaunchMode, LauncherUi } from './launcher';
import { errorText, type Log } from './log';
import { createPanel, preparePanel, type PanelLike } from './panel';
import { helperConfigOf, type LeakSettings, type SettingsChange, type WalkSettings } from './settings';
import type { TopGroups } from './statusBar';

/** The part of HelperClient the controller uses. */
export type HelperLike = Pick<HelperClient, 'hello' | 'configure' | 'sample' | 'kill' | 'onExit' | 'dispose'>;

export interface LaunchRequest {
  elevate: boolean;
  runAsUser: boolean;
  ui: LauncherUi;
}

export interface LaunchedLike {
  client: HelperLike;
  mode: LaunchMode;
  reason?: string;
}

export type LaunchFn = (r: LaunchRequest) => Promise<LaunchedLike>;

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

/** Consecutive failed starts (or crashes) before the controller stops retrying by itself. */
export const MAX_FAILURES = 3;
/** Wait before restarting a helper that died or did not start. */
export const RESTART_DELAY_MS = 1000;

const modeOf = (m: LaunchMode): PrivilegeMode => m;

export class PanelController implements vscode.Disposable {
  private panel: PanelLike | null = null;
  private panelSubs: vscode.Disposable[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private client: HelperLike | null = null;
  private mode: LaunchMode | null = null;
  private modeReason = '';
  private launching: Promise<HelperLike | null> | null = null;
  private elevating = false;
  private forceUser = false;
  private failures = 0;
  private lastError = '';
  private report: Report | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | null = null;
  private settings: PanelSettings;
  private helperConfigKey = '';
  private disposed = false;
  private wasVisible = false;
  private readonly launcherUi: LauncherUi;
  /** The memory history behind the sparklines, the chart and the leak suspicion. */
  private readonly feed: HistoryFeed;
  /** The grouping the helper was last told (reports sampled after that use it). */
  private helperGroupBy: GroupBy | null = null;
  /** The grouping of this.report. */
  private reportGroupBy: GroupBy | null = null;
  /** A comparison waiting for a sample in the snapshot's grouping. */
  private pendingCompare: { snapshot: Snapshot; name: string } | null = null;
  private readonly compareDocs = new CompareDocuments();

  constructor(private readonly deps: ControllerDeps) {
    this.settings = deps.settings.panel;
    this.feed = new HistoryFeed(this.settings.loopSeconds, deps.settings.leak);
    this.subs.push(
      deps.settings.onDidChange((c) => void this.onSettingsChanged(c)),
      this.compareDocs,
      vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, this.compareDocs),
    );
    this.launcherUi = {
      askPassword: async (prompt, attempt) =>
        vscode.window.showInputBox({
          title: attempt > 1 ? `pmemstat: Run as Root (try ${attempt})` : 'pmemstat: Run as Root',
          prompt,
          password: true,
          ignoreFocusOut: true,
          placeHolder: 'sudo password',
        }),
      log: (m) => deps.log.info(m),
    };
  }

  // ------------------------------------------------------------ public surface

  get hasPanel(): boolean {
    return this.panel !== null;
  }

  get lastReport(): Report | null {
    return this.report;
  }

  get privilege(): LaunchMode | null {
    return this.mode;
  }

  /** The memory history (tests, and the commands that export it). */
  get history(): HistoryFeed {
    return this.feed;
  }

  /** pmemstat: Open (and the status-bar click). */
  open(): void {
    if (this.disposed) return;
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return;
    }
    const panel = this.deps.createPanel ? this.deps.createPanel() : createPanel(this.deps.extensionUri);
    if (this.deps.createPanel) preparePanel(panel, this.deps.extensionUri);
    this.attach(panel);
  }

  /** The serializer hands back a panel after a window reload. */
  restore(panel: PanelLike): void {
    if (this.disposed) return;
    if (this.panel) {
      panel.dispose();
      this.panel.reveal(undefined, false);
      return;
    }
    preparePanel(panel, this.deps.extensionUri);
    this.attach(panel);
  }

  /** pmemstat: Refresh: sample now (and retry a helper that gave up). */
  async refresh(): Promise<void> {
    if (!this.panel) {
      this.open();
      return;
    }
    this.failures = 0;
    await this.tick();
  }

  /** The state the webview shows about the helper. */
  helperState(): HelperState {
    const status: HelperState['status'] = this.elevating
      ? 'elevating'
      : this.client
        ? 'running'
        : this.failures >= MAX_FAILURES
          ? 'error'
          : this.launching
            ? 'starting'
            : this.failures > 0
              ? 'error'
              : this.panel && !this.panel.visible
                ? 'stopped'
                : 'starting';
    const message = !this.client && this.failures > 0 ? this.lastError : this.mode === 'user' ? this.modeReason : '';
    return {
      status,
      mode: this.client && this.mode ? modeOf(this.mode) : null,
      message,
      // A host that runs as root gets a root helper (mode 'root'), so 'user' means elevation can help.
      canElevate: !this.elevating && (this.mode === 'user' || this.mode === null),
    };
  }

  // ------------------------------------------------------------ panel lifetime

  private attach(panel: PanelLike): void {
    this.panel = panel;
    this.panelSubs = [
      panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => this.onViewState()),
      panel.onDidDispose(() => this.onPanelDisposed()),
    ];
    this.settings = this.deps.settings.panel;
    this.wasVisible = panel.visible;
    if (panel.visible) this.schedule(0);
  }

  private onViewState(): void {
    if (!this.panel) return;
    const was = this.wasVisible;
    this.wasVisible = this.panel.visible;
    if (this.panel.visible) {
      if (!was) this.schedule(0);
    } else if (was) {
      // Hidden: the webview's document is gone (no retainContextWhenHidden); stop sampling.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.deps.log.debug('panel hidden: sampling paused');
    }
  }

  private onPanelDisposed(): void {
    for (const d of this.panelSubs) d.dispose();
    this.panelSubs = [];
    this.panel = null;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopHelper();
    this.report = null;
    this.reportGroupBy = null;
    this.pendingCompare = null;
    this.feed.clear();
    this.deps.onTopGroups?.(null);
    this.deps.onLeaks?.(null);
  }

  private stopHelper(): void {
    const c = this.client;
    this.client = null;
    this.mode = null;
    this.modeReason = '';
    this.helperConfigKey = '';
    this.helperGroupBy = null;
    c?.dispose();
  }

  private post(m: HostMessage): void {
    this.panel?.webview.postMessage(m).then(undefined, () => undefined);
  }

  private postHelper(): void {
    this.post({ type: 'helper', helper: this.helperState() });
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
        if (!this.report && !this.inFlight) this.schedule(0);
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
        await this.exportGroupHistory(m.key);
        return;
      case 'compareSnapshot':
        await this.compareSnapshot();
        return;
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
      case 'runAsRoot':
        await this.runAsRoot();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'exportSnapshot':
        await this.exportSnapshot();
        return;
      case 'showLog':
        this.deps.log.show(true);
        return;
    }
  }

  // ------------------------------------------------------------ settings

  private async onSettingsChanged(c: SettingsChange): Promise<void> {
    if (c.runAsUser && this.client) {
      this.deps.log.info('pmemstat.runAsUser changed: restarting the sampler helper');
      this.forceUser = false;
      this.stopHelper();
      this.postHelper();
      this.schedule(0);
    }
    if (c.leak) this.configureFeed();
    if (!c.panel) return;
    const prev = this.settings;
    this.settings = this.deps.settings.panel;
    this.post({ type: 'settings', settings: this.settings });
    if (prev.loopSeconds !== this.settings.loopSeconds) this.configureFeed();
    const reconfigured = await this.configureHelper();
    if (reconfigured || prev.loopSeconds !== this.settings.loopSeconds) this.schedule(0);
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

  /** Send the helper-relevant settings when they changed; true when sent. */
  private async configureHelper(): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    const cfg = helperConfigOf(this.settings, this.deps.settings.walk);
    const key = JSON.stringify(cfg);
    if (key === this.helperConfigKey) return false;
    this.helperConfigKey = key;
    this.helperGroupBy = cfg.groupBy; // requests sent from now on are grouped this way
    try {
      await client.configure(cfg);
      return true;
    } catch (e) {
      this.helperConfigKey = '';
      if (client === this.client) this.deps.log.warn(`cannot configure the sampler helper: ${errorText(e)}`);
      return false;
    }
  }

  // ------------------------------------------------------------ the helper

  private async ensureClient(): Promise<HelperLike | null> {
    if (this.client) return this.client;
    if (this.failures >= MAX_FAILURES) return null;
    this.launching ??= this.start().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  private async start(): Promise<HelperLike | null> {
    this.postHelperSoon();
    const runAsUser = this.forceUser || this.deps.settings.runAsUser;
    try {
      const launched = await this.deps.launch({ elevate: false, runAsUser, ui: this.launcherUi });
      if (this.disposed || !this.panel) {
        launched.client.dispose();
        return null;
      }
      await this.adopt(launched);
      return this.client;
    } catch (e) {
      this.failed(`cannot start the sampler helper: ${errorText(e)}`);
      return null;
    }
  }

  private postHelperSoon(): void {
    queueMicrotask(() => this.postHelper());
  }

  private failed(message: string): void {
    this.failures++;
    this.lastError = message;
    this.deps.log.error(message);
    this.postHelper();
    if (this.failures === MAX_FAILURES) {
      void vscode.window.showErrorMessage(`pmemstat: ${message}`, 'Retry', 'Show Log').then((choice) => {
        if (choice === 'Retry') void this.refresh();
        else if (choice === 'Show Log') this.deps.log.show();
      });
    }
  }

  private async adopt(l: LaunchedLike): Promise<void> {
    const old = this.client;
    this.client = l.client;
    this.mode = l.mode;
    this.modeReason = l.reason ?? '';
    this.helperConfigKey = '';
    this.failures = 0;
    this.lastError = '';
    if (old && old !== l.client) old.dispose();
    const client = l.client;
    client.onExit((reason) => this.onHelperExit(client, reason));
    let who = '';
    try {
      who = ` (pid ${client.hello.pid}, uid ${client.hello.uid}, helper ${client.hello.version})`;
    } catch {
      // no hello details: nothing to add
    }
    this.deps.log.info(`sampler helper running as ${l.mode}${who}${l.reason ? `: ${l.reason}` : ''}`);
    await this.configureHelper();
    this.postHelper();
  }

  private onHelperExit(client: HelperLike, reason: string): void {
    if (client !== this.client) return;
    this.client = null;
    this.mode = null;
    this.helperConfigKey = '';
    this.failed(`the sampler helper stopped: ${reason}`);
    if (this.failures < MAX_FAILURES) this.schedule(RESTART_DELAY_MS);
  }

  // ------------------------------------------------------------ the loop

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed || !this.panel || !this.panel.visible) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  /** Take one sample now and send it to the panel (also what the timer does). */
  tick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.sampleOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async sampleOnce(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.panel || !this.panel.visible || this.disposed) return;
    const started = Date.now();
    const client = await this.ensureClient();
    if (client && this.panel?.visible) {
      try {
        const groupBy = this.helperGroupBy ?? this.settings.groupBy;
        const report = await client.sample();
        if (client === this.client) this.accept(report, groupBy);
      } catch (e) {
        if (client === this.client) this.deps.log.warn(`sample failed: ${errorText(e)}`);
      }
    }
    if (this.client) this.schedule(Math.max(0, this.settings.loopSeconds * 1000 - (Date.now() - started)));
    else if (this.failures < MAX_FAILURES) this.schedule(RESTART_DELAY_MS);
  }

  /** A new sample: into the history, to the panel, the status bar, and a waiting comparison. */
  private accept(report: Report, groupBy: GroupBy): void {
    this.report = report;
    this.reportGroupBy = groupBy;
    const { stamp, flagged } = this.feed.add(report, groupBy);
    const leaks = this.feed.leaks();
    this.post({ type: 'report', report, history: stamp, leaks: leaks.map(leakInfo) });
    for (const f of flagged) this.deps.log.info(leakLogLine(f));
    this.deps.onTopGroups?.({ time: report.leader.time, rows: report.rows });
    this.deps.onLeaks?.(leaks);
    const pending = this.pendingCompare;
    if (pending && pending.snapshot.settings.groupBy === groupBy) {
      this.pendingCompare = null;
      void this.showCompare(pending.snapshot, pending.name, report);
    }
  }

  // ------------------------------------------------------------ privilege

  /** pmemstat: Run as Root… (and the banner's button). Never loops: one attempt per request. */
  async runAsRoot(): Promise<void> {
    if (this.elevating) return;
    if (!this.panel) this.open();
    if (this.mode && this.mode !== 'user' && this.client) {
      void vscode.window.showInformationMessage('pmemstat already runs as root.');
      return;
    }
    this.elevating = true;
    this.postHelper();
    try {
      if (this.launching) await this.launching;
      const launched = await this.deps.launch({ elevate: true, runAsUser: false, ui: this.launcherUi });
      if (this.disposed || !this.panel) {
        launched.client.dispose();
        return;
      }
      if (launched.mode === 'user') {
        // Declined, cancelled or failed: stay as the user (keep the running helper), say so once.
        if (this.client) launched.client.dispose();
        else await this.adopt(launched);
        this.modeReason = launched.reason ?? this.modeReason;
        this.deps.log.info(`staying in user mode: ${launched.reason ?? 'not elevated'}`);
        void vscode.window.showInformationMessage(
          `pmemstat keeps running as your user${launched.reason ? ` \u2014 ${launched.reason}` : ''}.`,
        );
      } else {
        this.forceUser = false;
        await this.adopt(launched);
      }
    } catch (e) {
      this.deps.log.error(`Run as Root failed: ${errorText(e)}`);
      void vscode.window.showWarningMessage(`pmemstat could not run as root (${errorText(e)}); it keeps running as your user.`);
    } finally {
      this.elevating = false;
      this.postHelper();
      this.schedule(0);
    }
  }

  /** pmemstat: Run as User: restart the helper without privilege for this session. */
  async runAsUser(): Promise<void> {
    if (!this.panel) this.open();
    if (this.mode === 'user' && this.client) return;
    this.forceUser = true;
    if (this.launching) await this.launching;
    this.stopHelper();
    this.failures = 0;
    this.postHelper();
    await this.tick();
  }

  // ------------------------------------------------------------ kill

  async kill(targets: readonly KillTargetRef[]): Promise<KillResultView[]> {
    const client = this.client;
    if (!client) {
      void vscode.window.showWarningMessage('pmemstat: the sampler is not running; nothing was killed.');
      return [];
    }
    let helperPid = -1;
    try {
      helperPid = client.hello.pid;
    } catch {
      // unknown: the helper refuses itself anyway
    }
    const plan = planKill(targets, this.report, [process.pid, process.ppid, helperPid]);
    if (plan.valid.length === 0) {
      const summary = killSummary(plan.refused);
      void vscode.window.showWarningMessage(summary.text);
      this.post({ type: 'killDone', results: plan.refused });
      return plan.refused;
    }
    const { message, detail } = confirmText(plan);
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Kill');
    if (choice !== 'Kill') {
      this.deps.log.info('kill cancelled');
      this.post({ type: 'killDone', results: [] });
      return [];
    }
    this.deps.log.info(`kill: ${plan.valid.map((c) => `${c.pid}@${c.starttime}`).join(' ')}`);
    let results: KillResultView[];
    try {
      const r = await client.kill(
        plan.valid.map((c) => ({ pid: c.pid, starttime: c.starttime })),
        { escalate: true },
      );
      results = r.map((x) => (x.message === undefined ? { pid: x.pid, outcome: x.outcome } : { pid: x.pid, outcome: x.outcome, message: x.message }));
    } catch (e) {
      this.deps.log.error(`kill failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`pmemstat: the kill request failed (${errorText(e)}).`);
      return [];
    }
    results = [...results, ...plan.refused];
    const summary = killSummary(results);
    this.deps.log.info(summary.text);
    if (summary.ok) void vscode.window.showInformationMessage(summary.text);
    else if (summary.needsRoot && this.mode === 'user')
      void vscode.window.showWarningMessage(summary.text, 'Run as Root\u2026').then((c) => {
        if (c) void this.runAsRoot();
      });
    else void vscode.window.showWarningMessage(summary.text);
    this.post({ type: 'killDone', results });
    void this.tick();
    return results;
  }

  // ------------------------------------------------------------ export

  /** pmemstat: Export Snapshot… */
  async exportSnapshot(): Promise<void> {
    const report = this.report;
    if (!report) {
      const c = await vscode.window.showInformationMessage('pmemstat: there is no sample to export yet; open the panel first.', 'Open');
      if (c === 'Open') this.open();
      return;
    }
    try {
      const uri = await exportSnapshot(report, { mode: this.mode, settings: this.settings, version: this.deps.version });
      if (uri) {
        this.deps.log.info(`snapshot exported to ${uri.fsPath}`);
        void vscode.window.showInformationMessage(`pmemstat: snapshot saved to ${uri.fsPath}`);
      }
    } catch (e) {
      this.deps.log.error(`export failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`pmemstat: cannot export the snapshot (${errorText(e)}).`);
    }
  }

  /** pmemstat: Export Group History… (a quick pick of the groups when no key is given). */
  async exportGroupHistory(key?: string): Promise<void> {
    const groups = this.feed.groups();
    if (groups.length === 0) {
      const c = await vscode.window.showInformationMessage('pmemstat: there is no history to export yet; open the panel and let it sample.', 'Open');
      if (c === 'Open') this.open();
      return;
    }
    let chosen = key;
    if (chosen === undefined) {
      const u = this.settings.units;
      const items = groups.map((g) => ({
        label: noIcons(g.info),
        description: `${formatKb(g.ptotal, u)} ${u}${g.suspect ? '  $(warning) leak?' : ''}`,
        detail: `${g.samples} samples`,
        key: g.key,
      }));
      const pick = await vscode.window.showQuickPick(items, {
        title: 'pmemstat: Export Group History',
        placeHolder: 'The group whose categories over time to save as CSV',
        matchOnDescription: true,
      });
      if (!pick) return;
      chosen = pick.key;
    }
    const g = this.feed.group(chosen);
    if (!g) {
      void vscode.window.showInformationMessage('pmemstat: no history is kept for that group (it vanished, or the grouping changed).');
      return;
    }
    try {
      const uri = await exportGroupHistory(g);
      if (uri) {
        this.deps.log.info(`group history (${g.times.length} samples) exported to ${uri.fsPath}`);
        void vscode.window.showInformationMessage(`pmemstat: group history saved to ${uri.fsPath}`);
      }
    } catch (e) {
      this.deps.log.error(`export failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`pmemstat: cannot export the group history (${errorText(e)}).`);
    }
  }

  /**
   * pmemstat: Compare with Snapshot… Pick a saved JSON snapshot (or take `uri`), validate
   * it, and show what changed per group between it and the current sample. A bad file gives
   * one clear error and changes nothing.
   */
  async compareSnapshot(uri?: vscode.Uri): Promise<void> {
    let target = uri;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({
        title: 'pmemstat: Compare with Snapshot',
        openLabel: 'Compare',
        canSelectMany: false,
        filters: { 'pmemstat snapshot': ['json'] },
      });
      target = picked?.[0];
      if (!target) return;
    }
    const loaded = await loadSnapshot(target);
    if (!loaded.ok) {
      this.deps.log.warn(`compare: ${loaded.error}`);
      void vscode.window.showErrorMessage(`pmemstat: ${loaded.error}.`);
      return;
    }
    const { snapshot, name } = loaded;
    const want = snapshot.settings.groupBy;
    if (this.report && this.reportGroupBy === want) {
      await this.showCompare(snapshot, name, this.report);
      return;
    }
    if (this.report && this.reportGroupBy !== null && this.reportGroupBy !== want) {
      const action = `Group by ${want} and Compare`;
      const c = await vscode.window.showWarningMessage(
        `pmemstat: ${name} is grouped by ${want}, the panel by ${this.reportGroupBy}; groups can only be compared in the same grouping.`,
        action,
      );
      if (c !== action) return;
      this.pendingCompare = { snapshot, name };
      await this.deps.settings.update({ groupBy: want });
      return;
    }
    // No sample yet: open the panel and compare with its first sample in that grouping.
    this.pendingCompare = { snapshot, name };
    if (!this.panel) this.open();
    if (this.settings.groupBy !== want) await this.deps.settings.update({ groupBy: want });
    void vscode.window.showInformationMessage(`pmemstat: comparing ${name} with the next sample…`);
  }

  private async showCompare(snapshot: Snapshot, name: string, report: Report): Promise<void> {
    try {
      const text = compareDocument(name, snapshot, { report, settings: this.settings, mode: this.mode });
      await this.compareDocs.show(`Compare ${name}`, text);
      this.deps.log.info(`compared with snapshot ${name}`);
    } catch (e) {
      this.deps.log.error(`compare failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`pmemstat: cannot show the comparison (${errorText(e)}).`);
    }
  }

  /** The compare documents (tests). */
  get compareDocuments(): CompareDocuments {
    return this.compareDocs;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const d of this.subs) d.dispose();
    const p = this.panel;
    if (p) {
      this.onPanelDisposed();
      p.dispose();
    }
    this.stopHelper();
  }
}

/** Quick-pick labels render $(icon) syntax: keep process-derived names literal. */
function noIcons(s: string): string {
  return s.replace(/\$\(/g, '$\u200b(');
}

function leakLogLine(f: LeakFlag): string {
  const v = f.verdict;
  return `leak suspect: ${f.info}: ptotal +${withCommas(v.growthKb)} KB in ${Math.round(v.seconds)} s (rose in ${v.rises} of ${v.steps} samples, fell in ${v.falls}); now ${withCommas(f.ptotal)} KB`;
}
