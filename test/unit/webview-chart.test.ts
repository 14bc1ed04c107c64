// @vitest-environment happy-dom
// The panel's history features in the DOM: sparklines (canvas.pm-spark, drawn only when their
// figures change), leak marking (tr.pm-leak, the badge, the leader count), the selected
// group's chart (#pm-chart) and the requests the webview makes of the host.
import { afterEach, describe, expect, it } from 'vitest';
import { MEM_KEYS, type MemKey, type Report, type RowType } from '../../src/core/types';
import {
  DEFAULT_PANEL_SETTINGS,
  type GroupHistory,
  type HistoryStamp,
  type LeakInfo,
  type PanelSettings,
} from '../../src/shared/webviewProtocol';
import { PanelApp, type AppHooks, type Metrics } from '../../webview/app';
import { WINDOW_MARGIN } from '../../webview/virtual';
import { $, $$, baseProcs, proc, RecordingApi, reporter, RUNNING_AS_ROOT as RUNNING } from './webview-fixtures';

let current: PanelApp | null = null;

/** Every sparkline drawing, by group key. */
function mount(metrics: Partial<Metrics> = { pageRows: () => 40, firstVisibleRow: () => 0 }) {
  current?.dispose();
  document.body.replaceChildren();
  const api = new RecordingApi();
  const drawn: string[] = [];
  const hooks: AppHooks = {
    drawSpark: (canvas) => drawn.push((canvas.closest('tr') as HTMLElement).dataset.key as string),
    nextFrame: (cb) => cb(), // draw at once
  };
  const app = new PanelApp(document, document.body, api, metrics, hooks);
  current = app;
  return { app, api, drawn };
}

afterEach(() => {
  current?.dispose();
  current = null;
});

const stamp = (seq: number, start = 0): HistoryStamp => ({ start, seq });

function init(app: PanelApp, report: Report, history: HistoryStamp, leaks: LeakInfo[] = [], settings: Partial<PanelSettings> = {}) {
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, ...settings }, helper: RUNNING, report, history, leaks });
}

function groupHistory(key: string, ptotals: number[], types: RowType[]): GroupHistory {
  const mem = {} as Record<MemKey, number[]>;
  for (const k of MEM_KEYS) mem[k] = ptotals.map(() => 0);
  mem.ptotal = ptotals;
  mem.data = ptotals;
  return { key, times: ptotals.map((_, i) => Date.UTC(2026, 0, 1, 12) + 5000 * i), mem, types };
}

const leak = (key: string): LeakInfo => ({ key, growthKb: 40_960, seconds: 38, rises: 19, falls: 1, steps: 20, procs: 1 });

