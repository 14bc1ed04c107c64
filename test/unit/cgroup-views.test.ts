// @vitest-environment happy-dom
// The waterfall on screen: Enter on a group of a cgroup grouping opens it beside the limits and
// events, in the panel (webview/cgroupView.ts) and in the terminal window (src/tui/cgroupLines.ts);
// an OOM kill marks the row at once. The reports come from the captured pure-v2 tree.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { procCgroup, type CgroupCounters, type FigureDirs } from '../../src/core/cgroup';
import { Reporter } from '../../src/core/report';
import type { GroupBy, Report } from '../../src/core/types';
import { cgroupReader } from '../../src/proc/cgroupfs';
import { Sampler } from '../../src/sampler/sampler';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/webviewProtocol';
import { initialState, layout, settle, update, type TuiState } from '../../src/cli/window/model';
import { render } from '../../src/cli/window/render';
import type { Action } from '../../src/cli/window/keys';
import { PanelApp } from '../../webview/app';
import { $, $$, proc, RecordingApi, RUNNING_AS_ROOT, sample } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

const V2 = join(__dirname, '..', '..', 'fixtures', 'cgroup', 'waterfall-v2');

/** Reports of the captured tree, one per call; `kills` adds OOM kills to the kernel's counter (as a later sample would read it). */
function reports(groupBy: GroupBy = 'unit'): (kills?: number) => Report {
  const sampler = new Sampler({ root: V2, cgroups: true, oneShot: true });
  const real = cgroupReader(() => V2);
  let extra = 0;
  const read = (w: FigureDirs): CgroupCounters => {
    const c = real(w);
    return c.events ? { ...c, events: { ...c.events, oomKill: (c.events.oomKill ?? 0) + extra } } : c;
  };
  const reporter = new Reporter(reportOptions({ groupBy, riseToTop: false }), read);
  return (kills = 0) => {
    extra = kills;
    return reporter.report(sampler.sample());
  };
}

let app: PanelApp | null = null;
afterEach(() => app?.dispose());

function mount(report: Report, groupBy: GroupBy) {
  document.body.replaceChildren();
  const api = new RecordingApi();
  app = new PanelApp(document, document.body, api, { pageRows: () => 20, firstVisibleRow: () => 0 }, { nextFrame: (cb) => cb() });
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy, units: 'KB' }, helper: RUNNING_AS_ROOT, report, history: { start: 0, seq: 0 }, leaks: [] });
  return { app, api };
}

const press = (key: string) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
const texts = (sel: string) => $$(sel).map((e) => e.textContent);

