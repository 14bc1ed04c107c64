// The sampler helper behind the panel: starting it (through an injected launch function,
// so tests can put a fake process boundary there), retrying a helper that failed or died
// (at most MAX_FAILURES times in a row), "Run as Root…" and "Run as User", and telling the
// helper the panel's options. The panel controller owns the loop and asks this for a client.
import * as vscode from 'vscode';
import type { HelperConfig } from '../shared/protocol';
import type { HelperState, PrivilegeMode } from '../shared/webviewProtocol';
import type { HelperClient } from './helperClient';
import type { LauncherUi } from './launcher';
import { errorText, type Log } from './log';

/** The part of HelperClient the panel uses. */
export type HelperLike = Pick<HelperClient, 'hello' | 'configure' | 'sample' | 'kill' | 'maps' | 'recording' | 'recordingSeries' | 'onExit' | 'dispose'>;

export interface LaunchRequest {
  elevate: boolean;
  runAsUser: boolean;
  ui: LauncherUi;
}

export interface LaunchedLike {
  client: HelperLike;
  mode: PrivilegeMode;
  reason?: string;
}

export type LaunchFn = (r: LaunchRequest) => Promise<LaunchedLike>;

/** Consecutive failed starts (or crashes) before the session stops retrying by itself. */
export const MAX_FAILURES = 3;
/** Wait before restarting a helper that died or did not start. */
export const RESTART_DELAY_MS = 1000;

/** What the session needs of the panel around it. */
export interface SessionHost {
  launch: LaunchFn;
  log: Log;
  /** pmemstat.runAsUser. */
  runAsUser(): boolean;
  /** The helper options the panel's settings ask for now. */
  helperConfig(): Partial<HelperConfig> & Pick<HelperConfig, 'groupBy'>;
  /** Whether a helper is still wanted (a panel is open); a late launch is disposed otherwise. */
  wanted(): boolean;
  /** The helper's state changed: show it. */
  changed(): void;
  /** Sample after `ms` (a restart is due, or the helper changed). */
  schedule(ms: number): void;
  /** The user pressed "Retry" after the helper gave up. */
  retry(): void;
}

export class HelperSession implements vscode.Disposable {
  private current: HelperLike | null = null;
  private launchMode: PrivilegeMode | null = null;
  private modeReason = '';
  private launching: Promise<HelperLike | null> | null = null;
  private elevating = false;
  private forceUser = false;
  private failures = 0;
  private lastError = '';
  private configKey = '';
  /** The grouping the helper was last told (reports sampled after that use it). */
  private disposed = false;
  private readonly ui: LauncherUi;

  constructor(private readonly host: SessionHost) {
    this.ui = {
      askPassword: async (prompt, attempt) =>
        vscode.window.showInputBox({
          title: attempt > 1 ? `pmemstat: Run as Root (try ${attempt})` : 'pmemstat: Run as Root',
          prompt,
          password: true,
          ignoreFocusOut: true,
          placeHolder: 'sudo password',
        }),
      log: (m) => host.log.info(m),
    };
  }

  /** The running helper, if any. */
  get client(): HelperLike | null {
    return this.current;
  }

  get mode(): PrivilegeMode | null {
    return this.launchMode;
  }

  /** Whether the session still restarts by itself. */
  get retrying(): boolean {
    return this.failures < MAX_FAILURES;
  }

  /** The helper's pid, or -1 when it did not say. */
  get helperPid(): number {
    try {
      return this.current?.hello.pid ?? -1;
    } catch {
      return -1; // no hello details: the helper refuses itself anyway
    }
  }

  /** Try again from scratch (pmemstat: Refresh). */
  resetFailures(): void {
    this.failures = 0;
  }

  /** The state the webview shows about the helper; `paused` when the panel is hidden. */
  state(paused: boolean): HelperState {
    const status: HelperState['status'] = this.elevating
      ? 'elevating'
      : this.current
        ? 'running'
        : this.failures >= MAX_FAILURES
          ? 'error'
          : this.launching
            ? 'starting'
            : this.failures > 0
              ? 'error'
              : paused
                ? 'stopped'
                : 'starting';
    const message = !this.current && this.failures > 0 ? this.lastError : this.launchMode === 'user' ? this.modeReason : '';
    return {
      status,
      mode: this.current ? this.launchMode : null,
      message,
      // A host that runs as root gets a root helper (mode 'root'), so 'user' means elevation can help.
      canElevate: !this.elevating && (this.launchMode === 'user' || this.launchMode === null),
    };
  }

  /** The running helper, or start one (null: it failed, or gave up after MAX_FAILURES). */
  async ensure(): Promise<HelperLike | null> {
    if (this.current) return this.current;
    if (this.failures >= MAX_FAILURES) return null;
    this.launching ??= this.start().finally(() => {
      this.launching = null;
    });
    return this.launching;
  }

