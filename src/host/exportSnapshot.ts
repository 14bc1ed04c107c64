// "pmemstat: Export Snapshot…": the current sample as JSON (the versioned snapshot file of
// src/shared/snapshot.ts, docs/snapshots.md) or CSV (one line per total, group and process;
// memory in KB as the kernel prints it). "Export Group History…": one group's categories
// over time as CSV.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { printable } from '../core/printable';
import { CSV_FIGURES, isMemFigure, memFigure, type Figure } from '../core/figures';
import { MEM_KEYS, zeroMem, type GroupRow, type Mem, type Report } from '../core/types';
import { snapshotJson, type SnapshotMeta } from '../shared/snapshot';
import type { GroupHistory } from '../shared/webviewProtocol';

export { snapshotJson, type SnapshotMeta };

/** The figures of the snapshot CSV (cpu%, the categories, uss, pss+swap) and, of those the history keeps, the group-history CSV's: the registry's (src/core/figures.ts). */
const HISTORY_FIGURES = CSV_FIGURES.filter((f) => f.history);

export const CSV_COLUMNS = ['level', 'type', 'delta_kb', 'key', 'pid', 'starttime', 'count', ...CSV_FIGURES.map((f) => f.csv), 'info'];

/** A CSV field: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  let s = printable(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

const TYPE_NAMES: Record<string, string> = { T: 'total', A: 'new', O: 'overflow', x: 'vanished', '': '' };

function typeName(t: GroupRow['type']): string {
  if (t.startsWith('+')) return 'grew';
  if (t.startsWith('-')) return 'shrank';
  return TYPE_NAMES[t] ?? '';
}

/** A CSV figure's value: cpu% to one decimal, memory in KB. */
function csvValue(f: Figure, x: { cpu: number; mem: Mem }): number {
  if (f.key === 'cpu') return Math.round(x.cpu * 10) / 10;
  return isMemFigure(f) ? memFigure(x.mem, f.key) : 0;
}

const snapshotFields = (x: { cpu: number; mem: Mem }): number[] => CSV_FIGURES.map((f) => csvValue(f, x));

export function snapshotCsv(report: Report): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  const line = (fields: Array<string | number | null>) => lines.push(fields.map(csvField).join(','));
  const t = report.total;
  line(['total', typeName(t.type), null, t.key, null, null, t.count, ...snapshotFields(t), t.info]);
  for (const r of report.rows) {
    line(['group', typeName(r.type), r.delta || null, r.key, r.pid, null, r.count, ...snapshotFields(r), r.info]);
    if (r.type === 'x') continue;
    for (const m of r.members) {
      line(['process', '', null, r.key, m.pid, m.starttime, 1, ...snapshotFields(m), m.cmd]);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export const HISTORY_CSV_COLUMNS = ['time', 'unix_ms', ...HISTORY_FIGURES.map((f) => f.csv), 'reported', 'key'];

/**
 * One group's history as CSV: a line per sample, oldest first, every category in KB, and
 * what that sample reported for the group (`A` new, `+NK`/`-NK` a delta, empty unchanged).
 */
export function groupHistoryCsv(g: GroupHistory): string {
  const lines: string[] = [HISTORY_CSV_COLUMNS.join(',')];
  for (let i = 0; i < g.times.length; i++) {
    const mem = zeroMem();
    for (const k of MEM_KEYS) mem[k] = g.mem[k][i];
    const fields: Array<string | number> = [new Date(g.times[i]).toISOString(), g.times[i], ...HISTORY_FIGURES.map((f) => csvValue(f, { cpu: 0, mem })), g.types[i], g.key];
    lines.push(fields.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A file-name-safe rendering of a group key (keys are process-derived: anything may be in them). */
export function fileSafe(key: string, max = 40): string {
  const s = key
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, max);
  return s || 'group';
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Ask where, then write JSON or CSV (by the chosen extension). Returns the file, or undefined when cancelled. */
export async function exportSnapshot(report: Report, meta: SnapshotMeta): Promise<vscode.Uri | undefined> {
  const folder = defaultFolder();
  const target = await vscode.window.showSaveDialog({
    title: 'pmemstat: Export Snapshot',
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(folder, `pmemstat-${stamp(report.leader.time)}.json`),
    filters: { JSON: ['json'], CSV: ['csv'] },
  });
  if (!target) return undefined;
  const csv = target.path.toLowerCase().endsWith('.csv');
  const text = csv ? snapshotCsv(report) : snapshotJson(report, meta);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  return target;
}

function defaultFolder(): vscode.Uri {
  return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
}

/** Ask where, then write the group's history CSV. Returns the file, or undefined when cancelled. */
export async function exportGroupHistory(g: GroupHistory): Promise<vscode.Uri | undefined> {
  const last = g.times.length ? g.times[g.times.length - 1] : Date.now();
  const target = await vscode.window.showSaveDialog({
    title: `pmemstat: Export Group History (${g.key.length > 60 ? g.key.slice(0, 59) + '\u2026' : g.key})`,
    saveLabel: 'Export',
    defaultUri: vscode.Uri.joinPath(defaultFolder(), `pmemstat-history-${fileSafe(g.key)}-${stamp(last)}.csv`),
    filters: { CSV: ['csv'] },
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(groupHistoryCsv(g)));
  return target;
}
