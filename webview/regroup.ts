// A grouping change takes a sample (2–3 s under load) before the table shows it; until then the
// table says so rather than show the old grouping under the new drop-down value.
import type { GroupBy } from '../src/core/types';
import type { HelperState } from '../src/shared/webviewProtocol';
import { setAttr, setText } from './dom';
import type { Shell } from './shell';

/**
 * The notice while the table's report is of another grouping than the setting ('' = none).
 * reportGroupBy null: no report (or one of a snapshot without options), so nothing is claimed.
 */
export function regroupText(want: GroupBy, reportGroupBy: GroupBy | null, helper: HelperState): string {
  if (reportGroupBy === null || reportGroupBy === want) return '';
  if (helper.status === 'stopped' || helper.status === 'error') return '';
  return `Regrouping by ${want}\u2026 the table shows the ${reportGroupBy} grouping until the next sample arrives`;
}

/** Show the legend (until it is closed) and the regrouping notice; the table is busy meanwhile. */
export function renderNotices(s: Shell, n: { legendClosed: boolean; want: GroupBy; reportGroupBy: GroupBy | null; helper: HelperState; hasReport: boolean }): void {
  s.legend.root.hidden = n.legendClosed;
  const text = n.hasReport ? regroupText(n.want, n.reportGroupBy, n.helper) : '';
  s.regroup.hidden = text === '';
  setText(s.regroup, text);
  setAttr(s.table, 'aria-busy', String(text !== ''));
}
