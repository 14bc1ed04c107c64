// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import {
  DEFAULT_PANEL_SETTINGS,
  type HelperState,
  type PanelSettings,
} from '../../src/shared/webviewProtocol';
import { PanelApp, type Metrics } from '../../webview/app';
import { $, $$, baseProcs, proc, RecordingApi, reporter } from './webview-fixtures';

const RUNNING: HelperState = { status: 'running', mode: 'sudo-n', message: '', canElevate: false };
const USER: HelperState = { status: 'running', mode: 'user', message: '', canElevate: true };

let current: PanelApp | null = null;

function mount(opts: { state?: unknown; metrics?: Partial<Metrics> } = {}) {
  current?.dispose();
  document.body.replaceChildren();
  document.body.className = '';
  const api = new RecordingApi(opts.state);
  const app = new PanelApp(document, document.body, api, opts.metrics ?? { pageRows: () => 4, firstVisibleRow: () => 0 });
  current = app;
  return { app, api };
}

function init(app: PanelApp, report: Report | null, settings: Partial<PanelSettings> = {}, helper: HelperState = RUNNING): void {
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, ...settings }, helper, report });
}

function press(k: string, opts: { ctrl?: boolean; target?: EventTarget } = {}): void {
  const e = new KeyboardEvent('keydown', { key: k, ctrlKey: !!opts.ctrl, bubbles: true, cancelable: true });
  (opts.target ?? document.body).dispatchEvent(e);
}

const rowKeys = () => $$('tr.pm-row').map((tr) => tr.dataset.key);
const selectedKey = () => $('tr.pm-selected')?.dataset.key;

