// A bound on a whole report's text, whatever the processes hold: each string is capped where
// it is read (capText.ts), but many processes with capped command lines of the widest
// characters could still make a sample reply longer than the host reads (MAX_REPLY_BYTES).
// Over the budget, every member's command line and every row's key and info are cut to an
// equal share of it, each with the cut mark; the figures are untouched. (Only then can two
// rows' keys meet, or a key change from one reply to the next: a reply the host can read
// is worth more.)
import { capText, CUT_MARK } from './capText';
import type { GroupRow, Report } from './types';

/** The texts' share of a sample reply: half the line the host accepts (MAX_REPLY_BYTES, protocol.ts). */
export const REPLY_TEXT_BUDGET = 128 * 1024 * 1024;

/** UTF-8 bytes a text may cost in JSON, at worst: 3 per UTF-16 unit, doubled by `\`-escapes. */
const WORST_BYTES_PER_UNIT = 6;
/** The shortest share a text is cut to (a cut mark and a few characters). */
const MIN_SHARE_BYTES = 64;

function textUnits(rows: readonly GroupRow[]): { units: number; texts: number } {
  let units = 0;
  let texts = 0;
  for (const r of rows) {
    units += r.key.length + r.info.length;
    texts += 2;
    for (const m of r.members) {
      units += m.cmd.length;
      texts++;
    }
  }
  return { units, texts };
}

/** `report` itself when its texts fit `budgetBytes` (at worst), else a copy with them cut. */
export function boundReport(report: Report, budgetBytes: number): Report {
  const rows = [report.total, ...report.rows];
  const { units, texts } = textUnits(rows);
  if (units * WORST_BYTES_PER_UNIT <= budgetBytes) return report;
  const share = Math.max(MIN_SHARE_BYTES, Math.floor(budgetBytes / WORST_BYTES_PER_UNIT / Math.max(1, texts)) * 3);
  const cut = (s: string) => (s.length * 3 <= share ? s : capText(s.endsWith(CUT_MARK) ? s.slice(0, -CUT_MARK.length) : s, share, true));
  const cutRow = (r: GroupRow): GroupRow => ({ ...r, key: cut(r.key), info: cut(r.info), members: r.members.map((m) => ({ ...m, cmd: cut(m.cmd) })) });
  return { ...report, total: cutRow(report.total), rows: report.rows.map(cutRow) };
}
