// pmemstat: Open Recording — a flight recording (docs/recorder.md) on the host the extension
// runs on, read through a helper of its own (the `recording` request: read-only, a regular file
// only; docs/protocol.md#recording), shown over a timeline (webview/recordingView.ts).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../core/types';
import { localIso } from '../core/isotime';
import type { RecordingResult, RecordingSeriesQuery, RecordingSeriesResult } from '../shared/recordingSchema';
import { killEventNear, killMomentCandidates } from '../core/timeline';
import { parseRecordingViewMessage, type RecordingHostMessage } from '../shared/recordingView';
import type { LaunchFn } from './helperSession';
import type { Log } from './log';
import { makeNonce, panelHtml, webviewOptions, type PanelLike } from './panel';

export const RECORDING_VIEW_TYPE = 'pmemstat.recording';

/** What the panel needs of a helper. */
export interface RecordingHelper {
  recording(path: string, at: number | null, timeline: boolean): Promise<RecordingResult<Report>>;
  recordingSeries(q: RecordingSeriesQuery): Promise<RecordingSeriesResult>;
  dispose(): void;
}

/** Whether `pid` is one of the report's processes. */
const hasProcess = (r: Report, pid: number): boolean => r.rows.some((row) => row.type !== 'x' && row.members.some((m) => m.pid === pid));

export interface RecordingDeps {
  extensionUri: vscode.Uri;
  launch: LaunchFn;
  runAsUser: () => boolean;
  log: Log;
  /** Default: a new vscode.WebviewPanel. */
  createPanel?: () => PanelLike;
}

/** Where `pmemstat record` records by default: the system's recorder, else this user's. */
export function defaultRecordingDir(): string {
  if (existsSync('/var/lib/pmemstat/pmemstat.db')) return '/var/lib/pmemstat';
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'pmemstat');
}

function recordingHtml(panel: PanelLike, extensionUri: vscode.Uri): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  return panelHtml({
    cspSource: panel.webview.cspSource,
    nonce: makeNonce(),
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'recording.js')).toString(),
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'recording.css')).toString(),
  });
}

async function launchFor(deps: RecordingDeps, elevate: boolean): Promise<RecordingHelper> {
  const launched = await deps.launch({
    elevate,
    runAsUser: deps.runAsUser(),
    ui: {
      askPassword: async (prompt) => vscode.window.showInputBox({ title: 'pmemstat: Open Recording as Root', prompt, password: true, ignoreFocusOut: true }),
      log: (m) => deps.log.info(m),
    },
  });
  return launched.client;
}

const denied = (m: string) => /permission denied|EACCES|unable to open|cannot open/i.test(m);

/**
 * Ask for a recording (unless `uri` names one), read its last moment and timeline, and show
 * them in a panel; resolves to the panel, or null when nothing was opened (the user was told why).
 */
