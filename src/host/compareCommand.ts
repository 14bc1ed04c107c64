// "pmemstat: Compare with Snapshot…" as a command: pick a saved snapshot, validate it
// (compareView.ts), and show what changed per group against the current sample — at once
// when the panel's grouping matches, else after regrouping, with the first sample in the
// snapshot's grouping. A bad file gives one clear error and changes nothing.
import * as vscode from 'vscode';
import type { GroupBy, Report } from '../core/types';
import type { Snapshot } from '../shared/snapshot';
import type { PanelSettings } from '../shared/webviewProtocol';
import { CompareDocuments, COMPARE_SCHEME, compareDocument, loadSnapshot } from './compareView';
import type { PrivilegeMode } from '../shared/webviewProtocol';
import { errorText, type Log } from './log';

/** What the comparison needs of the panel. */
export interface CompareHost {
  log: Log;
  /** The latest sample (null: none yet); it carries the grouping it was taken in. */
  latest(): Report | null;
  settings(): PanelSettings;
  mode(): PrivilegeMode | null;
  hasPanel(): boolean;
  open(): void;
  /** Regroup the panel (a setting change: the next samples come in that grouping). */
  regroup(groupBy: GroupBy): Promise<void>;
}

export class SnapshotComparison implements vscode.Disposable {
  /** A comparison waiting for a sample in the snapshot's grouping. */
  private pending: { snapshot: Snapshot; name: string } | null = null;
  private readonly docs = new CompareDocuments();
  private readonly registration: vscode.Disposable;

  constructor(private readonly host: CompareHost) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, this.docs);
  }

  /** Pick a snapshot (or take `uri`) and compare it, now or with the next sample in its grouping. */
  async run(uri?: vscode.Uri): Promise<void> {
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
      this.host.log.warn(`compare: ${loaded.error}`);
      void vscode.window.showErrorMessage(`pmemstat: ${loaded.error}.`);
      return;
    }
    const { snapshot, name } = loaded;
    const want = snapshot.settings.groupBy;
    const latest = this.host.latest();
    if (latest && latest.options.groupBy === want) {
      await this.show(snapshot, name, latest);
      return;
    }
    if (latest && latest.options.groupBy !== want) {
      const action = `Group by ${want} and Compare`;
      const c = await vscode.window.showWarningMessage(
        `pmemstat: ${name} is grouped by ${want}, the panel by ${latest.options.groupBy}; groups can only be compared in the same grouping.`,
        action,
      );
      if (c !== action) return;
      this.pending = { snapshot, name };
      await this.host.regroup(want);
      return;
    }
    // No sample yet: open the panel and compare with its first sample in that grouping.
    this.pending = { snapshot, name };
    if (!this.host.hasPanel()) this.host.open();
    if (this.host.settings().groupBy !== want) await this.host.regroup(want);
    void vscode.window.showInformationMessage(`pmemstat: comparing ${name} with the next sample…`);
  }

  /** A new sample: the waiting comparison, if it is in the snapshot's grouping. */
  sampled(report: Report): void {
    const pending = this.pending;
    if (pending && pending.snapshot.settings.groupBy === report.options.groupBy) {
      this.pending = null;
      void this.show(pending.snapshot, pending.name, report);
    }
  }

  /** The panel closed: nothing waits any more. */
  cancel(): void {
    this.pending = null;
  }

  dispose(): void {
    this.registration.dispose();
    this.docs.dispose();
  }

  private async show(snapshot: Snapshot, name: string, report: Report): Promise<void> {
    try {
      const text = compareDocument(name, snapshot, { report, settings: this.host.settings(), mode: this.host.mode() });
      await this.docs.show(`Compare ${name}`, text);
      this.host.log.info(`compared with snapshot ${name}`);
    } catch (e) {
      this.host.log.error(`compare failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`pmemstat: cannot show the comparison (${errorText(e)}).`);
    }
  }
}
