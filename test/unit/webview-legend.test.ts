// @vitest-environment happy-dom
// The first screen explains itself: the legend of the marks, the "regrouping…" notice while the
// table still shows the previous grouping, and a search that matches command lines.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import { DEFAULT_PANEL_SETTINGS, type HelperState, type PanelSettings } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { LEGEND_ITEMS } from '../../webview/legend';
import { $, $$, baseProcs, proc, RecordingApi, reporter, RUNNING_AS_ROOT } from './webview-fixtures';

let current: PanelApp | null = null;
afterEach(() => {
  current?.dispose();
  current = null;
});

function mount(state?: unknown) {
  current?.dispose();
  document.body.replaceChildren();
  const api = new RecordingApi(state);
  const app = new PanelApp(document, document.body, api, { pageRows: () => 20, firstVisibleRow: () => 0 });
  current = app;
  return { app, api };
}

function init(app: PanelApp, report: Report | null, extra: { settings?: Partial<PanelSettings>; helper?: HelperState } = {}): void {
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, ...extra.settings }, helper: extra.helper ?? RUNNING_AS_ROOT, report });
}

function press(k: string): void {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
}

const rowKeys = () => $$('tr.pm-row').map((tr) => tr.dataset.key);

describe('the legend of the marks', () => {
  it('is on the first screen, each mark drawn with the class of the rows it explains', () => {
    const { app } = mount();
    const next = reporter({ minDeltaKb: -1000 });
    init(app, next(baseProcs()));
    const legend = $('#pm-legend');
    expect(legend.hidden).toBe(false);
    const entries = $$('#pm-legend .pm-legend-entry');
    expect(entries.map((e) => e.querySelector('.pm-legend-mark')?.textContent)).toEqual(['T', 'A', '+NK', '\u2212NK', 'x', 'O', '1,234', 'trend']);
    const markOf = (text: string) => entries.find((e) => e.querySelector('.pm-legend-mark')?.textContent === text)!;
    expect(markOf('A').querySelector('.pm-legend-mark')!.classList.contains('pm-new')).toBe(true);
    expect(markOf('+NK').querySelector('.pm-legend-mark')!.classList.contains('pm-grow')).toBe(true);
    expect(markOf('x').querySelector('.pm-legend-mark')!.classList.contains('pm-gone')).toBe(true);
    expect(markOf('1,234').textContent).toMatch(/earlier tick/);
    expect(markOf('trend').textContent).toMatch(/leak\?/);
    // Each row class the legend names is one the table gives its rows.
    const procs = baseProcs()
      .filter((p) => p.pid !== 400)
      .map((p) => (p.pid === 100 ? proc(100, 'firefox', 950_000, p.cmd) : p.pid === 200 ? proc(200, 'code', 400_000, p.cmd) : p));
    procs.push({ ...proc(500, 'vim', 20_000, 'vim notes.txt') });
    procs[procs.length - 2] = { ...procs[procs.length - 2], asOf: Date.UTC(2026, 0, 1, 11, 59) };
    app.receive({ type: 'report', report: next(procs) });
    const rowClasses = new Set($$('#pm-table tr').flatMap((tr) => [...tr.classList]));
    for (const item of LEGEND_ITEMS) if (item.rowClass !== 'pm-overflow' && item.rowClass) expect(rowClasses, item.rowClass).toContain(item.rowClass);
  });

  it('closes for good (the state keeps it) and the help lists the same marks', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    $('#pm-legend-close').click();
    expect($('#pm-legend').hidden).toBe(true);
    const { app: again } = mount(api.state);
    init(again, reporter()(baseProcs()));
    expect($('#pm-legend').hidden).toBe(true);
    press('?');
    expect($('#pm-help').hidden).toBe(false);
    const marks = $$('#pm-help .pm-help-marks tr').map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]);
    expect(marks).toEqual(LEGEND_ITEMS.map((i) => [i.mark, i.text]));
    expect($$('#pm-help .pm-help-keys th').map((th) => th.textContent)).toContain('/');
    const searchHelp = $$('#pm-help tr').find((tr) => tr.querySelector('th')?.textContent === '/');
    expect(searchHelp?.textContent).toMatch(/command line/);
  });

  it('marks older figures by style, not by fading the row as if disabled', () => {
    const css = readFileSync(resolve(__dirname, '../../webview/style.css'), 'utf8');
    const oldRules = [...css.matchAll(/([^{}]*pm-old[^{}]*)\{([^}]*)\}/g)].map((m) => m[2]);
    expect(oldRules.length).toBeGreaterThan(0);
    for (const body of oldRules) expect(body).not.toMatch(/opacity|disabledForeground/);
    expect(oldRules.join('')).toMatch(/font-style:\s*italic/);
  });
});

describe('regrouping', () => {
  it('says the table is regrouping from the key press until a report of the new grouping arrives', () => {
    const { app, api } = mount();
    const byExe = reporter({ groupBy: 'exe' });
    init(app, byExe(baseProcs()));
    expect($('#pm-regroup').hidden).toBe(true);
    expect($('#pm-table').getAttribute('aria-busy')).toBe('false');
    press('g'); // exe → cmd
    expect(api.of('setOptions').at(-1)?.options.groupBy).toBe('cmd');
    expect($('#pm-regroup').hidden).toBe(false);
    expect($('#pm-regroup').textContent).toBe('Regrouping by cmd\u2026 the table shows the exe grouping until the next sample arrives');
    expect($('#pm-table').getAttribute('aria-busy')).toBe('true');
    // The host's echo, then a sample that was already under way in the old grouping: still regrouping.
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'cmd' } });
    app.receive({ type: 'report', report: byExe(baseProcs()) });
    expect($('#pm-regroup').hidden).toBe(false);
    expect(rowKeys()).toEqual(['firefox', 'code', 'bash', 'sleep']);
    // The first report of the new grouping ends it.
    app.receive({ type: 'report', report: reporter({ groupBy: 'cmd' })(baseProcs()) });
    expect($('#pm-regroup').hidden).toBe(true);
    expect($('#pm-table').getAttribute('aria-busy')).toBe('false');
    expect(rowKeys()).toContain('sleep 1000');
  });

  it('claims nothing before the first report, or once sampling stopped', () => {
    const { app } = mount();
    init(app, null, { settings: { groupBy: 'pid' } });
    expect($('#pm-regroup').hidden).toBe(true);
    init(app, reporter()(baseProcs()), { settings: { groupBy: 'pid' } }); // a report grouped by exe
    expect($('#pm-regroup').hidden).toBe(false);
    app.receive({ type: 'helper', helper: { status: 'stopped', mode: null, message: 'paused', canElevate: false } });
    expect($('#pm-regroup').hidden).toBe(true);
  });
});

describe('search', () => {
  it('matches command lines as well as the row info (htop’s filter does)', () => {
    const { app } = mount();
    init(app, reporter()(baseProcs()));
    app.setSearch('sleep 1000');
    expect(rowKeys()).toEqual(['sleep']);
    app.setSearch('-childID 2');
    expect(rowKeys()).toEqual(['firefox']);
    expect($$('#pm-leader > div')[0].textContent).toMatch(/PIDs=3\/7 \/-childID 2\/$/);
    app.setSearch('--type=');
    expect(rowKeys()).toEqual(['code']);
    app.setSearch('no such thing');
    expect(rowKeys()).toEqual([]);
    expect($('#pm-search').getAttribute('title')).toMatch(/command line/);
  });
});
