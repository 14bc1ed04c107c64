// While the panel or the status bar runs: a VS Code notification when the kernel kills a process
// for memory (and, with pmemstat.notify.leakSuspects, when a group becomes a leak suspect), whose
// action opens that moment — in the recording when one is being recorded in the default
// directory, else in the live panel.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { OomNotices, type OomNotice } from '../core/oomNotice';
import { printable } from '../core/printable';
import type { GroupRow } from '../core/types';
import { readOomKillCount } from '../proc/vmstat';
import { HOST_SETTINGS, readSetting, sectionKey } from '../shared/options';
// The recorder's file name (src/recorder/db.ts, not imported: that module would bring the recorder's native SQLite into the extension's bundle).
const RECORDING_FILE = 'pmemstat.db';
import type { Log } from './log';
import { defaultRecordingDir } from './recordingPanel';
import type { LeakSuspect } from './statusBar';

export const SHOW_MOMENT = 'Show the Moment';
export const SHOW_PANEL = 'Show in Panel';

/** A recording counts as being recorded when its file changed within this long (the recorder writes every few seconds). */
const RECENT_MS = 60_000;

/** `pmemstat.notify.leakSuspects`: whether a new leak suspect is news. */
function notifyLeaks(): boolean {
  const spec = HOST_SETTINGS.notifyLeakSuspects;
  return readSetting(spec, vscode.workspace.getConfiguration('pmemstat').get(sectionKey(spec)));
}

export interface OomNotifierDeps {
  log: Log;
  /** Root of /proc (tests). */
  procRoot?: string;
  /** The recording being recorded now, or null (default: the default directory's, if written to lately). */
  recordingNow?: () => string | null;
  now?: () => number;
}

/** The default directory's recording when the recorder wrote it lately. */
export function recordingBeingRecorded(now = Date.now()): string | null {
  const file = join(defaultRecordingDir(), RECORDING_FILE);
  try {
    // The write-ahead log is what a running recorder writes to; the file itself only at checkpoints.
    const m = Math.max(statSync(file).mtimeMs, statSync(`${file}-wal`, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return now - m <= RECENT_MS ? file : null;
  } catch {
    return null;
  }
}

export class OomNotifier {
  private readonly notices = new OomNotices();
  private suspects = new Set<string>();
  /** The notifications shown (tests, and the log). */
  readonly shown: string[] = [];

  constructor(private readonly deps: OomNotifierDeps) {}

  private get now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Look again (the status bar's tick; a panel's sample, with its groups' cgroup counters). */
  check(rows?: readonly GroupRow[]): Promise<void> {
    const n = this.notices.update(this.now, readOomKillCount(this.deps.procRoot ?? '/'), rows);
    return n ? this.notifyOom(n) : Promise.resolve();
  }

  /** The panel's leak suspects after a sample: a new one is news when the setting asks for it. */
  leaks(suspects: readonly LeakSuspect[] | null): Promise<void> {
    const now = new Set((suspects ?? []).map((s) => s.info));
    const fresh = [...now].filter((k) => !this.suspects.has(k));
    this.suspects = now;
    if (fresh.length === 0 || !notifyLeaks()) return Promise.resolve();
    return this.notify(`pmemstat: a new leak suspect: ${fresh.map(printable).join(', ')}`, this.now, false);
  }

  private notifyOom(n: OomNotice): Promise<void> {
    this.deps.log.warn(`notification: ${n.text}`);
    return this.notify(`pmemstat: ${n.text}`, n.t, true);
  }

  /** `oom`: the action opens the moment of the kill (the recording's record of it), not of the notice. */
  private async notify(text: string, t: number, oom: boolean): Promise<void> {
    this.shown.push(text);
    const recording = (this.deps.recordingNow ?? (() => recordingBeingRecorded(this.now)))();
    const action = recording ? SHOW_MOMENT : SHOW_PANEL;
    const pick = await (oom ? vscode.window.showWarningMessage(text, action) : vscode.window.showInformationMessage(text, action));
    if (pick !== action) return;
    if (recording) await vscode.commands.executeCommand('pmemstat.openRecording', vscode.Uri.file(recording), t, oom);
    else await vscode.commands.executeCommand('pmemstat.open');
  }
}