describe('sparklines', () => {
  it('one canvas.pm-spark per group row in the trend column, drawn once per change', () => {
    const { app, drawn } = mount();
    const next = reporter();
    const r0 = next(baseProcs());
    init(app, r0, stamp(0));
    expect($$('th[data-col="trend"]')).toHaveLength(1);
    expect($$('tr.pm-row td.pm-trend canvas.pm-spark')).toHaveLength(4);
    expect($$('tr.pm-total canvas.pm-spark')).toHaveLength(0);
    app.receive({ type: 'sparks', history: stamp(0), series: r0.rows.map((r) => ({ key: r.key, values: [r.mem.ptotal] })) });
    expect(drawn.sort()).toEqual(['bash', 'code', 'firefox', 'sleep']);
    expect(app.sparks.values('firefox')).toEqual([1_400_000]);
    drawn.length = 0;

    // The same figures again: the sparklines that did not change shape are not drawn again.
    const canvases = $$('canvas.pm-spark');
    const procs = baseProcs().map((p) => (p.pid === 100 ? proc(100, 'firefox', 950_000, p.cmd) : p));
    app.receive({ type: 'report', report: next(procs), history: stamp(1), leaks: [] });
    expect($$('canvas.pm-spark')).toEqual(canvases); // same elements: no DOM churn
    expect(app.sparks.values('firefox')).toEqual([1_400_000, 1_450_000]);
    expect(drawn.sort()).toEqual(['bash', 'code', 'firefox', 'sleep']); // a second point changes every picture
    drawn.length = 0;
    app.render(); // e.g. a key press: nothing new to draw
    expect(drawn).toEqual([]);
  });

  it('draws only the rows in view (and a margin); the rest when scrolled to', () => {
    let first = 0;
    const { app, drawn } = mount({ pageRows: () => 5, firstVisibleRow: () => first });
    const procs = Array.from({ length: 60 }, (_, i) => proc(1000 + i, `g${String(i).padStart(2, '0')}`, 100_000 - i * 1000));
    const r0 = reporter()(procs);
    init(app, r0, stamp(0));
    app.receive({ type: 'sparks', history: stamp(0), series: r0.rows.map((r) => ({ key: r.key, values: [r.mem.ptotal] })) });
    expect(drawn).toHaveLength(15); // 5 in view + 10 below
    first = 40;
    drawn.length = 0;
    expect(app.paintSparks()).toBe(25); // rows 30..54
    expect(drawn[0]).toBe('g30');
  });

  it('a missed report makes the webview ask for the series again (once)', () => {
    const { app, api } = mount();
    const next = reporter();
    const r0 = next(baseProcs());
    init(app, r0, stamp(0));
    app.receive({ type: 'sparks', history: stamp(0), series: [] });
    app.receive({ type: 'report', report: next(baseProcs()), history: stamp(2), leaks: [] });
    app.receive({ type: 'report', report: next(baseProcs()), history: stamp(3), leaks: [] });
    expect(api.of('getSparks')).toHaveLength(1);
    app.receive({ type: 'sparks', history: stamp(3), series: [{ key: 'bash', values: [1, 2, 3, 4] }] });
    app.receive({ type: 'report', report: next(baseProcs()), history: stamp(4), leaks: [] });
    expect(app.sparks.values('bash')).toEqual([1, 2, 3, 4, 5000]);
    expect(api.of('getSparks')).toHaveLength(1);
  });
});

describe('leak suspects', () => {
  it('mark the row (pm-leak, a "leak?" badge with its reason), its label, and the leader count', () => {
    const { app } = mount();
    const next = reporter();
    init(app, next(baseProcs()), stamp(0));
    expect($$('tr.pm-leak')).toHaveLength(0);
    expect($('#pm-leader > div').textContent).not.toContain('leak');
    app.receive({ type: 'report', report: next(baseProcs()), history: stamp(1), leaks: [leak('code'), leak('bash')] });
    expect($$('tr.pm-row.pm-leak').map((tr) => tr.dataset.key).sort()).toEqual(['bash', 'code']);
    const badge = $('tr.pm-row[data-key="code"] td.pm-trend .pm-leak-badge');
    expect(badge.textContent).toBe('leak?');
    expect(badge.getAttribute('title')).toBe('suspected leak: 1 process grew by 40 MB in 38s (up in 19 of 20 steps, down in 1)');
    expect(badge.getAttribute('aria-label')).toBe(badge.getAttribute('title'));
    expect($('tr.pm-row[data-key="code"]').getAttribute('aria-label')).toMatch(/, suspected leak: 1 process grew by 40 MB in 38s/);
    expect($('tr.pm-row[data-key="code"] td.pm-info').textContent).toBe('code'); // the info cell is untouched
    expect($('#pm-leader > div').textContent).toMatch(/PIDs=7\/7 2 leak suspects$/);
    // No longer a suspect: the marks go.
    app.receive({ type: 'report', report: next(baseProcs()), history: stamp(2), leaks: [leak('bash')] });
    expect($$('tr.pm-leak').map((tr) => tr.dataset.key)).toEqual(['bash']);
    expect($('tr.pm-row[data-key="code"] .pm-leak-badge')).toBeNull();
    expect($('#pm-leader > div').textContent).toMatch(/ 1 leak suspect$/);
    // With a search the leader still counts every suspect.
    app.setSearch('fire');
    expect($('#pm-leader > div').textContent).toMatch(/\/fire\/ 1 leak suspect$/);
  });

  it('init carries the suspects too (a reloaded panel marks them at once)', () => {
    const { app } = mount();
    init(app, reporter()(baseProcs()), stamp(7, 3), [leak('firefox')]);
    expect($('tr.pm-row[data-key="firefox"]').classList.contains('pm-leak')).toBe(true);
  });
});