describe('the panel DOM', () => {
  beforeEach(() => {
    document.body.replaceChildren();
  });

  it('announces itself and has every hook of the DOM contract', () => {
    const { api } = mount();
    expect(api.posted).toEqual([{ type: 'ready' }]);
    expect($('#pm-leader')).toBeTruthy();
    expect($('table#pm-table')).toBeTruthy();
    expect($('#pm-help').hidden).toBe(true);
    expect($('#pm-search').tagName).toBe('INPUT');
    expect($('#pm-banner').hidden).toBe(true);
    expect($('#pm-banner #pm-run-as-root')).toBeTruthy();
    expect(document.body.classList.contains('pm-kill-mode')).toBe(false);
  });

  it('renders the leader, header, total and group rows of a real report', () => {
    const { app } = mount();
    const report = reporter()(baseProcs());
    init(app, report);
    const leader = $$('#pm-leader > div').map((d) => d.textContent);
    expect(leader[0]).toMatch(/^\d\d:\d\d:\d\d Tot=15\.3G Used=5\.7G Avail=9\.5G Oth=\S+ Sh\+Tmp=195\.3M Dirty=1\.0M PIDs=7\/7$/);
    expect(leader[1]).toBe('1.5%/ker kworker/0:1=0.5%');
    expect($$('th[data-col]').map((th) => th.dataset.col)).toEqual(['cpu', 'pswap', 'other', 'data', 'ptotal', 'trend', 'type', 'count', 'info']);
    expect($('th[data-col="ptotal"]').getAttribute('aria-sort')).toBe('descending');
    const total = $('tr.pm-total');
    expect(total.querySelector('td.pm-type')?.textContent).toBe('T');
    expect(total.querySelector('td.pm-count')?.textContent).toBe('7x');
    expect(total.querySelector('td.pm-ptotal')?.textContent).toBe('1,959');
    expect(rowKeys()).toEqual(['firefox', 'code', 'bash', 'sleep']);
    const ff = $('tr.pm-row[data-key="firefox"]');
    expect(ff.querySelector('td.pm-type')?.textContent).toBe('A');
    expect(ff.classList.contains('pm-new')).toBe(true);
    expect(ff.querySelector('td.pm-count')?.textContent).toBe('3x');
    expect(ff.querySelector('td.pm-info')?.textContent).toBe('firefox');
    expect(ff.querySelector('td.pm-cpu')?.textContent).toBe('16.5');
    expect($('tr.pm-row[data-key="bash"] td.pm-count').textContent).toBe('300');
    expect($('tr.pm-overflow')).toBeNull();
  });

  it('marks growth, shrink, new and vanished rows, and updates in place', () => {
    const { app } = mount();
    const next = reporter({ minDeltaKb: -1000 });
    init(app, next(baseProcs()));
    const ffRow = $('tr.pm-row[data-key="firefox"]');
    app.select({ key: 'code', pid: null }, false);
    const scroll = $('#pm-scroll');
    scroll.scrollTop = 40;
    const procs = baseProcs()
      .filter((p) => p.pid !== 400)
      .map((p) => (p.pid === 100 ? proc(100, 'firefox', 950_000, p.cmd) : p.pid === 200 ? proc(200, 'code', 400_000, p.cmd) : p));
    procs.push(proc(500, 'vim', 20_000, 'vim notes.txt'));
    app.receive({ type: 'report', report: next(procs) });
    expect($('tr.pm-row[data-key="firefox"]')).toBe(ffRow); // same element: updated in place
    expect(ffRow.classList.contains('pm-grow')).toBe(true);
    expect(ffRow.querySelector('td.pm-type')?.textContent).toBe('+50000K');
    const code = $('tr.pm-row[data-key="code"]');
    expect(code.classList.contains('pm-shrink')).toBe(true);
    expect(code.querySelector('td.pm-type')?.textContent).toBe('-100000K');
    expect($('tr.pm-row[data-key="vim"]').classList.contains('pm-new')).toBe(true);
    const gone = $('tr.pm-row[data-key="sleep"]');
    expect(gone.classList.contains('pm-gone')).toBe(true);
    expect(gone.querySelector('td.pm-type')?.textContent).toBe('x');
    expect($('tr.pm-row[data-key="bash"] td.pm-type').textContent).toBe('');
    expect($('tr.pm-row[data-key="bash"]').className).toBe('pm-row');
    // selection, aria and scroll survive the update
    expect(selectedKey()).toBe('code');
    expect(code.getAttribute('aria-selected')).toBe('true');
    expect($('#pm-table').getAttribute('aria-activedescendant')).toBe(code.id);
    expect(scroll.scrollTop).toBe(40);
  });

  it('never parses process-derived text as HTML', () => {
    const { app } = mount();
    const evil = '<img src=x onerror="globalThis.pwned=1">';
    init(app, reporter()([proc(10, evil, 5_000, `${evil} --x`)]));
    expect(document.querySelector('img')).toBeNull();
    const tr = $$('tr.pm-row')[0];
    expect(tr.dataset.key).toBe(evil);
    expect(tr.querySelector('td.pm-info')?.textContent).toBe(evil);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('dims a row whose figures are from an earlier sample, says when in its tooltip, and counts them in the leader', () => {
    const { app } = mount();
    const asOf = new Date(2026, 0, 2, 13, 4, 5).getTime();
    const procs = baseProcs().map((p) => (p.exe === 'bash' ? { ...p, asOf } : p));
    init(app, reporter()(procs));
    const bash = $('tr.pm-row[data-key="bash"]');
    expect(bash.classList.contains('pm-old')).toBe(true);
    expect(bash.querySelector('td.pm-info')?.getAttribute('title')).toBe('bash\nas of 13:04:05');
    expect($('tr.pm-row[data-key="firefox"]').classList.contains('pm-old')).toBe(false);
    expect($('tr.pm-row[data-key="firefox"] td.pm-info').getAttribute('title')).toBe('firefox');
    expect($$('#pm-leader > div')[0].textContent).toMatch(/PIDs=7\/7 \[1 older than this tick\]$/);
  });

  it('shows detail columns and line numbers when the report and settings ask', () => {
    const { app } = mount();
    init(app, { ...reporter()(baseProcs()), detail: true }, { lineNumbers: true, showCpu: false });
    expect($$('th[data-col]').map((th) => th.dataset.col)).toEqual(['line', 'pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal', 'trend', 'type', 'count', 'info']);
    expect($$('tr.pm-row td.pm-line').map((td) => td.textContent)).toEqual(['1', '2', '3', '4']);
  });

  it('shows the uss and pss+swap columns after ptotal only when asked (keys U and e)', () => {
    const { app } = mount();
    init(app, reporter()([proc(10, 'app', 5_000, 'app', 0, { uss: 3_072, epss: 6_144, pswap: 1_144 })]), { units: 'KB' });
    const cols = () => $$('th[data-col]').map((th) => th.dataset.col);
    expect(cols()).toEqual(['cpu', 'pswap', 'other', 'data', 'ptotal', 'trend', 'type', 'count', 'info']);
    press('U');
    press('e');
    expect(cols()).toEqual(['cpu', 'pswap', 'other', 'data', 'ptotal', 'uss', 'epss', 'trend', 'type', 'count', 'info']);
    expect($('th[data-col="epss"]').textContent).toContain('pss+swap');
    const cell = (col: string) => $(`tr.pm-row[data-key="app"] td.pm-${col}`).textContent;
    expect([cell('uss'), cell('epss')]).toEqual(['3,072', '6,144']);
    press('U');
    expect(cols()).not.toContain('uss');
  });
});

describe('keys', () => {
  it('j/k/arrows, 0/$ and H/M/L move the selection', () => {
    const { app } = mount({ metrics: { pageRows: () => 3, firstVisibleRow: () => 1 } });
    init(app, reporter()(baseProcs()));
    press('j');
    expect(selectedKey()).toBe('firefox');
    press('j');
    press('ArrowDown');
    expect(selectedKey()).toBe('bash');
    press('k');
    expect(selectedKey()).toBe('code');
    press('$');
    expect(selectedKey()).toBe('sleep');
    press('0');
    expect(selectedKey()).toBe('firefox');
    press('L');
    expect(selectedKey()).toBe('sleep'); // rows 1..3 visible: the last is index 3
    press('H');
    expect(selectedKey()).toBe('code');
    press('M');
    expect(selectedKey()).toBe('bash');
    expect($('tr.pm-selected').getAttribute('aria-selected')).toBe('true');
  });

  it('Ctrl-d/Ctrl-u move half a page, PgDn a page', () => {
    const { app } = mount({ metrics: { pageRows: () => 4, firstVisibleRow: () => 0 } });
    init(app, reporter({ groupBy: 'pid' })(baseProcs()), { groupBy: 'pid' });
    press('0');
    press('d', { ctrl: true });
    expect(selectedKey()).toBe(rowKeys()[2]);
    press('u', { ctrl: true });
    expect(selectedKey()).toBe(rowKeys()[0]);
    press('PageDown');
    expect(selectedKey()).toBe(rowKeys()[4]);
  });

  it('option keys change the view at once and tell the host', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    press('u');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { units: 'mB' } });
    expect($('tr.pm-total td.pm-ptotal').textContent).toBe('2,054');
    press('n');
    expect($$('th[data-col]')[0].dataset.col).toBe('line');
    press('c');
    expect($('th[data-col="cpu"]')).toBeNull();
    press('g');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { groupBy: 'cmd' } });
    press('s');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { sortBy: 'cpu' } });
    expect($('th[data-col="ptotal"]').hasAttribute('aria-sort')).toBe(false);
    press('o');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { detail: true } });
    press('a');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { cpuAvgSecs: 45 } });
    press('r');
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { riseToTop: false } });
  });

  it('settings from the host update the controls; a pending local change is not undone by a stale echo', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    press('g'); // exe → cmd
    press('g'); // cmd → pid
    expect(api.of('setOptions').map((m) => m.options.groupBy)).toEqual(['cmd', 'pid']);
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'cmd' } }); // echo of the first
    expect(app.settings.groupBy).toBe('pid');
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'pid' } });
    expect(app.settings.groupBy).toBe('pid');
    // A change made in the Settings editor arrives and shows.
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'pid', units: 'KB' } });
    expect(app.settings.units).toBe('KB');
    expect((app.shell.selects.units as { value: string }).value).toBe('KB');
    expect((app.shell.checks.detail as { checked: boolean }).checked).toBe(false); // "Detail" unchecked = fast mode
  });

  it('the toolbar shows each option of the catalogue with its key, in the panel\u2019s order', () => {
    mount();
    const controls = $$('#pm-toolbar [id^="pm-opt-"]').map((c) => [c.id, c.getAttribute('aria-label') ?? c.getAttribute('label')]);
    expect(controls).toEqual([
      ['pm-opt-killMode', 'Kill mode (K)'],
      ['pm-opt-groupBy', 'Group (g)'],
      ['pm-opt-sortBy', 'Sort (s)'],
      ['pm-opt-units', 'Units (u)'],
      ['pm-opt-cpuAvgSecs', 'CPU avg (a)'],
      ['pm-opt-detail', 'Detail (o)'],
      ['pm-opt-riseToTop', 'Rise (r)'],
      ['pm-opt-showCpu', 'CPU (c)'],
      ['pm-opt-showOom', 'OOM (O)'],
      ['pm-opt-lineNumbers', 'Numbers (n)'],
      ['pm-opt-fitToWindow', 'Fit (f)'],
      ['pm-opt-showUss', 'USS (U)'],
      ['pm-opt-showEpss', 'Pss+swap (e)'],
      ['pm-opt-showThp', 'THP (T)'],
      ['pm-opt-showKsm', 'KSM (m)'],
    ]);
    expect($$('#pm-opt-cpuAvgSecs vscode-option').map((o) => [o.getAttribute('value'), o.textContent])).toEqual([
      ['5', '5 s'],
      ['10', '10 s'],
      ['20', '20 s'],
      ['45', '45 s'],
      ['90', '90 s'],
    ]);
    expect($$('#pm-opt-units vscode-option').map((o) => o.textContent)).toEqual(['MB', 'mB', 'KB', 'human']);
  });

  it('the toolbar controls change options too', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    const units = app.shell.selects.units!;
    units.value = 'human';
    units.dispatchEvent(new Event('change', { bubbles: true }));
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { units: 'human' } });
    const detail = app.shell.checks.detail!;
    detail.checked = true; // checked = detail mode
    detail.dispatchEvent(new Event('change', { bubbles: true }));
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { detail: true } });
    const avg = app.shell.selects.cpuAvgSecs!;
    avg.value = '90';
    avg.dispatchEvent(new Event('change', { bubbles: true }));
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { cpuAvgSecs: 90 } });
  });

  it('keys typed in the search box search; Esc clears it, Enter keeps it', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    press('/');
    const search = $<HTMLInputElement>('#pm-search');
    expect(document.activeElement).toBe(search);
    press('g', { target: search });
    press('K', { target: search });
    expect(api.of('setOptions')).toHaveLength(0);
    expect(document.body.classList.contains('pm-kill-mode')).toBe(false);
    search.value = 'o';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    expect(rowKeys()).toEqual(['firefox', 'code']);
    expect($('tr.pm-overflow td.pm-type').textContent).toBe('O');
    expect($('tr.pm-overflow td.pm-count').textContent).toBe('2x');
    expect($('#pm-leader > div').textContent).toMatch(/PIDs=5\/7 \/o\/$/);
    press('Enter', { target: search });
    expect(app.search).toBe('o');
    expect(document.activeElement).toBe($('#pm-table'));
    search.focus();
    press('Escape', { target: search });
    expect(app.search).toBe('');
    expect(search.value).toBe('');
    expect(rowKeys()).toHaveLength(4);
    // A search that matches nothing is fine too.
    app.setSearch('[(*');
    expect(rowKeys()).toEqual([]);
    expect($('tr.pm-overflow td.pm-count').textContent).toBe('7x');
  });

  it('? opens the help overlay listing the keys; Esc closes it', () => {
    const { app } = mount();
    init(app, reporter()(baseProcs()));
    press('?');
    expect($('#pm-help').hidden).toBe(false);
    const keys = $$('#pm-help th').map((th) => th.textContent);
    for (const k of ['K', 'f', 'g', 'n', 'o', 'r', 's', 'u', 'c', 'a', '/', '?']) expect(keys).toContain(k);
    press('Escape');
    expect($('#pm-help').hidden).toBe(true);
  });

  it('the help overlay opens at its top, however it was left', () => {
    const { app } = mount();
    init(app, reporter()(baseProcs()));
    const help = $('#pm-help');
    const close = $('#pm-help-close');
    const focusCalls: unknown[] = [];
    const focus = close.focus.bind(close);
    close.focus = (o?: FocusOptions) => {
      focusCalls.push(o);
      focus(o);
    };
    press('?');
    help.scrollTop = 400; // read to the end
    press('Escape');
    press('?');
    expect(help.hidden).toBe(false);
    expect(help.scrollTop).toBe(0);
    // Close (the last element) gets the focus without scrolling the overlay down to it
    expect(focusCalls).toEqual([{ preventScroll: true }, { preventScroll: true }]);
    expect(document.activeElement).toBe(close);
  });
});

