// "pmemstat: Compare with Snapshot…": read a saved snapshot (validated), compare it with the
// current sample, and show the result as a read-only text document (searchable, copyable).
import * as vscode from 'vscode';
import { compareReports, compareText } from '../core/compare';
import type { Report } from '../core/types';
import { parseSnapshot, MAX_SNAPSHOT_BYTES, type Snapshot } from '../shared/snapshot';
import type { PanelSettings, PrivilegeMode } from '../shared/webviewProtocol';
import { effectiveMinDeltaKb } from '../shared/webviewProtocol';

export const COMPARE_SCHEME = 'pmemstat-compare';
const KEEP_DOCUMENTS = 10;

/** A snapshot file read and validated, or why it cannot be used. */
export type LoadedSnapshot = { ok: true; snapshot: Snapshot; name: string } | { ok: false; error: string };

export function baseName(uri: vscode.Uri): string {
  const p = uri.path;
  return p.slice(p.lastIndexOf('/') + 1) || p;
}

/** Read a snapshot file; never throws (a missing, huge or malformed file gives a reason). */
export async function loadSnapshot(uri: vscode.Uri): Promise<LoadedSnapshot> {
  const name = baseName(uri);
  let bytes: Uint8Array;
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.size > MAX_SNAPSHOT_BYTES) return { ok: false, error: `${name} is larger than ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MB` };
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    return { ok: false, error: `cannot read ${name} (${e instanceof Error ? e.message : String(e)})` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, error: `${name} is not a pmemstat snapshot: it is not UTF-8 text` };
  }
  const p = parseSnapshot(text);
  return p.ok ? { ok: true, snapshot: p.snapshot, name } : { ok: false, error: `${name} is not a usable pmemstat snapshot: ${p.error}` };
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const isRoot = (m: PrivilegeMode | null) => m !== null && m !== 'user';
const modeText = (m: PrivilegeMode | null) => (m === null ? 'unknown privilege' : isRoot(m) ? 'as root' : 'as your user');

export interface NowState {
  report: Report;
  settings: PanelSettings;
  mode: PrivilegeMode | null;
}

/** The compare document's text for a snapshot against the current sample. */
export function compareDocument(name: string, snap: Snapshot, now: NowState): string {
  const base = snap.report;
  const threshold = effectiveMinDeltaKb(now.settings);
  const result = compareReports(base, now.report, threshold);
  const notes: string[] = [];
  if (isRoot(snap.mode) && now.mode === 'user')
    notes.push('the snapshot was taken as root and pmemstat runs as your user now: groups of other users\u2019 processes show as gone (Run as Root to compare like with like).');
  if (snap.mode === 'user' && isRoot(now.mode))
    notes.push('the snapshot was taken as your user (your processes only) and pmemstat runs as root now: other users\u2019 groups show as new.');
  if (base.detail !== now.report.detail)
    notes.push(`the snapshot was taken in ${base.detail ? 'detail' : 'fast'} mode, now ${now.report.detail ? 'detail' : 'fast'} mode: ptotal differs by the kernel's per-mapping rounding (0.2\u20133 %).`);
  if (base.leader.inaccessible > 0 || now.report.leader.inaccessible > 0)
    notes.push(`processes not accessible (left out): ${base.leader.inaccessible} in the snapshot, ${now.report.leader.inaccessible} now.`);
  const heading = [
    `pmemstat: compare with snapshot ${name}`,
    `  snapshot: ${localTime(Date.parse(snap.time))}, grouped by ${snap.settings.groupBy}, sampled ${modeText(snap.mode)} (pmemstat ${snap.version}, snapshot schema ${snap.schema})`,
    `  now:      ${localTime(now.report.leader.time)}, grouped by ${now.settings.groupBy}, sampled ${modeText(now.mode)}`,
    `  ptotal in ${now.settings.units}; run the command again to compare with a newer sample.`,
  ];
  return compareText(result, { units: now.settings.units, heading, notes });
}

/** The read-only documents of the compare view (a TextDocumentContentProvider). */
export class CompareDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private n = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? 'This comparison is no longer available: run "pmemstat: Compare with Snapshot\u2026" again.\n';
  }

  /** Store a document and open it in an editor (read-only). */
  async show(title: string, text: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${title.replace(/[/\\]/g, '_')}.txt`, query: String(++this.n) });
    this.docs.set(uri.toString(), text);
    while (this.docs.size > KEEP_DOCUMENTS) this.docs.delete(this.docs.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return uri;
  }

  /** The text of a document shown (tests). */
  text(uri: vscode.Uri): string | undefined {
    return this.docs.get(uri.toString());
  }

  dispose(): void {
    this.docs.clear();
    this.emitter.dispose();
  }
}