describe('the chart of the selected group', () => {
  it('is hidden without a selection; selecting a row asks for its history and shows it', () => {
    const { app, api } = mount();
    const next = reporter();
    init(app, next(baseProcs()), stamp(1));
    const chart = $('#pm-chart');
    expect(chart.hidden).toBe(true);
    expect(chart.querySelector('canvas')).toBeTruthy();
    app.select({ key: 'firefox', pid: null }, false);
    expect(chart.hidden).toBe(false);
    expect(api.of('getGroupHistory')).toEqual([{ type: 'getGroupHistory', key: 'firefox' }]);
    expect($('.pm-chart-title').textContent).toBe('firefox');
    expect($('.pm-chart-note').textContent).toBe('loading history\u2026');

    app.receive({ type: 'groupHistory', key: 'firefox', history: stamp(1), capacity: 720, group: groupHistory('firefox', [1_350_000, 1_400_000], ['A', '+50000K']) });
    expect($('.pm-chart-note').textContent).toBe('2 samples, 5 s');
    expect($$('.pm-legend-item').map((e) => e.textContent)).toEqual(['ptotal', 'other', 'data', '\u25B2 +NK', '\u25BC \u2212NK']);
    expect($('.pm-chart-canvas').getAttribute('aria-label')).toBe('firefox: ptotal 1,367 MB now, +49 over 2 samples (5 s); reported 1 growth and 0 shrinks');
    expect(app.chart.geometry?.marks.map((m) => m.label)).toEqual(['+50000K']);

    // Each next report adds a point.
    const procs = baseProcs().map((p) => (p.pid === 100 ? proc(100, 'firefox', 960_000, p.cmd) : p));
    app.receive({ type: 'report', report: next(procs), history: stamp(2), leaks: [] });
    expect(app.chart.geometry?.xs).toHaveLength(3);
    expect($('.pm-chart-note').textContent).toMatch(/^3 samples/);

    // A member row charts its group; another group asks again; the close button hides it.
    app.toggleExpand('firefox');
    app.select({ key: 'firefox', pid: 101 }, false);
    expect(api.of('getGroupHistory')).toHaveLength(1);
    app.select({ key: 'code', pid: null }, false);
    expect(api.of('getGroupHistory').at(-1)).toEqual({ type: 'getGroupHistory', key: 'code' });
    ($('.pm-chart-close') as HTMLElement).click();
    expect(chart.hidden).toBe(true);
    expect(app.selected).toBeNull();
  });

  it('a selected group that vanishes (killed) keeps its chart until the user selects another', () => {
    const { app } = mount();
    const next = reporter();
    init(app, next(baseProcs()), stamp(2));
    app.select({ key: 'bash', pid: null }, false);
    app.receive({ type: 'groupHistory', key: 'bash', history: stamp(2), capacity: 720, group: groupHistory('bash', [4000, 4500, 5000], ['A', '', '+1000K']) });
    const chart = $('#pm-chart');
    const gone = baseProcs().filter((p) => p.exe !== 'bash');
    app.receive({ type: 'report', report: next(gone), history: stamp(3), leaks: [] }); // the x row
    app.receive({ type: 'report', report: next(gone), history: stamp(4), leaks: [] }); // and gone from the report
    expect(app.report?.rows.some((r) => r.key === 'bash')).toBe(false);
    expect(chart.hidden).toBe(false);
    expect($('.pm-chart-title').textContent).toBe('bash');
    expect($('.pm-chart-note').textContent).toMatch(/^3 samples/);
    expect(app.chart.geometry?.xs).toHaveLength(3);
    app.select({ key: 'code', pid: null }, false);
    app.select({ key: 'bash', pid: null }, false); // left: it does not come back
    expect(chart.hidden).toBe(true);
  });

  it('hover shows the values of the nearest sample in a text box', () => {
    const { app } = mount();
    init(app, reporter()(baseProcs()), stamp(2));
    app.select({ key: 'bash', pid: null }, false);
    app.receive({ type: 'groupHistory', key: 'bash', history: stamp(2), capacity: 720, group: groupHistory('bash', [4000, 4500, 5000], ['A', '', '+1000K']) });
    const geo = app.chart.geometry;
    expect(geo).toBeTruthy();
    const canvas = $('.pm-chart-canvas');
    canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: (geo?.xs[2] ?? 0) - 3, bubbles: true }));
    expect(app.chart.hoverIndex).toBe(2);
    const tip = $('.pm-chart-tip');
    expect(tip.hidden).toBe(false);
    expect(Array.from(tip.children).map((d) => d.textContent).slice(1)).toEqual(['ptotal 5 MB (0)', 'other 0', 'data 5', 'reported +1000K']);
    canvas.dispatchEvent(new MouseEvent('mouseleave'));
    expect(tip.hidden).toBe(true);
  });

  it('the chart exports its group history; the toolbar compares with a snapshot', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()), stamp(0));
    app.select({ key: 'code', pid: null }, false);
    $('#pm-chart-export').click();
    expect(api.of('exportGroupHistory')).toEqual([{ type: 'exportGroupHistory', key: 'code' }]);
    $('#pm-compare').click();
    expect(api.of('compareSnapshot')).toHaveLength(1);
  });

  it('a group name is text, never markup', () => {
    const { app } = mount();
    const evil = '<img src=x onerror="globalThis.pwned=1">';
    init(app, reporter()([proc(10, evil, 5_000)]), stamp(0), [leak(evil)]);
    app.select({ key: evil, pid: null }, false);
    app.receive({ type: 'groupHistory', key: evil, history: stamp(0), capacity: 720, group: groupHistory(evil, [5000], ['A']) });
    expect(document.querySelector('img')).toBeNull();
    expect($('.pm-chart-title').textContent).toBe(evil);
    expect($('.pm-chart-canvas').getAttribute('aria-label')).toContain(evil);
  });
});

