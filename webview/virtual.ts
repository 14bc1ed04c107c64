// Row virtualization of the table (pure; no DOM). A table of more than VIRTUALIZE_ABOVE rows
// renders only the rows in view plus WINDOW_MARGIN above and below; a spacer row above and below
// them stands for the rows not rendered (at the fixed row height), so the scroll height, the
// scroll bar and the position of every rendered row are those of the whole table.
// Up to the threshold every row is rendered: a short table costs little either way.

/**
 * Tables of at most this many body rows (group rows, expanded process rows and the O row)
 * render every row; longer ones render a window. Rendered in full, an update of 100 rows takes
 * ~13 ms in `npm run bench:ui` (120: ~15 ms, 150: 20–30 ms); a window, ~11 ms at any size.
 */
export const VIRTUALIZE_ABOVE = 100;

/** Rows rendered above and below the visible ones. */
export const WINDOW_MARGIN = 10;

/** Rows `from` … `to - 1` of the table body (indices in display order). */
export interface RowRange {
  from: number;
  to: number;
}

/**
 * The body rows in view when the body is scrolled `scrollTop` px (the rows start at 0 under the
 * sticky header) and `viewportHeight` px of it show: the first one (partly) in view and how many
 * are (partly) in view. Nothing is in view while the row height is not known (0).
 */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number): { first: number; count: number } {
  if (!(rowHeight > 0)) return { first: 0, count: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const end = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  return { first, count: Math.max(0, end - first) };
}

/**
 * The rows to render of `total` when rows `first` … `first + count - 1` are in view: all of
 * them up to `threshold`, else the visible ones and `margin` more on each side. A `current`
 * range that still covers the visible rows with at least half the margin on each side (and is
 * not much larger than needed) is kept, so that scrolling re-renders every few rows, not every
 * frame.
 */
export function renderRange(
  total: number,
  first: number,
  count: number,
  current: RowRange | null = null,
  margin = WINDOW_MARGIN,
  threshold = VIRTUALIZE_ABOVE,
): RowRange {
  const n = Math.max(0, Math.floor(total));
  if (n <= threshold) return { from: 0, to: n };
  const visFrom = Math.min(Math.max(0, Math.floor(first)), n - 1);
  const visTo = Math.min(n, visFrom + Math.max(1, Math.ceil(count)));
  const half = Math.ceil(margin / 2);
  if (
    current &&
    current.from >= 0 &&
    current.to <= n &&
    current.from <= Math.max(0, visFrom - half) &&
    current.to >= Math.min(n, visTo + half) &&
    current.to - current.from <= visTo - visFrom + 3 * margin
  ) {
    return current;
  }
  return { from: Math.max(0, visFrom - margin), to: Math.min(n, visTo + margin) };
}

/** The rows to render for a scroll position: renderRange of the visibleRows. */
export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  current: RowRange | null = null,
): RowRange {
  const v = visibleRows(scrollTop, viewportHeight, rowHeight);
  return renderRange(total, v.first, v.count, current);
}

/**
 * What the body shows for a rendered range, plus one more row (the selection, so that it always
 * has an element: aria-activedescendant and focus stay valid when it is scrolled away): runs of
 * rendered rows, with the number of rows not rendered before each (a spacer) and after the last.
 */
export function bodySegments(total: number, range: RowRange, extra: number | null): { rows: number[]; gaps: number[] } {
  const rows: number[] = [];
  const from = Math.max(0, range.from);
  const to = Math.min(total, range.to);
  const x = extra !== null && extra >= 0 && extra < total && (extra < from || extra >= to) ? extra : null;
  if (x !== null && x < from) rows.push(x);
  for (let i = from; i < to; i++) rows.push(i);
  if (x !== null && x >= to) rows.push(x);
  // gaps[k]: rows not rendered before rows[k]; gaps[rows.length]: after the last.
  const gaps: number[] = [];
  let next = 0;
  for (const i of rows) {
    gaps.push(i - next);
    next = i + 1;
  }
  gaps.push(total - next);
  return { rows, gaps };
}