describe('header sort', () => {
  it('with rise on, a header sort wins over rise; rise resumes when a click returns to the setting\'s order', () => {
    const { app, api } = mount();
    const next = reporter();
    init(app, next(baseProcs()), { riseToTop: true, showCpu: true });
    // A new, idle group (like `timeout` at 0.0 %) is raised above busy ones.
    app.receive({ type: 'report', report: next([...baseProcs(), proc(500, 'timeout', 900, 'timeout 5 sleep 5', 0)]), history: null, leaks: [] });
    expect(rowKeys()[0]).toBe('timeout');
    ($('th[data-col="cpu"] button') as HTMLElement).click();
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { sortBy: 'cpu' } });
    expect(rowKeys()).toEqual(['firefox', 'code', 'bash', 'sleep', 'timeout']); // by cpu, the idle new one last
    ($('th[data-col="ptotal"] button') as HTMLElement).click(); // back to the setting's order (mem)
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { sortBy: 'mem' } });
    expect(rowKeys()[0]).toBe('timeout'); // rise again
    ($('th[data-col="count"] button') as HTMLElement).click();
    expect(rowKeys()[0]).toBe('firefox');
    press('s'); // sorting from the keyboard (or the toolbar) is the setting: rise applies
    expect(rowKeys()[0]).toBe('timeout');
  });
  it('clicking a header sorts by it and sets aria-sort; the natural ones become the setting', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    ($('th[data-col="count"] button') as HTMLElement).click();
    expect($('th[data-col="count"]').getAttribute('aria-sort')).toBe('descending');
    expect($('th[data-col="ptotal"]').hasAttribute('aria-sort')).toBe(false);
    expect(rowKeys()).toEqual(['firefox', 'code', 'bash', 'sleep']);
    $('th[data-col="count"]').click();
    expect($('th[data-col="count"]').getAttribute('aria-sort')).toBe('ascending');
    expect(rowKeys().slice(0, 2)).toEqual(['bash', 'sleep']);
    expect(api.of('setOptions')).toHaveLength(0);
    $('th[data-col="info"]').click();
    expect(api.of('setOptions').at(-1)).toEqual({ type: 'setOptions', options: { sortBy: 'name' } });
    expect($('th[data-col="info"]').getAttribute('aria-sort')).toBe('ascending');
    expect(rowKeys()).toEqual(['bash', 'code', 'firefox', 'sleep']);
    expect(app.localSort).toBeNull();
  });
});

