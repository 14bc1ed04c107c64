// The order of the table's body rows, decided once: the table renders this list and the
// keys (j/k, H/M/L …) walk it, so a selection moves to the row shown next. The panel and
// the terminal window (src/tui/) share it. Pure: no DOM.
import type { GroupMember, GroupRow, Report } from '../core/types';
import type { KillTarget } from './kill';

/** A selectable row: a group, or one process of an expanded group. */
export interface RowRef {
  key: string;
  /** null for the group row itself. */
  pid: number | null;
}

export function sameRef(a: RowRef | null, b: RowRef | null): boolean {
  return a !== null && b !== null && a.key === b.key && a.pid === b.pid;
}

/** A stable id of a selectable row (the table keeps its elements by it). */
export function rowId(ref: RowRef): string {
  return ref.pid === null ? `g\u0000${ref.key}` : `m\u0000${ref.key}\u0000${ref.pid}`;
}

/** One body row, in display order. */
export type DisplayRow =
  | { kind: 'group'; id: string; ref: RowRef; row: GroupRow; lineNo: number }
  | { kind: 'member'; id: string; ref: RowRef; mem: GroupMember }
  | { kind: 'overflow'; row: GroupRow; lineNo: number };

/** A group's processes in display order: biggest first, ties in pid order. */
export function membersInOrder(r: GroupRow): GroupMember[] {
  return [...r.members].sort((a, b) => b.mem.ptotal - a.mem.ptotal || a.pid - b.pid);
}

/** Every body row in display order: the groups, each followed by its processes when expanded, then the O row. */
export function displayRows(rows: readonly GroupRow[], expanded: ReadonlySet<string>, overflow: GroupRow | null = null): DisplayRow[] {
  const out: DisplayRow[] = [];
  rows.forEach((r, i) => {
    const ref: RowRef = { key: r.key, pid: null };
    out.push({ kind: 'group', id: rowId(ref), ref, row: r, lineNo: i + 1 });
    if (expanded.has(r.key) && r.type !== 'x') {
      for (const mem of membersInOrder(r)) {
        const mref: RowRef = { key: r.key, pid: mem.pid };
        out.push({ kind: 'member', id: rowId(mref), ref: mref, mem });
      }
    }
  });
  if (overflow) out.push({ kind: 'overflow', row: overflow, lineNo: rows.length + 1 });
  return out;
}

/** The selectable rows in display order (the O row is not one). */
export function navList(rows: readonly GroupRow[], expanded: ReadonlySet<string>): RowRef[] {
  const out: RowRef[] = [];
  for (const d of displayRows(rows, expanded)) if (d.kind !== 'overflow') out.push(d.ref);
  return out;
}

export type NavMove =
  | { kind: 'down'; n: number }
  | { kind: 'up'; n: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'top' }
  | { kind: 'middle' }
  | { kind: 'bottom' };

/** Where a move lands, given the current index and what the window shows (first visible, rows visible). */
export function moveIndex(cur: number, len: number, m: NavMove, firstVisible: number, pageRows: number): number {
  if (len === 0) return -1;
  const clamp = (i: number) => Math.max(0, Math.min(len - 1, i));
  const c = cur < 0 ? -1 : cur;
  switch (m.kind) {
    case 'down':
      return clamp(c < 0 ? 0 : c + m.n);
    case 'up':
      return clamp(c < 0 ? 0 : c - m.n);
    case 'first':
      return 0;
    case 'last':
      return len - 1;
    case 'top':
      return clamp(firstVisible);
    case 'middle':
      return clamp(firstVisible + Math.floor((Math.min(pageRows, len - firstVisible) - 1) / 2));
    case 'bottom':
      return clamp(firstVisible + pageRows - 1);
  }
}

/** The processes a row stands for (none for the total, the overflow or a vanished group). */
export function killTargets(report: Report | null, ref: RowRef): KillTarget[] {
  const row = report?.rows.find((r) => r.key === ref.key && r.type !== 'x');
  if (!row) return [];
  const members = ref.pid === null ? row.members : row.members.filter((m) => m.pid === ref.pid);
  return members.map((m) => ({ pid: m.pid, starttime: m.starttime }));
}

/**
 * The selection to keep when the rows change: a process no longer shown gives way to its
 * group, if that is shown; anything else stays (it may come back).
 */
export function keptSelection(rows: readonly GroupRow[], expanded: ReadonlySet<string>, selected: RowRef | null): RowRef | null {
  if (!selected || selected.pid === null || navList(rows, expanded).some((r) => sameRef(r, selected))) return selected;
  return rows.some((r) => r.key === selected.key) ? { key: selected.key, pid: null } : selected;
}