describe('cost of an update', () => {
  it('1,000 groups with sparklines update in place, a window of them rendered (measured in happy-dom)', () => {
    const { app, drawn } = mount({ pageRows: () => 40, firstVisibleRow: () => 0 });
    const next = reporter({ minDeltaKb: -1000 });
    const procsAt = (step: number) =>
      Array.from({ length: 1000 }, (_, i) => proc(10_000 + i, `grp${i}`, 50_000 + ((i * 7919 + step * (i % 10 === 0 ? 1500 : 0)) % 40_000)));
    const first = next(procsAt(0));
    init(app, first, stamp(0));
    app.receive({ type: 'sparks', history: stamp(0), series: first.rows.map((r) => ({ key: r.key, values: Array(59).fill(r.mem.ptotal) })) });
    const windowRows = 40 + 1 + WINDOW_MARGIN; // the rows in view (and a partial one), a margin below
    expect($$('tr.pm-row')).toHaveLength(windowRows);
    expect($('#pm-table').getAttribute('aria-rowcount')).toBe('1002'); // header + total + every group
    expect($('tr.pm-spacer:last-child').dataset.rows).toBe(String(1000 - windowRows));
    const times: number[] = [];
    for (let k = 1; k <= 15; k++) {
      const report = next(procsAt(k));
      drawn.length = 0;
      const t = performance.now();
      app.receive({ type: 'report', report, history: stamp(k), leaks: k > 5 ? [leak('grp10'), leak('grp20')] : [] });
      times.push(performance.now() - t);
      expect(drawn.length).toBeLessThanOrEqual(50); // only rows in view are drawn
    }
    expect($$('tr.pm-row')).toHaveLength(windowRows);
    expect($$('canvas.pm-spark')).toHaveLength(windowRows); // sparkline canvases only in rendered rows
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`happy-dom: in-place update of 1,000 rows (${windowRows} rendered) with sparklines: median ${median.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
    expect(median).toBeLessThan(2000); // happy-dom is far slower than a browser: this only catches blow-ups
  });
});
