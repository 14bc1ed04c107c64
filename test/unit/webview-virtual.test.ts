// The windowing math of the virtualized table (webview/virtual.ts) and the fixed column widths
// (columnChars): pure functions, no DOM.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/webviewProtocol';
import { columnChars } from '../../webview/columns';
import { bodySegments, renderRange, rowWindow, VIRTUALIZE_ABOVE, visibleRows, WINDOW_MARGIN } from '../../webview/virtual';
import { baseProcs, proc, reporter } from './webview-fixtures';

const M = WINDOW_MARGIN;

describe('visibleRows', () => {
  it('gives the first row (partly) in view and how many are', () => {
    expect(visibleRows(0, 200, 20)).toEqual({ first: 0, count: 10 });
    expect(visibleRows(10, 200, 20)).toEqual({ first: 0, count: 11 }); // half a row at the top and at the bottom
    expect(visibleRows(400, 190, 20)).toEqual({ first: 20, count: 10 });
    expect(visibleRows(21.6 * 100, 800, 21.6)).toEqual({ first: 100, count: 38 });
  });

  it('shows nothing while the row height is unknown, and no negative scroll', () => {
    expect(visibleRows(500, 800, 0)).toEqual({ first: 0, count: 0 });
    expect(visibleRows(-30, 100, 20)).toEqual({ first: 0, count: 5 });
    expect(visibleRows(0, -5, 20)).toEqual({ first: 0, count: 0 });
  });
});

describe('renderRange', () => {
  it('renders every row up to the threshold', () => {
    expect(renderRange(0, 0, 30)).toEqual({ from: 0, to: 0 });
    expect(renderRange(40, 25, 10)).toEqual({ from: 0, to: 40 });
    expect(renderRange(VIRTUALIZE_ABOVE, 100, 10)).toEqual({ from: 0, to: VIRTUALIZE_ABOVE });
  });

  it('above it, the rows in view and a margin on each side, clamped to the table', () => {
    const n = VIRTUALIZE_ABOVE + 1;
    expect(renderRange(n, 0, 30)).toEqual({ from: 0, to: 30 + M });
    expect(renderRange(1000, 500, 30)).toEqual({ from: 500 - M, to: 530 + M });
    expect(renderRange(1000, 980, 30)).toEqual({ from: 980 - M, to: 1000 });
    // Scrolled past the end of a table that shrank: the last rows.
    expect(renderRange(1000, 5000, 30)).toEqual({ from: 999 - M, to: 1000 });
    // Nothing known about the viewport yet: at least one row and the margin.
    expect(renderRange(1000, 0, 0)).toEqual({ from: 0, to: 1 + M });
  });

  it('keeps the current range while it covers the view with half the margin, then moves it', () => {
    const cur = renderRange(1000, 500, 30);
    expect(renderRange(1000, 500 + M / 2, 30, cur)).toBe(cur); // scrolled half a margin: kept
    expect(renderRange(1000, 500 - M / 2, 30, cur)).toBe(cur);
    expect(renderRange(1000, 501 + M / 2, 30, cur)).toEqual({ from: 501 + M / 2 - M, to: 531 + M / 2 + M });
    expect(renderRange(1000, 499 - M / 2, 30, cur)).toEqual({ from: 499 - M / 2 - M, to: 529 - M / 2 + M });
    // A jump far away, a range beyond a shrunk table, one much larger than needed: not kept.
    expect(renderRange(1000, 100, 30, cur)).toEqual({ from: 100 - M, to: 130 + M });
    expect(renderRange(520, 480, 30, { from: 480, to: 560 })).toEqual({ from: 480 - M, to: 520 });
    expect(renderRange(1000, 0, 30, { from: 0, to: 1000 })).toEqual({ from: 0, to: 30 + M });
  });
});

