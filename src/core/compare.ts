// "Compare with Snapshot…": what changed per group between a saved sample and now.
// Pure: two Reports in, a classified list and its plain-text rendering out.
import { printable } from './printable';
import { type GroupRow, type Mem, type Report, type Units } from './types';
import { formatKb, withCommas } from './units';

export type CompareStatus = 'grown' | 'shrunk' | 'new' | 'gone' | 'same';

export interface CompareRow {
  key: string;
  info: string;
  status: CompareStatus;
  /** The group in the snapshot (null: it is new). */
  base: Mem | null;
  /** The group now (null: it is gone). */
  now: Mem | null;
  /** ptotal now − ptotal then, KB (a new group counts from 0, a gone one to 0). */
  deltaKb: number;
  baseCount: number;
  nowCount: number;
  /** Grouped by cgroup: the kernel's usage of the group's cgroup then and now (KB; null: none). */
  kernel?: { base: number | null; now: number | null };
}

export interface CompareResult {
  /** Grown (largest growth first), shrunk (largest drop first), new (largest first), gone (largest first), same. */
  rows: CompareRow[];
  counts: Record<CompareStatus, number>;
  total: { baseKb: number; nowKb: number; baseProcs: number; nowProcs: number };
  /** |change| below this (KB) counts as unchanged. */
  thresholdKb: number;
}

const ORDER: Record<CompareStatus, number> = { grown: 0, shrunk: 1, new: 2, gone: 3, same: 4 };

function groupsOf(r: Report): Map<string, GroupRow> {
  const m = new Map<string, GroupRow>();
  for (const row of r.rows) if (row.type !== 'x' && row.type !== 'T' && row.type !== 'O') m.set(row.key, row);
  return m;
}

/** Classify every group of either report. Both must use the same grouping for keys to match. */
export function compareReports(base: Report, now: Report, thresholdKb: number): CompareResult {
  const k = Math.abs(thresholdKb);
  const b = groupsOf(base);
  const n = groupsOf(now);
  const rows: CompareRow[] = [];
  for (const [key, nr] of n) {
    const br = b.get(key);
    if (!br) {
      rows.push({ key, info: nr.info, status: 'new', base: null, now: nr.mem, deltaKb: nr.mem.ptotal, baseCount: 0, nowCount: nr.count });
      continue;
    }
    const d = nr.mem.ptotal - br.mem.ptotal;
    const status: CompareStatus = Math.abs(d) < k || d === 0 ? 'same' : d > 0 ? 'grown' : 'shrunk';
    rows.push({ key, info: nr.info, status, base: br.mem, now: nr.mem, deltaKb: d, baseCount: br.count, nowCount: nr.count });
  }
  for (const [key, br] of b) {
    if (n.has(key)) continue;
    rows.push({ key, info: br.info, status: 'gone', base: br.mem, now: null, deltaKb: -br.mem.ptotal, baseCount: br.count, nowCount: 0 });
  }
  const size = (r: CompareRow) => Math.max(r.base?.ptotal ?? 0, r.now?.ptotal ?? 0);
  rows.sort((x, y) => {
    const o = ORDER[x.status] - ORDER[y.status];
    if (o) return o;
    if (x.status === 'grown') return y.deltaKb - x.deltaKb || x.key.localeCompare(y.key);
    if (x.status === 'shrunk') return x.deltaKb - y.deltaKb || x.key.localeCompare(y.key);
    return size(y) - size(x) || x.key.localeCompare(y.key);
  });
  const counts: Record<CompareStatus, number> = { grown: 0, shrunk: 0, new: 0, gone: 0, same: 0 };
  for (const r of rows) {
    counts[r.status]++;
    const kb = b.get(r.key)?.kernel?.current ?? null;
    const kn = n.get(r.key)?.kernel?.current ?? null;
    if (kb !== null || kn !== null) r.kernel = { base: kb, now: kn };
  }
  return {
    rows,
    counts,
    total: { baseKb: base.total.mem.ptotal, nowKb: now.total.mem.ptotal, baseProcs: base.total.count, nowProcs: now.total.count },
    thresholdKb: k,
  };
}

/** A signed figure in the display units: "+1,234", "-5.0M", "0". */
export function signedKb(kb: number, units: Units): string {
  const s = formatKb(Math.abs(kb), units);
  if (/^0(\.0)?[KMGT]?$/.test(s)) return s; // rounds to nothing: no sign
  return kb > 0 ? `+${s}` : kb < 0 ? `-${s}` : s;
}

export interface CompareTextOptions {
  units: Units;
  /** Lines describing the snapshot and now (file, time, grouping, privilege). */
  heading: string[];
  /** Warnings worth reading first (e.g. the snapshot was taken as root, now as the user). */
  notes: string[];
}

const SECTION_TITLES: Record<Exclude<CompareStatus, 'same'>, string> = {
  grown: 'Grown',
  shrunk: 'Shrunk',
  new: 'New (not in the snapshot)',
  gone: 'Gone (in the snapshot, not now)',
};

/** The kernel's figure of a group's cgroup beside its info: `  (cgroup 1.2G -> 1.5G)`. */
function kernelChange(x: CompareRow, u: Units): string {
  if (!x.kernel) return '';
  const f = (kb: number | null) => (kb === null ? '-' : formatKb(kb, u));
  return `  (cgroup ${f(x.kernel.base)} -> ${f(x.kernel.now)})`;
}

/** The read-only compare view: a heading, the totals, then one aligned table per status. */
export function compareText(r: CompareResult, o: CompareTextOptions): string {
  const u = o.units;
  const out: string[] = [...o.heading.map(printable), ''];
  for (const n of o.notes) out.push(`NOTE: ${printable(n)}`);
  if (o.notes.length) out.push('');
  out.push(
    `ptotal of all groups (${u}): ${formatKb(r.total.baseKb, u)} -> ${formatKb(r.total.nowKb, u)} (${signedKb(r.total.nowKb - r.total.baseKb, u)}); ` +
      `processes: ${withCommas(r.total.baseProcs)} -> ${withCommas(r.total.nowProcs)}`,
  );
  out.push(
    `groups: ${r.counts.grown} grown, ${r.counts.shrunk} shrunk, ${r.counts.new} new, ${r.counts.gone} gone, ` +
      `${r.counts.same} unchanged (changes under ${withCommas(r.thresholdKb)} KB count as unchanged)`,
  );
  const head = [`change ${u}`, 'snapshot', 'now', 'procs', 'group'];
  for (const status of ['grown', 'shrunk', 'new', 'gone'] as const) {
    const rows = r.rows.filter((x) => x.status === status);
    if (rows.length === 0) continue;
    out.push('', `${SECTION_TITLES[status]}: ${rows.length}`);
    const cells = rows.map((x) => [
      signedKb(x.deltaKb, u),
      x.base ? formatKb(x.base.ptotal, u) : '-',
      x.now ? formatKb(x.now.ptotal, u) : '-',
      `${x.baseCount}->${x.nowCount}`,
      printable(x.info) + kernelChange(x, u),
    ]);
    const w = head.slice(0, 4).map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => `  ${c.slice(0, 4).map((v, i) => v.padStart(w[i])).join('  ')}  ${c[4]}`;
    out.push(line(head));
    for (const c of cells) out.push(line(c));
  }
  if (r.counts.grown + r.counts.shrunk + r.counts.new + r.counts.gone === 0) out.push('', 'Nothing changed beyond the threshold.');
  return out.join('\n') + '\n';
}
