// Layout figures of the table, measured from the DOM: how many rows fit, which is first in
// view, how tall a row is. Tests and benchmarks pass their own.
import type { Shell } from './shell';
import { visibleRows } from './virtual';

export interface Metrics {
  /** Group rows that fit in the table's viewport. */
  pageRows(): number;
  /** Index of the first row visible in the viewport. */
  firstVisibleRow(): number;
  /** Height of a body row in px (0: not known yet, e.g. before the first row is laid out). */
  rowHeight(): number;
}

/** Rows fitting the window when nothing is laid out yet. */
const DEFAULT_PAGE_ROWS = 20;

export class DomMetrics implements Metrics {
  /** A body row's height as measured (0: not yet, or to be measured again). */
  private measured = 0;

  constructor(private readonly s: Pick<Shell, 'tbody' | 'thead' | 'scroll'>) {}

  /** The font or zoom may have changed: measure the rows again. */
  forget(): void {
    this.measured = 0;
  }

  /** Measured once (a layout read) and kept until forget(): every body row has this height. */
  rowHeight(): number {
    if (this.measured > 0) return this.measured;
    const s = this.s;
    const tr = s.tbody.querySelector('tr.pm-row, tr.pm-member, tr.pm-overflow');
    const h = tr ? tr.getBoundingClientRect().height : 0;
    if (h > 0) {
      this.measured = h;
      // A row scrolled into view (keys) stops below the sticky header, not under it.
      const pad = `${s.thead.getBoundingClientRect().height}px`;
      if (s.scroll.style.scrollPaddingTop !== pad) s.scroll.style.scrollPaddingTop = pad;
    }
    return h > 0 ? h : 0;
  }

  pageRows(): number {
    const rh = this.rowHeight();
    const h = this.s.scroll.clientHeight - this.s.thead.getBoundingClientRect().height;
    return rh > 0 && h > 0 ? Math.max(1, Math.floor(h / rh)) : DEFAULT_PAGE_ROWS;
  }

  firstVisibleRow(): number {
    return visibleRows(this.s.scroll.scrollTop, 0, this.rowHeight()).first;
  }
}