export async function openRecording(deps: RecordingDeps, uri?: vscode.Uri): Promise<RecordingPanel | null> {
  let file = uri;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      title: 'pmemstat: Open Recording',
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(defaultRecordingDir()),
      filters: { 'pmemstat recording': ['db'] },
    });
    file = picked?.[0];
  }
  if (!file) return null;
  const path = file.fsPath;
  let helper: RecordingHelper;
  let first: RecordingResult<Report>;
  try {
    helper = await launchFor(deps, false);
    first = await helper.recording(path, null, true);
    // A recording is readable by root only by default (docs/recorder.md): offer to read it as root.
    if (!first.ok && denied(first.message)) {
      const pick = await vscode.window.showErrorMessage(`pmemstat: ${first.message}`, 'Open as Root');
      if (pick !== 'Open as Root') {
        helper.dispose();
        return null;
      }
      helper.dispose();
      helper = await launchFor(deps, true);
      first = await helper.recording(path, null, true);
    }
  } catch (e) {
    void vscode.window.showErrorMessage(`pmemstat: cannot read the recording: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  if (!first.ok) {
    helper.dispose();
    void vscode.window.showErrorMessage(`pmemstat: ${first.message}`);
    return null;
  }
  const panel =
    deps.createPanel?.() ??
    vscode.window.createWebviewPanel(RECORDING_VIEW_TYPE, `pmemstat: ${basename(path)}`, vscode.ViewColumn.Active, { ...webviewOptions(deps.extensionUri), retainContextWhenHidden: true });
  return new RecordingPanel(panel, deps, helper, path, first);
}

export class RecordingPanel {
  private readonly subs: vscode.Disposable[] = [];
  /** The newest seek asked: an older answer arriving late is dropped. */
  private wanted = 0;
  private ready = false;
  /** The newest series asked: an older answer arriving late is dropped. */
  private wantedSeries = 0;
  /** A moment asked for before the page was ready: shown once it is. */
  private startAt: { at: number; kill: boolean } | null = null;

  constructor(
    readonly panel: PanelLike,
    private readonly deps: RecordingDeps,
    private readonly helper: RecordingHelper,
    readonly path: string,
    private readonly first: Extract<RecordingResult<Report>, { ok: true }>,
  ) {
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.title = `pmemstat: ${basename(dirname(path))}/${basename(path)}`;
    panel.webview.html = recordingHtml(panel, deps.extensionUri);
    this.subs.push(
      panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(m: RecordingHostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseRecordingViewMessage(raw);
    if (!m) {
      this.deps.log.warn('recording panel: a message that is not one was dropped');
      return;
    }
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const f = this.first;
        this.post({ type: 'timeline', title: this.path, times: f.times ?? [f.at], events: f.events ?? [], at: f.at, report: f.report });
        const start = this.startAt;
        this.startAt = null;
        if (start?.kill) await this.showKill(start.at);
        else if (start) await this.show(start.at);
        return;
      }
      case 'seek':
        return this.show(m.at);
      case 'getSeries':
        return this.series({ path: this.path, key: m.key, from: m.from, to: m.to, points: m.points });
    }
  }

  /** Show the sample at or before `at`, selecting `focus` (a pid) when it is there. */
  private async show(at: number, focus?: number): Promise<void> {
    const n = ++this.wanted;
    try {
      const r = await this.helper.recording(this.path, at, false);
      if (n !== this.wanted) return;
      if (!r.ok) this.post({ type: 'problem', message: r.message });
      else this.post(focus !== undefined && hasProcess(r.report, focus) ? { type: 'moment', at: r.at, report: r.report, focus } : { type: 'moment', at: r.at, report: r.report });
    } catch (e) {
      if (n === this.wanted) this.post({ type: 'problem', message: `cannot read ${localIso(at)}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private async series(q: RecordingSeriesQuery): Promise<void> {
    const n = ++this.wantedSeries;
    try {
      const r = await this.helper.recordingSeries(q);
      if (n !== this.wantedSeries) return;
      this.post(r.ok ? { type: 'series', series: r.series, from: q.from, to: q.to } : { type: 'problem', message: r.message });
    } catch (e) {
      if (n === this.wantedSeries) this.post({ type: 'problem', message: `cannot read the group's memory: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /**
   * The moment of the OOM kill a notification at `noticed` told of: the sample that shows its
   * victim (the one just before the kill was recorded, or the one it was recorded at), with the
   * victim selected; the moment of the notice when the recording has no such kill.
   */
  async showKill(noticed: number): Promise<void> {
    const fresh = await this.helper.recording(this.path, null, true).catch(() => null);
    const times = (fresh?.ok ? fresh.times : undefined) ?? this.first.times ?? [];
    const events = (fresh?.ok ? fresh.events : undefined) ?? this.first.events ?? [];
    const e = killEventNear(events, noticed);
    if (!e) return this.show(noticed);
    const candidates = killMomentCandidates(times, e).map((i) => times[i]);
    if (e.pid !== null) {
      for (const t of candidates) {
        const r = await this.helper.recording(this.path, t, false).catch(() => null);
        if (r?.ok && hasProcess(r.report, e.pid)) return this.show(t, e.pid);
      }
    }
    return this.show(candidates[0] ?? noticed);
  }

  /** Show the moment `at`, or (`kill`) the moment of the OOM kill noticed at `at` (the notification's action). */
  seek(at: number, kill = false): Promise<void> {
    this.panel.reveal();
    if (!this.ready) {
      this.startAt = { at, kill };
      return Promise.resolve();
    }
    return kill ? this.showKill(at) : this.show(at);
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    this.helper.dispose();
  }
}
