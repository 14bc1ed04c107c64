// "pmemstat: Export Snapshot…" and "Export Group History…" as commands: what to say when
// there is nothing to export, the group quick pick, and the notifications. The files
// themselves are written by exportSnapshot.ts.
import * as vscode from 'vscode';
import type { Report } from '../core/types';
import { formatKb } from '../core/units';
import type { PanelSettings } from '../shared/webviewProtocol';
import { exportGroupHistory, exportSnapshot } from './exportSnapshot';
import type { HistoryFeed } from './historyFeed';
import type { PrivilegeMode } from '../shared/webviewProtocol';
import { errorText, type Log } from './log';

export interface ExportContext {
  report: Report | null;
  feed: HistoryFeed;
  settings: PanelSettings;
  mode: PrivilegeMode | null;
  version: string;
  log: Log;
  /** Open the panel (offered when there is nothing to export yet). */
  open(): void;
}

/** pmemstat: Export Snapshot… */
export async function exportSnapshotCommand(ctx: ExportContext): Promise<void> {
  const report = ctx.report;
  if (!report) {
    const c = await vscode.window.showInformationMessage('pmemstat: there is no sample to export yet; open the panel first.', 'Open');
    if (c === 'Open') ctx.open();
    return;
  }
  try {
    const uri = await exportSnapshot(report, { mode: ctx.mode, settings: ctx.settings, version: ctx.version });
    if (uri) {
      ctx.log.info(`snapshot exported to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`pmemstat: snapshot saved to ${uri.fsPath}`);
    }
  } catch (e) {
    ctx.log.error(`export failed: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`pmemstat: cannot export the snapshot (${errorText(e)}).`);
  }
}

/** pmemstat: Export Group History… (a quick pick of the groups when no key is given). */
export async function exportGroupHistoryCommand(key: string | undefined, ctx: ExportContext): Promise<void> {
  const groups = ctx.feed.groups();
  if (groups.length === 0) {
    const c = await vscode.window.showInformationMessage('pmemstat: there is no history to export yet; open the panel and let it sample.', 'Open');
    if (c === 'Open') ctx.open();
    return;
  }
  let chosen = key;
  if (chosen === undefined) {
    const u = ctx.settings.units;
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
  const g = ctx.feed.group(chosen);
  if (!g) {
    void vscode.window.showInformationMessage('pmemstat: no history is kept for that group (it vanished, or the grouping changed).');
    return;
  }
  try {
    const uri = await exportGroupHistory(g);
    if (uri) {
      ctx.log.info(`group history (${g.times.length} samples) exported to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`pmemstat: group history saved to ${uri.fsPath}`);
    }
  } catch (e) {
    ctx.log.error(`export failed: ${errorText(e)}`);
    void vscode.window.showErrorMessage(`pmemstat: cannot export the group history (${errorText(e)}).`);
  }
}

/** Quick-pick labels render $(icon) syntax: keep process-derived names literal. */
function noIcons(s: string): string {
  return s.replace(/\$\(/g, '$\u200b(');
}
