// The snapshot file: one sample saved as JSON by "Export Snapshot…" and read back by
// "Compare with Snapshot…". A documented, versioned shape (docs/snapshots.md): readers accept
// every schema up to their own and refuse newer ones with a clear message.
// Browser-safe and pure: no Node or vscode imports.
import { jsonText, printable, printableReport } from '../core/printable';
import type { Report } from '../core/types';
import { reportProblem } from './reportSchema';
import { isInt, isObject, isOneOf } from './validate';
import { completeSettings, PRIVILEGE_MODES, type PanelSettings, type PrivilegeMode } from './webviewProtocol';
import { effectiveMinDeltaKb } from './options';
import { reportOptions } from './engineOptions';

/** The schema this code writes (and the newest it reads). */
export const SNAPSHOT_SCHEMA = 1;
export const SNAPSHOT_KIND = 'snapshot';
/** Larger files are refused before parsing (a snapshot of 10,000 processes is ~10 MB). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

export interface Snapshot {
  tool: 'pmemstat';
  kind: typeof SNAPSHOT_KIND;
  schema: number;
  /** The extension's version that wrote it. */
  version: string;
  /** When the sample was taken (ISO 8601, UTC). */
  time: string;
  /** How the sampler ran: root, sudo-n, sudo-prompt, sudo-S, or user (own processes only); null if unknown. */
  mode: PrivilegeMode | null;
  /** The panel's options then (groupBy tells what the group keys mean). */
  settings: PanelSettings;
  /** The sample itself: the core Report (figures in KB). */
  report: Report;
}

export interface SnapshotMeta {
  /** How the helper ran (root, user, …). */
  mode: string | null;
  settings: PanelSettings;
  version: string;
}

export function makeSnapshot(report: Report, meta: SnapshotMeta): Snapshot {
  return {
    tool: 'pmemstat',
    kind: SNAPSHOT_KIND,
    schema: SNAPSHOT_SCHEMA,
    version: meta.version,
    time: new Date(report.leader.time).toISOString(),
    mode: isOneOf(PRIVILEGE_MODES, meta.mode) ? meta.mode : null,
    settings: meta.settings,
    report,
  };
}

/** A report saved before reports carried their options: those of the settings saved beside it. */
function addReportOptions(report: unknown, s: PanelSettings): void {
  if (!isObject(report) || report.options !== undefined) return;
  report.options = reportOptions({ groupBy: s.groupBy, sortBy: s.sortBy, minDeltaKb: effectiveMinDeltaKb(s), riseToTop: s.riseToTop });
}

/**
 * Files written before the uss and pss+swap figures existed lack them: pss+swap follows from
 * the figures there (ptotal holds SwapPss only when zRAM was active), uss was not recorded and
 * reads as 0. Only a missing field is filled; anything else is left for the schema to judge.
 */
function addOptionalFigures(report: unknown): void {
  if (!isObject(report) || !isObject(report.leader)) return;
  const zram = report.leader.zram !== null;
  const fill = (m: unknown) => {
    if (!isObject(m) || typeof m.ptotal !== 'number' || typeof m.pswap !== 'number') return;
    if (m.uss === undefined) m.uss = 0;
    if (m.epss === undefined) m.epss = m.ptotal + (zram ? 0 : m.pswap);
  };
  for (const row of [report.total, ...(Array.isArray(report.rows) ? report.rows : [])]) {
    if (!isObject(row)) continue;
    fill(row.mem);
    if (Array.isArray(row.members)) for (const member of row.members) if (isObject(member)) fill(member.mem);
  }
}

/** The file's text: pretty JSON, one trailing newline. */
export function snapshotJson(report: Report, meta: SnapshotMeta): string {
  return jsonText(makeSnapshot(report, meta), 2) + '\n';
}

export type ParsedSnapshot = { ok: true; snapshot: Snapshot } | { ok: false; error: string };

/**
 * Read a snapshot file's text. Never throws: a file that is not a snapshot gives a
 * one-line reason. Files of the first release (no "kind"/"schema") read as schema 1.
 */
export function parseSnapshot(text: string): ParsedSnapshot {
  const fail = (error: string): ParsedSnapshot => ({ ok: false, error });
  if (text.length > MAX_SNAPSHOT_BYTES) return fail(`it is larger than ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MB`);
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    return fail(`it is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(x) || x.tool !== 'pmemstat') return fail('it is not a pmemstat snapshot (no "tool": "pmemstat")');
  if (x.kind !== undefined && x.kind !== SNAPSHOT_KIND) return fail(`it is a pmemstat "${String(x.kind)}" file, not a snapshot`);
  const schema = x.schema === undefined ? 1 : x.schema;
  if (!isInt(schema) || schema < 1) return fail('its "schema" is not a positive integer');
  if (schema > SNAPSHOT_SCHEMA)
    return fail(`it was written by a newer pmemstat (snapshot schema ${schema}; this version reads up to ${SNAPSHOT_SCHEMA})`);
  addOptionalFigures(x.report);
  addReportOptions(x.report, completeSettings(x.settings));
  const problem = reportProblem(x.report);
  if (problem) return fail(`its "report" is not a pmemstat sample: ${problem}`);
  // A file is untrusted input like /proc: its names are shown, so made printable as the sampler's are.
  const report = printableReport(x.report as Report);
  const time = typeof x.time === 'string' && !Number.isNaN(Date.parse(x.time)) ? x.time : new Date(report.leader.time).toISOString();
  return {
    ok: true,
    snapshot: {
      tool: 'pmemstat',
      kind: SNAPSHOT_KIND,
      schema,
      version: typeof x.version === 'string' ? printable(x.version) : 'unknown',
      time,
      mode: isOneOf(PRIVILEGE_MODES, x.mode) ? x.mode : null,
      settings: completeSettings(x.settings),
      report,
    },
  };
}