describe('rowWindow: the rows rendered for a scroll position', () => {
  it('combines the scroll geometry and the margin', () => {
    // 1,000 rows of 20 px, 400 px of body in view: rows 0..19 at the top.
    expect(rowWindow(0, 400, 20, 1000)).toEqual({ from: 0, to: 20 + M });
    expect(rowWindow(2000, 400, 20, 1000)).toEqual({ from: 100 - M, to: 120 + M });
    expect(rowWindow(2010, 400, 20, 1000)).toEqual({ from: 100 - M, to: 121 + M });
    expect(rowWindow(19_600, 400, 20, 1000)).toEqual({ from: 980 - M, to: 1000 });
    expect(rowWindow(2000, 400, 20, 100)).toEqual({ from: 0, to: 100 }); // a short table: all of it
  });

  it('scrolling a row at a time re-renders every few rows, never leaving a visible row out', () => {
    let cur = rowWindow(0, 400, 20, 1000);
    let changes = 0;
    for (let top = 0; top <= 19_600; top += 20) {
      const next = rowWindow(top, 400, 20, 1000, cur);
      if (next !== cur) changes++;
      cur = next;
      const v = visibleRows(top, 400, 20);
      expect(cur.from).toBeLessThanOrEqual(v.first);
      expect(cur.to).toBeGreaterThanOrEqual(Math.min(1000, v.first + v.count));
    }
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(1000 / (M / 2)); // not every row
  });
});

describe('bodySegments', () => {
  it('the rendered rows and the rows left out before, between and after them', () => {
    expect(bodySegments(10, { from: 0, to: 10 }, null)).toEqual({ rows: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], gaps: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] });
    expect(bodySegments(1000, { from: 100, to: 103 }, null)).toEqual({ rows: [100, 101, 102], gaps: [100, 0, 0, 897] });
    expect(bodySegments(0, { from: 0, to: 0 }, null)).toEqual({ rows: [], gaps: [0] });
  });

  it('renders the selected row too, in its place, wherever it is', () => {
    expect(bodySegments(1000, { from: 100, to: 103 }, 5)).toEqual({ rows: [5, 100, 101, 102], gaps: [5, 94, 0, 0, 897] });
    expect(bodySegments(1000, { from: 100, to: 103 }, 999)).toEqual({ rows: [100, 101, 102, 999], gaps: [100, 0, 0, 896, 0] });
    expect(bodySegments(1000, { from: 100, to: 103 }, 101)).toEqual({ rows: [100, 101, 102], gaps: [100, 0, 0, 897] }); // already in
    expect(bodySegments(1000, { from: 100, to: 103 }, 1000)).toEqual({ rows: [100, 101, 102], gaps: [100, 0, 0, 897] }); // gone
  });

  it('rows and gaps always add up to the table', () => {
    for (const [total, from, to, sel] of [
      [500, 0, 41, 499],
      [500, 459, 500, 0],
      [151, 20, 60, 70],
    ] as const) {
      const { rows, gaps } = bodySegments(total, { from, to }, sel);
      expect(rows.length + gaps.reduce((a, b) => a + b, 0)).toBe(total);
    }
  });
});

describe('columnChars: the fixed column widths', () => {
  const s = { ...DEFAULT_PANEL_SETTINGS };
  const report = reporter()(baseProcs());

  it('fits the header with its sort arrow and the total, which bounds every figure', () => {
    expect(columnChars('ptotal', report.rows, report.total, null, new Set(), s)).toBe('ptotal'.length + 2);
    const big = reporter()([proc(1, 'huge', 2_000_000_000), proc(2, 'small', 10)]);
    expect(columnChars('ptotal', big.rows, big.total, null, new Set(), s)).toBe('1,953,125'.length);
    expect(columnChars('ptotal', big.rows, big.total, null, new Set(), { ...s, units: 'KB' })).toBe('2,000,000,010'.length);
    expect(columnChars('ptotal', big.rows, big.total, null, new Set(), { ...s, units: 'human' })).toBe(8); // "ptotal ▾"
    expect(columnChars('data', big.rows, big.total, null, new Set(), { ...s, units: 'human' })).toBe(6); // "999.9M" at most
  });

  it('type, count and line number columns measure the rows', () => {
    const rows = report.rows.map((r, i) => (i === 0 ? { ...r, type: '+1234567K' as const } : r));
    expect(columnChars('type', rows, report.total, null, new Set(), s)).toBe('+1234567K'.length);
    expect(columnChars('count', report.rows, report.total, null, new Set(), s)).toBe('count'.length + 2);
    const pids = reporter()([proc(4_194_303, 'a', 10), proc(4_194_304, 'b', 10)]);
    expect(columnChars('count', pids.rows, pids.total, null, new Set(), s)).toBe(7);
    expect(columnChars('line', report.rows, report.total, null, new Set(), s)).toBe(1);
    const many = Array.from({ length: 120 }, () => report.rows[0]);
    expect(columnChars('line', many, report.total, report.rows[0], new Set(), s)).toBe(3);
  });
});
