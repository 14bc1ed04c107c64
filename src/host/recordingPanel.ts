// pmemstat: Open Recording — a flight recording (docs/recorder.md) on the host the extension
// runs on, read through a helper of its own (the `recording` request: read-only, a regular file
// only; docs/protocol.md#recording), shown over a timeline (webview/recordingView.ts).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { GroupBy, Report } from '../core/types';
import { localIso } from '../core/isotime';
import { printable } from '../core/printable';
import type { HelperConfig } from '../shared/protocol';
import type { RecordingResult, RecordingSeriesQuery, RecordingSeriesResult } from '../shared/recordingSchema';
import { killMomentCandidates } from '../core/timeline';
import { parseRecordingViewMessage, parseSavedRecording, type RecordingHostMessage } from '../shared/recordingView';
import type { LaunchFn } from './helperSession';
import type { Log } from './log';
import { makeNonce, noticeHtml, panelHtml, webviewOptions, type PanelLike } from './panel';
import { findKill, KILL_RETRY_MS, KILL_WAIT_MS, type RecordedTimeline } from './recordingKill';

export const RECORDING_VIEW_TYPE = 'pmemstat.recording';

/** What the panel needs of a helper. */
export interface RecordingHelper {
  /** The grouping of the moments and series it reads (the helper's `configure`). */
  configure(c: Partial<HelperConfig>): Promise<void>;
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
  /** The grouping a recording opens with (the pmemstat.groupBy setting); default exe. */
  groupBy?: () => GroupBy;
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

type OkRecording = Extract<RecordingResult<Report>, { ok: true }>;
type Loaded = { ok: true; helper: RecordingHelper; first: OkRecording } | { ok: false; message: string };

/** The moment `at` (null: the last; a moment no longer recorded: the last too) under `groupBy`, with the timeline. */
async function readFirst(helper: RecordingHelper, path: string, at: number | null, groupBy: GroupBy): Promise<RecordingResult<Report>> {
  await helper.configure({ groupBy });
  const r = await helper.recording(path, at, true);
  return !r.ok && at !== null && !denied(r.message) ? helper.recording(path, null, true) : r;
}

/**
 * A helper reading `path` and its first moment; a recording root alone may read offers to read it
 * as root. Null: the user declined. Throws when no helper starts.
 */
async function load(deps: RecordingDeps, path: string, at: number | null, groupBy: GroupBy): Promise<Loaded | null> {
  let helper = await launchFor(deps, false);
  try {
    let first = await readFirst(helper, path, at, groupBy);
    // A recording is readable by root only by default (docs/recorder.md): offer to read it as root.
    if (!first.ok && denied(first.message)) {
      const pick = await vscode.window.showErrorMessage(`pmemstat: ${first.message}`, 'Open as Root');
      helper.dispose();
      if (pick !== 'Open as Root') return null;
      helper = await launchFor(deps, true);
      first = await readFirst(helper, path, at, groupBy);
    }
    if (first.ok) return { ok: true, helper, first };
    helper.dispose();
    return { ok: false, message: first.message };
  } catch (e) {
    helper.dispose();
    throw e;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const titleOf = (path: string) => `pmemstat: ${basename(dirname(path))}/${basename(path)}`;

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
  let loaded: Loaded | null;
  try {
    loaded = await load(deps, path, null, deps.groupBy?.() ?? 'exe');
  } catch (e) {
    void vscode.window.showErrorMessage(`pmemstat: cannot read the recording: ${errorText(e)}`);
    return null;
  }
  if (!loaded) return null;
  if (!loaded.ok) {
    void vscode.window.showErrorMessage(`pmemstat: ${loaded.message}`);
    return null;
  }
  const panel =
    deps.createPanel?.() ??
    vscode.window.createWebviewPanel(RECORDING_VIEW_TYPE, `pmemstat: ${basename(path)}`, vscode.ViewColumn.Active, { ...webviewOptions(deps.extensionUri), retainContextWhenHidden: true });
  return new RecordingPanel(panel, deps, loaded.helper, path, loaded.first);
}

/**
 * A recording panel VS Code restores after a window reload (its serializer): the recording its
 * page's saved state names, at the moment and in the grouping it showed (the page itself keeps the
 * zoom, the selection, the sort and the search). The state comes from disk and is checked; what
 * cannot be shown says why in the panel. Resolves to the panel, or null when it shows a notice.
 */
export async function restoreRecording(deps: RecordingDeps, panel: PanelLike, state: unknown): Promise<RecordingPanel | null> {
  const notice = (lines: string[]) => {
    panel.webview.options = { enableScripts: false };
    panel.webview.html = noticeHtml('pmemstat recording', [...lines, 'Open a recording with pmemstat: Open Recording\u2026']);
    return null;
  };
  const saved = parseSavedRecording(state);
  if (!saved) return notice(['This recording panel cannot be reopened: its saved state names no recording.']);
  panel.title = titleOf(saved.path);
  let closed = false;
  const sub = panel.onDidDispose(() => (closed = true));
  let loaded: Loaded | null;
  try {
    loaded = await load(deps, saved.path, saved.at, saved.groupBy ?? deps.groupBy?.() ?? 'exe');
  } catch (e) {
    loaded = { ok: false, message: `cannot read the recording: ${errorText(e)}` };
  } finally {
    sub.dispose();
  }
  if (loaded?.ok && closed) loaded.helper.dispose();
  if (closed) return null;
  if (!loaded) return notice([`${printable(saved.path)} was not opened: only root may read it.`]);
  if (!loaded.ok) return notice([`The recording ${printable(saved.path)} cannot be shown again: ${printable(loaded.message)}`]);
  return new RecordingPanel(panel, deps, loaded.helper, saved.path, loaded.first);
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
  /** How many sample times and events the page's timeline has. */
  private sent = { times: 0, events: 0 };
  /** The moment shown last (a new grouping shows it again). */
  private at: number;

  constructor(
    readonly panel: PanelLike,
    private readonly deps: RecordingDeps,
    private readonly helper: RecordingHelper,
    readonly path: string,
    private readonly first: Extract<RecordingResult<Report>, { ok: true }>,
  ) {
    this.at = first.at;
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.title = titleOf(path);
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
        const times = f.times ?? [f.at];
        const events = f.events ?? [];
        this.sent = { times: times.length, events: events.length };
        this.post({ type: 'timeline', title: this.path, times, events, at: f.at, report: f.report });
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
      case 'options':
        return this.regroup(m.groupBy);
    }
  }

  /**
   * Show the sample at or before `at`, selecting `focus` (a pid) when it is there; with
   * `timeline`, the page's timeline is replaced by it.
   */
  private async show(at: number, focus?: number, timeline?: RecordedTimeline): Promise<void> {
    const n = ++this.wanted;
    try {
      const r = await this.helper.recording(this.path, at, false);
      if (n !== this.wanted) return;
      if (!r.ok) this.post({ type: 'problem', message: r.message });
      else this.at = r.at;
      if (!r.ok) return;
      const moment = focus !== undefined && hasProcess(r.report, focus) ? { at: r.at, report: r.report, focus } : { at: r.at, report: r.report };
      if (timeline) this.sent = { times: timeline.times.length, events: timeline.events.length };
      this.post(timeline ? { type: 'timeline', title: this.path, ...timeline, ...moment } : { type: 'moment', ...moment });
    } catch (e) {
      if (n === this.wanted) this.post({ type: 'problem', message: `cannot read ${localIso(at)}: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** Group the moments and the series by `groupBy` from now on, and show the moment again so. */
  private async regroup(groupBy: GroupBy): Promise<void> {
    try {
      await this.helper.configure({ groupBy });
    } catch (e) {
      this.post({ type: 'problem', message: `cannot group by ${groupBy}: ${errorText(e)}` });
      return;
    }
    return this.show(this.at);
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
   * victim selected; the moment of the notice when the recording has no such kill after a few
   * seconds' wait for the recorder to write it (recordingKill.ts). The page's timeline is brought
   * up to the recording's when it has grown meanwhile (a sample or an event more).
   */
  async showKill(noticed: number): Promise<void> {
    const found = await findKill(async () => {
      const r = await this.helper.recording(this.path, null, true).catch(() => null);
      return r?.ok && r.times && r.events ? { times: r.times, events: r.events } : null;
    }, noticed, KILL_WAIT_MS, KILL_RETRY_MS, () => this.post({ type: 'problem', message: `the OOM kill of ${localIso(noticed)} is not recorded yet: waiting a few seconds for the recorder\u2026` }));
    const timeline = found.kill ? found : found.timeline;
    const grown = timeline && (timeline.times.length !== this.sent.times || timeline.events.length !== this.sent.events) ? timeline : undefined;
    if (!found.kill) return this.show(noticed, undefined, grown);
    const e = found.kill;
    const candidates = killMomentCandidates(found.times, e).map((i) => found.times[i]);
    if (e.pid !== null) {
      for (const t of candidates) {
        const r = await this.helper.recording(this.path, t, false).catch(() => null);
        if (r?.ok && hasProcess(r.report, e.pid)) return this.show(t, e.pid, grown);
      }
    }
    return this.show(candidates[0] ?? noticed, undefined, grown);
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