  /** Stop the helper (the panel closed, or a restart follows). */
  stop(): void {
    const c = this.current;
    this.current = null;
    this.launchMode = null;
    this.modeReason = '';
    this.configKey = '';
    c?.dispose();
  }

  /** pmemstat.runAsUser changed: start again under the new setting. */
  restart(): void {
    if (!this.current) return;
    this.host.log.info('pmemstat.runAsUser changed: restarting the sampler helper');
    this.forceUser = false;
    this.stop();
    this.host.changed();
    this.host.schedule(0);
  }

  /** Send the helper-relevant settings when they changed; true when sent. */
  async configure(): Promise<boolean> {
    const client = this.current;
    if (!client) return false;
    const cfg = this.host.helperConfig();
    const key = JSON.stringify(cfg);
    if (key === this.configKey) return false;
    this.configKey = key;
    try {
      await client.configure(cfg);
      return true;
    } catch (e) {
      this.configKey = '';
      if (client === this.current) this.host.log.warn(`cannot configure the sampler helper: ${errorText(e)}`);
      return false;
    }
  }

  /** Run as Root: one elevated launch per request, never a loop. The caller samples afterwards. */
  async elevate(): Promise<void> {
    if (this.elevating) return;
    if (this.launchMode && this.launchMode !== 'user' && this.current) {
      void vscode.window.showInformationMessage('pmemstat already runs as root.');
      return;
    }
    this.elevating = true;
    this.host.changed();
    try {
      if (this.launching) await this.launching;
      const launched = await this.host.launch({ elevate: true, runAsUser: false, ui: this.ui });
      if (this.disposed || !this.host.wanted()) {
        launched.client.dispose();
        return;
      }
      if (launched.mode === 'user') {
        // Declined, cancelled or failed: stay as the user (keep the running helper), say so once.
        if (this.current) launched.client.dispose();
        else await this.adopt(launched);
        this.modeReason = launched.reason ?? this.modeReason;
        this.host.log.info(`staying in user mode: ${launched.reason ?? 'not elevated'}`);
        void vscode.window.showInformationMessage(
          `pmemstat keeps running as your user${launched.reason ? ` \u2014 ${launched.reason}` : ''}.`,
        );
      } else {
        this.forceUser = false;
        await this.adopt(launched);
      }
    } catch (e) {
      this.host.log.error(`Run as Root failed: ${errorText(e)}`);
      void vscode.window.showWarningMessage(`pmemstat could not run as root (${errorText(e)}); it keeps running as your user.`);
    } finally {
      this.elevating = false;
      this.host.changed();
      this.host.schedule(0);
    }
  }

  /** Run as User: drop the helper so the next sample starts one without privilege; false when it already runs so. */
  async dropPrivilege(): Promise<boolean> {
    if (this.launchMode === 'user' && this.current) return false;
    this.forceUser = true;
    if (this.launching) await this.launching;
    this.stop();
    this.failures = 0;
    this.host.changed();
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private async start(): Promise<HelperLike | null> {
    queueMicrotask(() => this.host.changed());
    const runAsUser = this.forceUser || this.host.runAsUser();
    try {
      const launched = await this.host.launch({ elevate: false, runAsUser, ui: this.ui });
      if (this.disposed || !this.host.wanted()) {
        launched.client.dispose();
        return null;
      }
      await this.adopt(launched);
      return this.current;
    } catch (e) {
      this.failed(`cannot start the sampler helper: ${errorText(e)}`);
      return null;
    }
  }

  private failed(message: string): void {
    this.failures++;
    this.lastError = message;
    this.host.log.error(message);
    this.host.changed();
    if (this.failures === MAX_FAILURES) {
      void vscode.window.showErrorMessage(`pmemstat: ${message}`, 'Retry', 'Show Log').then((choice) => {
        if (choice === 'Retry') this.host.retry();
        else if (choice === 'Show Log') this.host.log.show();
      });
    }
  }

  private async adopt(l: LaunchedLike): Promise<void> {
    const old = this.current;
    this.current = l.client;
    this.launchMode = l.mode;
    this.modeReason = l.reason ?? '';
    this.configKey = '';
    this.failures = 0;
    this.lastError = '';
    if (old && old !== l.client) old.dispose();
    const client = l.client;
    client.onExit((reason) => this.onExit(client, reason));
    let who = '';
    try {
      who = ` (pid ${client.hello.pid}, uid ${client.hello.uid}, helper ${client.hello.version})`;
    } catch {
      // no hello details: nothing to add
    }
    this.host.log.info(`sampler helper running as ${l.mode}${who}${l.reason ? `: ${l.reason}` : ''}`);
    await this.configure();
    this.host.changed();
  }

  private onExit(client: HelperLike, reason: string): void {
    if (client !== this.current) return;
    this.current = null;
    this.launchMode = null;
    this.configKey = '';
    this.failed(`the sampler helper stopped: ${reason}`);
    if (this.failures < MAX_FAILURES) this.host.schedule(RESTART_DELAY_MS);
  }
}