describe('fit to window', () => {
  it('folds rows that do not fit into an O row, only when sorted by mem or cpu', () => {
    const { app } = mount({ metrics: { pageRows: () => 3, firstVisibleRow: () => 0 } });
    init(app, reporter()(baseProcs()));
    press('f');
    expect(rowKeys()).toEqual(['firefox', 'code']);
    expect($('tr.pm-overflow td.pm-info').textContent).toBe('2 more groups');
    $('th[data-col="info"]').click(); // sort by name: fit does not apply
    expect(rowKeys()).toHaveLength(4);
    expect($('tr.pm-overflow')).toBeNull();
  });
});

describe('kill mode', () => {
  it('K shows the mode; Enter asks the host to kill the selected group by pid and start time', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    press('K');
    expect(document.body.classList.contains('pm-kill-mode')).toBe(true);
    expect($('#pm-kill-indicator').hidden).toBe(false);
    press('j'); // firefox
    press('Enter');
    expect(api.of('kill')).toEqual([
      {
        type: 'kill',
        targets: [
          { pid: 100, starttime: 1000 },
          { pid: 101, starttime: 1010 },
          { pid: 102, starttime: 1020 },
        ],
      },
    ]);
    expect(app.isExpanded('firefox')).toBe(false);
    app.receive({ type: 'killDone', results: [{ pid: 100, outcome: 'gone' }, { pid: 101, outcome: 'not-permitted' }] });
    expect($('#pm-status').textContent).toContain('gone: 100');
    press('Escape');
    expect(document.body.classList.contains('pm-kill-mode')).toBe(false);
    expect($('#pm-kill-indicator').hidden).toBe(true);
    press('Enter'); // outside kill mode Enter expands
    expect(api.of('kill')).toHaveLength(1);
    expect(app.isExpanded('firefox')).toBe(true);
  });

  it('a row kill button kills that row; a vanished row has nothing to kill', () => {
    const { app, api } = mount();
    const next = reporter();
    init(app, next(baseProcs()));
    app.receive({ type: 'report', report: next(baseProcs().filter((p) => p.pid !== 400)) });
    press('K');
    ($('tr.pm-row[data-key="bash"] .pm-kill-btn') as HTMLElement).click();
    expect(api.of('kill').at(-1)).toEqual({ type: 'kill', targets: [{ pid: 300, starttime: 3000 }] });
    expect($('tr.pm-row[data-key="sleep"] .pm-kill-btn')).toBeNull();
    app.select({ key: 'sleep', pid: null }, false);
    press('Enter');
    expect(api.of('kill')).toHaveLength(1);
  });
});

