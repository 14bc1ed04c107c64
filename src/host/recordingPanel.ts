// pmemstat: Open Recording — a flight recording (docs/recorder.md) on the host the extension
// runs on, read through a helper of its own (the `recording` request: read-only, a regular file
// only; docs/protocol.md#recording), shown over a timeline (webview/recordingView.ts).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Report } from '../core/types';
import { localIso } from '../core/isotime';
import type { RecordingResult } from '../shared/recordingSchema';
import { parseRecordingViewMessage, type RecordingHostMessage } from '../shared/recordingView';
import type { LaunchFn } from './helperSession';
import type { Log } from './log';
import { makeNonce, webviewOptions, type PanelLike } from './panel';

export const RECORDING_VIEW_TYPE = 'pmemstat.recording';

/** What the panel needs of a helper. */
export interface RecordingHelper {
  recording(path: string, at: number | null, timeline: boolean): Promise<RecordingResult<Report>>;
  dispose(): void;
}

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

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function recordingHtml(panel: PanelLike, extensionUri: vscode.Uri): string {
  const nonce = makeNonce();
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'recording.js')).toString();
  const csp = `default-src 'none'; style-src ${panel.webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<style>
.rec-bar{display:flex;align-items:center;gap:4px;margin:6px 0}
.rec-track{position:relative;flex:1}
.rec-track input{width:100%}
.rec-marks{position:relative;height:8px}
.rec-mark{position:absolute;top:0;width:3px;height:8px;margin-left:-1px;background:var(--vscode-errorForeground,red);cursor:pointer}
.rec-status{font-family:var(--vscode-editor-font-family,monospace)}
.rec-problem{color:var(--vscode-errorForeground,red)}
.rec-table{font-family:var(--vscode-editor-font-family,monospace);white-space:pre;overflow:auto}
</style>
<title>pmemstat recording</title></head>
<body><div id="pm-mount"></div>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(script)}"></script>
</body></html>`;
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
  /** A moment asked for before the page was ready: shown once it is. */
  private startAt: number | null = null;

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
    if (m.type === 'ready') {
      this.ready = true;
      const f = this.first;
      this.post({ type: 'timeline', title: this.path, times: f.times ?? [f.at], events: f.events ?? [], at: f.at, report: f.report });
      if (this.startAt !== null) await this.onMessage({ type: 'seek', at: this.startAt });
      return;
    }
    const n = ++this.wanted;
    try {
      const r = await this.helper.recording(this.path, m.at, false);
      if (n !== this.wanted) return;
      this.post(r.ok ? { type: 'moment', at: r.at, report: r.report } : { type: 'problem', message: r.message });
    } catch (e) {
      if (n === this.wanted) this.post({ type: 'problem', message: `cannot read ${localIso(m.at)}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** Show the moment `at` (the OOM notification's action). */
  seek(at: number): Promise<void> {
    this.panel.reveal();
    if (!this.ready) {
      this.startAt = at;
      return Promise.resolve();
    }
    return this.onMessage({ type: 'seek', at });
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
    this.helper.dispose();
  }
}
