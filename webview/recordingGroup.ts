// A new grouping of the recording panel (the live panel's Group option): the selected row's keys
// mean nothing in it, so the selection follows a process into its new group — the selected
// process, or the largest member of the selected group. Pure.
import type { Report } from '../src/core/types';
import type { RowRef } from '../src/shared/rowOrder';

/** The process a selection follows, and whether its group (not the process) is selected after. */
export interface Follow {
  pid: number;
  group: boolean;
}

/** What `selected` follows into another grouping of `report`'s processes (null: nothing). */
export function followOf(report: Report, selected: RowRef | null): Follow | null {
  if (!selected) return null;
  if (selected.pid !== null) return { pid: selected.pid, group: false };
  const row = report.rows.find((r) => r.key === selected.key && r.type !== 'x');
  if (!row || row.members.length === 0) return null;
  const largest = row.members.reduce((a, b) => (b.mem.ptotal > a.mem.ptotal ? b : a));
  return { pid: largest.pid, group: true };
}

/** The selection in `report` of the followed process, and the group to expand to show it (null: none). */
export function followed(report: Report, f: Follow | null): { selected: RowRef | null; expand: string | null } {
  const row = f ? report.rows.find((r) => r.type !== 'x' && r.members.some((p) => p.pid === f.pid)) : undefined;
  if (!f || !row) return { selected: null, expand: null };
  if (f.group || row.count <= 1) return { selected: { key: row.key, pid: null }, expand: null };
  return { selected: { key: row.key, pid: f.pid }, expand: row.key };
}