describe('drill-down', () => {
  it('a group expands into its processes; a process can be killed alone', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs()));
    press('j');
    press('ArrowRight');
    const members = $$('tr.pm-member');
    expect(members.map((tr) => tr.dataset.pid)).toEqual(['100', '101', '102']);
    expect(members.every((tr) => tr.dataset.key === 'firefox')).toBe(true);
    expect(members[0].querySelector('td.pm-count')?.textContent).toBe('100');
    expect(members[0].querySelector('td.pm-info')?.textContent).toBe('firefox --new-window');
    expect(members[0].querySelector('td.pm-ptotal')?.textContent).toBe('879');
    expect($('tr.pm-row[data-key="firefox"]').getAttribute('aria-expanded')).toBe('true');
    // the members follow their group row
    const order = $$('#pm-table tbody tr').map((tr) => tr.dataset.pid ?? tr.dataset.key);
    expect(order.slice(0, 5)).toEqual(['firefox', '100', '101', '102', 'code']);
    press('j');
    expect($('tr.pm-selected').dataset.pid).toBe('100');
    press('K');
    press('Enter');
    expect(api.of('kill').at(-1)).toEqual({ type: 'kill', targets: [{ pid: 100, starttime: 1000 }] });
    press('K');
    press('ArrowLeft'); // from a member: back to the group
    expect(app.selected).toEqual({ key: 'firefox', pid: null });
    press('ArrowLeft'); // collapse
    expect($$('tr.pm-member')).toHaveLength(0);
    // clicking the twisty expands too
    ($('tr.pm-row[data-key="code"] .pm-twisty') as HTMLElement).click();
    expect($$('tr.pm-member').map((tr) => tr.dataset.pid)).toEqual(['200', '201']);
  });
});