describe('the panel', () => {
  it('Enter on a unit opens the waterfall beside its limits and events, without asking the host', () => {
    const next = reports();
    const { app, api } = mount(next(), 'unit');
    app.select({ key: 'app.service', pid: null }, false);
    const posted = api.posted.length;
    press('Enter');
    expect(app.isExpanded('app.service')).toBe(false);
    expect($('#pm-cgroup').hidden).toBe(false);
    expect($('#pm-cgroup .pm-chart-title').textContent).toBe('Memory of app.service');
    expect($('#pm-cgroup .pm-chart-note').textContent).toBe('/system.slice/app.service \u2014 the kernel\u2019s usage 265,198 KB of 524,288 KB');
    expect(texts('.pm-cg-label')).toEqual(['pss', 'page cache', 'shmem', 'kernel', 'rest']);
    expect(texts('.pm-cg-part .pm-num:not(.pm-cg-pct)')).toEqual(['121,151', '81,924', '65,536', '1,402', '-4,815']);
    expect(texts('.pm-cg-pct')).toEqual(['46%', '31%', '25%', '1%', '-2%']);
    // The rest is below 0 (the members' file pages are charged elsewhere): drawn back from the stack's end.
    expect($('.pm-cg-rest .pm-cg-bar').classList.contains('pm-cg-neg')).toBe(true);
    expect($$('.pm-cg-side caption').map((c) => c.textContent)).toEqual(['limits', 'memory events']);
    const rows = (i: number) => $$('.pm-cg-side table')[i].querySelectorAll('tbody tr');
    expect([...rows(0)].map((tr) => [...tr.children].map((td) => td.textContent))).toEqual([
      ['min', '0'],
      ['low', '65,536'],
      ['high', 'max'],
      ['max', '524,288'],
      ['swap.max', 'max'],
    ]);
    expect([...rows(1)].map((tr) => [...tr.children].map((td) => td.textContent))).toContainEqual(['oom_kill', '0', '2']);
    expect(api.posted.length).toBe(posted); // everything was in the report
  });

  it('an OOM kill marks the row and the open view at once; another grouping closes the view', () => {
    const next = reports();
    const { app } = mount(next(), 'unit');
    expect($('tr.pm-row[data-key="app.service"] .pm-oom-badge')).toBeNull();
    app.select({ key: 'app.service', pid: null }, false);
    press('Enter');
    app.receive({ type: 'report', report: next(1), history: { start: 0, seq: 1 }, leaks: [] });
    const badge = $('tr.pm-row[data-key="app.service"] .pm-oom-badge');
    expect(badge.textContent).toBe('oom_kill=+1');
    expect(badge.getAttribute('aria-label')).toBe('1 OOM kill in its cgroup since the view started');
    expect($('tr.pm-row[data-key="app.service"]').getAttribute('aria-label')).toMatch(/1 OOM kill in its cgroup/);
    expect($('.pm-cg-side table.pm-cg-oom')).not.toBeNull();
    app.setOptions({ groupBy: 'exe' });
    expect($('#pm-cgroup').hidden).toBe(true);
  });

  it('Enter on a group without cgroup figures, or on any group of another grouping, still expands it', () => {
    const next = reports('exe');
    const { app } = mount(next(), 'exe');
    const key = app.report!.rows[0].key;
    app.select({ key, pid: null }, false);
    press('Enter');
    expect(app.isExpanded(key)).toBe(true);
    expect($('#pm-cgroup').hidden).toBe(true);
  });

  it('a hostile cgroup name is text in the view, never markup', () => {
    const evil = '/system.slice/<img src=x onerror="globalThis.pwned=1">.service';
    const read = (): CgroupCounters => ({
      current: 1000,
      limit: null,
      peak: null,
      swap: null,
      pressure: null,
      stat: { file: 300, fileMapped: 0, shmem: 100, anon: 400, kernel: 50 },
      events: null,
      limits: null,
    });
    const r = new Reporter(reportOptions({ groupBy: 'cgroup', riseToTop: false }), read).report(
      sample([{ ...proc(100, 'x', 400), cgroup: procCgroup(`0::${evil}\n`) }]),
    );
    const { app } = mount(r, 'cgroup');
    app.select({ key: r.rows[0].key, pid: null }, false);
    press('Enter');
    expect($('#pm-cgroup .pm-chart-title').textContent).toBe(`Memory of ${evil}`);
    expect(document.querySelector('#pm-cgroup img')).toBeNull();
    expect(texts('.pm-cg-part .pm-num:not(.pm-cg-pct)')).toEqual(['400', '200', '100', '50', '250']);
    expect($('.pm-cg-side .pm-cg-none').textContent).toBe('no limits or events for this cgroup');
  });
});

describe('the terminal window', () => {
  it('Enter on a unit shows the waterfall, its limits and events; Esc goes back to the table', () => {
    const report = reports()();
    const height = 24;
    let s: TuiState = initialState({ ...DEFAULT_PANEL_SETTINGS, groupBy: 'unit' }, '');
    s = settle(s, layout(report, s, height), 0);
    const act = (a: Action) => {
      s = update(s, a, layout(report, s, height), []).state;
    };
    const screen = () => render(layout(report, s, height), s, { width: 120, height, accessHint: '', loopSecs: 5 }).map((l) => l.text.trimEnd());
    act({ kind: 'enter' });
    expect(s.mode).toBe('cgroup');
    const lines = screen();
    const at = lines.indexOf('Memory of app.service (cgroup /system.slice/app.service)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 7).map((l) => l.trim().split(/\s{2,}/).slice(0, 2))).toEqual([
      ['usage', '259.0M'],
      ['pss', '118.3M'],
      ['page cache', '80.0M'],
      ['shmem', '64.0M'],
      ['kernel', '1.4M'],
      ['rest', '-4.7M'],
    ]);
    expect(lines).toContain('limits: min=0 low=64.0M high=max max=512.0M swap.max=max');
    expect(lines).toContain('events since the view started: low=0 high=0 max=0 oom=0 oom_kill=0');
    expect(lines).toContain('events since the cgroup was made: low=0 high=0 max=7 oom=2 oom_kill=2');
    expect(lines.at(-1)).toMatch(/^Esc or Enter closes/);
    act({ kind: 'escape' });
    expect(s.mode).toBe('table');
    expect(screen().some((l) => l.startsWith('Memory of'))).toBe(false);
  });
});