describe('the order of an expanded group', () => {
  it('j and k walk the processes in the order the table shows them, even when it is not pid order', () => {
    const { app } = mount({ metrics: { pageRows: () => 20, firstVisibleRow: () => 0 } });
    // pid order 500, 501, 502; ptotal order 502, 500, 501
    init(app, reporter()([proc(500, 'web', 20_000), proc(501, 'web', 10_000), proc(502, 'web', 90_000), proc(600, 'db', 5_000)]));
    press('j');
    expect(selectedKey()).toBe('web');
    press('ArrowRight');
    const shown = $$('#pm-table tbody tr.pm-row, #pm-table tbody tr.pm-member').map((tr) => tr.dataset.pid ?? tr.dataset.key);
    expect(shown).toEqual(['web', '502', '500', '501', 'db']);
    const walked: string[] = [];
    for (let i = 0; i < 4; i++) {
      press('j');
      walked.push($('tr.pm-selected').dataset.pid ?? $('tr.pm-selected').dataset.key ?? '');
    }
    expect(walked).toEqual(['502', '500', '501', 'db']);
    press('k');
    press('k');
    expect(app.selected).toEqual({ key: 'web', pid: 500 });
  });
});

describe('permission banner', () => {
  it('shows when processes were left out, with Run as Root', () => {
    const { app, api } = mount();
    init(app, reporter()(baseProcs(), { inaccessible: 12 }), {}, USER);
    expect($('#pm-banner').hidden).toBe(false);
    expect($('#pm-banner').textContent).toContain('12 processes');
    expect($('#pm-run-as-root').hidden).toBe(false);
    $('#pm-run-as-root').click();
    expect(api.of('runAsRoot')).toHaveLength(1);
    app.receive({ type: 'helper', helper: { status: 'elevating', mode: 'user', message: '', canElevate: false } });
    expect($('#pm-run-as-root').hasAttribute('disabled')).toBe(true);
    $('#pm-run-as-root').click();
    expect(api.of('runAsRoot')).toHaveLength(1);
    app.receive({ type: 'report', report: reporter()(baseProcs()) });
    expect($('#pm-banner').hidden).toBe(true);
  });
});

describe('state across reloads', () => {
  it('keeps search, selection, expanded groups and local sort in setState and restores them', () => {
    const first = mount();
    init(first.app, reporter()(baseProcs()));
    first.app.setSearch('e');
    first.app.select({ key: 'code', pid: null }, false);
    first.app.toggleExpand('code');
    $('th[data-col="data"]').click();
    const saved = first.api.state;
    expect(saved).toMatchObject({ v: 1, search: 'e', selected: { key: 'code', pid: null }, expanded: ['code'], local: { col: 'data', dir: 'desc' } });

    const second = mount({ state: saved });
    init(second.app, reporter()(baseProcs()));
    expect($<HTMLInputElement>('#pm-search').value).toBe('e');
    expect(selectedKey()).toBe('code');
    expect($$('tr.pm-member').map((tr) => tr.dataset.pid)).toEqual(['200', '201']);
    expect($('th[data-col="data"]').getAttribute('aria-sort')).toBe('descending');
  });

  it('ignores malformed messages', () => {
    const { app } = mount();
    app.receive({ type: 'report', report: { rows: 'nope' } });
    app.receive('hello');
    app.receive({ type: 'init' });
    expect($('#pm-leader').textContent).toContain('Waiting');
  });
});
