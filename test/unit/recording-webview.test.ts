// @vitest-environment happy-dom
// The recording panel's page (webview/recordingApp.ts) on a real recording read as the helper
// reads it: the moment in the live panel's table, the timeline with its event marked, scrubbing,
// stepping and jumping to events, zooming, a group's chart asked for and drawn, the state kept
// for hide/show, the OOM kill's victim selected, and messages that are not valid ignored.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../support';
import { localIso } from '../../src/core/isotime';
import type { GroupBy, Report } from '../../src/core/types';
import { readRecording } from '../../src/recorder/recordingRead';
import { readRecordingSeries } from '../../src/recorder/seriesRead';
import { openWasmDb } from '../../src/recorder/wasmDb';
import { defaultEngineOptions } from '../../src/shared/engineOptions';
import type { RecordingHostMessage, RecordingViewMessage } from '../../src/shared/recordingView';
import { RecordingApp, type RecordingApi } from '../../webview/recordingApp';
import type { RecordingState } from '../../webview/recordingState';
import { STEP_BUTTONS } from '../../webview/timelineView';
import { makeRecording } from './recordingFixture';

const dir = tmpDir('recview');
let file = '';
let times: number[] = [];
beforeAll(async () => {
  ({ file, times } = await makeRecording(dir));
});

class Api implements RecordingApi {
  posted: RecordingViewMessage[] = [];
  constructor(public state: unknown = undefined) {}
  postMessage(m: RecordingViewMessage): void {
    this.posted.push(m);
  }
  getState(): unknown {
    return this.state;
  }
  setState(s: RecordingState): void {
    this.state = JSON.parse(JSON.stringify(s));
  }
  of<T extends RecordingViewMessage['type']>(type: T): Extract<RecordingViewMessage, { type: T }>[] {
    return this.posted.filter((m) => m.type === type) as Extract<RecordingViewMessage, { type: T }>[];
  }
}

async function moment(at: number | null, timeline = false, groupBy: GroupBy = 'exe') {
  const r = await readRecording({ path: file, at, timeline }, { ...defaultEngineOptions(), groupBy }, openWasmDb);
  if (!r.ok) throw new Error(r.message);
  return r;
}

let current: RecordingApp | null = null;
afterEach(() => current?.dispose());

async function open(state?: unknown, focus?: number): Promise<{ app: RecordingApp; api: Api }> {
  current?.dispose();
  document.body.replaceChildren();
  const api = new Api(state);
  const app = new RecordingApp(document, document.body, api, (cb) => cb(), { pageRows: () => 50, firstVisibleRow: () => 0, rowHeight: () => 20 });
  current = app;
  const first = await moment(null, true);
  const msg: RecordingHostMessage = { type: 'timeline', title: file, times: first.times!, events: first.events!, at: first.at, report: first.report, ...(focus ? { focus } : {}) };
  app.receive(JSON.parse(JSON.stringify(msg)));
  return { app, api };
}

const $$ = (sel: string) => [...document.querySelectorAll<HTMLElement>(sel)];
const totalText = () => document.querySelector('tr.pm-total')?.textContent ?? '';
const rowKeys = () => $$('tr.pm-row').map((tr) => tr.dataset.key ?? '');
const button = (app: RecordingApp, step: string) => app.timeline.buttons[STEP_BUTTONS.findIndex((b) => b.step === step)];
const press = (key: string, target: EventTarget = document.body) => target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
function pointer(app: RecordingApp, type: string, x: number, extra: Partial<PointerEventInit> = {}) {
  app.timeline.canvas.dispatchEvent(new PointerEvent(type, { clientX: x, button: 0, bubbles: true, ...extra }));
}

describe('the recording panel', () => {
  it('says ready, then shows the last moment in the live panel\u2019s table, with its event marked on the timeline', async () => {
    const { app, api } = await open();
    expect(api.posted[0]).toEqual({ type: 'ready' });
    expect(app.index).toBe(2);
    expect(document.getElementById('pm-rec-moment')?.textContent).toBe(`${localIso(times[2])}  3/3  { previous event`);
    // The live panel's table: its header, its total, a row per group of that moment.
    expect($$('#pm-table th[data-col]').map((th) => th.dataset.col)).toContain('ptotal');
    expect(totalText()).toContain('TOTALS');
    const last = (await moment(times[2])).report;
    expect(rowKeys().sort()).toEqual(last.rows.filter((r) => r.type !== 'x').map((r) => r.key).concat(last.rows.filter((r) => r.type === 'x').map((r) => r.key)).sort());
    expect(document.querySelector('#pm-table canvas.pm-spark')).toBeNull();
    expect(document.getElementById('pm-leader')?.textContent).toMatch(/Tot=.*Used=/);
    // One marker, at the event's sample, its words printable (no ESC reaches the page).
    expect(app.timeline.markers).toHaveLength(1);
    const [m] = app.timeline.markers;
    expect(m).toMatchObject({ index: 1, kind: 'oom' });
    expect(m.text).toContain('oom-kill pid 4242 hog');
    expect(m.text).not.toContain('\u001b');
    expect(app.timeline.canvas.getAttribute('aria-valuenow')).toBe('3');
  });

  it('steps by buttons and keys and asks the host for that moment, whose figures it then shows', async () => {
    const { app, api } = await open();
    button(app, 'back').click();
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    expect(document.getElementById('pm-rec-moment')?.textContent).toContain('2/3  oom-kill pid 4242 hog');
    press('Home');
    press('<');
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[0] });
    press('}');
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    press('ArrowRight');
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[2] });
    press('ArrowLeft');
    press('ArrowLeft');
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[0] });
    // The host's answer: the first moment's figures replace the last's.
    const before = totalText();
    const m0 = await moment(times[0]);
    app.receive({ type: 'moment', at: m0.at, report: m0.report });
    expect(app.index).toBe(0);
    expect(totalText()).not.toBe(before);
    expect(totalText()).toContain(String(Math.round(m0.report.total.mem.ptotal / 1024)).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  });

  it('scrubs by dragging the cursor (asking only when let go), goes to a clicked marker, and zooms to a dragged range', async () => {
    const { app, api } = await open();
    const strip = app.timeline.strip();
    const xAt = (i: number) => strip.left + ((times[i] - times[0]) / (times[2] - times[0])) * strip.width;
    const n = api.posted.length;
    pointer(app, 'pointerdown', xAt(2));
    pointer(app, 'pointermove', xAt(0) + 2);
    expect(app.index).toBe(0);
    expect(api.posted.length).toBe(n); // not yet
    pointer(app, 'pointerup', xAt(0) + 2);
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[0] });
    // A click on the marker: its sample.
    const mx = app.timeline.markers[0].x;
    pointer(app, 'pointerdown', mx + 2);
    pointer(app, 'pointerup', mx + 2);
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[1] });
    // A drag away from the cursor: that range becomes the span shown, kept in the state.
    pointer(app, 'pointerdown', xAt(1) + 10);
    pointer(app, 'pointermove', xAt(2) - 10);
    pointer(app, 'pointerup', xAt(2) - 10);
    const z = app.timeline.zoom!;
    expect(z.from).toBeGreaterThan(times[1]);
    expect(z.to).toBeLessThan(times[2]);
    expect((api.state as RecordingState).zoom).toEqual(z);
    press('0');
    expect(app.timeline.zoom).toBeNull();
    press('+');
    expect(app.timeline.zoom!.to - app.timeline.zoom!.from).toBe((times[2] - times[0]) / 2);
  });

  it('zooms about the pointer with the wheel, pans with Shift+wheel, and brings the span along to a moment stepped out of it', async () => {
    const { app } = await open();
    const strip = app.timeline.strip();
    const x = strip.left + strip.width / 4; // times[0] + 2.5 s
    const wheel = (deltaY: number, shiftKey = false) => {
      const e = new WheelEvent('wheel', { deltaY, cancelable: true });
      // (happy-dom's WheelEvent takes neither from its init.)
      Object.defineProperties(e, { clientX: { value: x }, shiftKey: { value: shiftKey } });
      app.timeline.canvas.dispatchEvent(e);
    };
    wheel(-100);
    const z = app.timeline.zoom!;
    expect(z.to - z.from).toBe((times[2] - times[0]) * 0.8);
    expect(z.from + (z.to - z.from) / 4).toBeCloseTo(times[0] + 2500, 6); // the time under the pointer stays under it
    wheel(100, true);
    const panned = app.timeline.zoom!;
    expect(panned.from).toBeGreaterThan(z.from);
    expect(panned.to - panned.from).toBeCloseTo(z.to - z.from, 6);
    // Zoomed in on the start; stepping to the last sample moves the span to it.
    press('0');
    for (let i = 0; i < 3; i++) wheel(-100);
    press('<');
    press('>');
    const at = app.timeline.zoom!;
    expect(at.from).toBeLessThanOrEqual(times[2]);
    expect(at.to).toBeGreaterThanOrEqual(times[2]);
    wheel(100);
    wheel(100);
    wheel(100);
    wheel(100);
    expect(app.timeline.zoom).toBeNull();
  });

  it('asks for a selected group\u2019s memory over the recording and charts it; a zoom asks for that span', async () => {
    const { app, api } = await open();
    const row = $$('tr.pm-row')[0];
    row.click();
    const key = row.dataset.key!;
    const [ask] = api.of('getSeries');
    expect(ask).toMatchObject({ type: 'getSeries', key, from: null, to: null });
    expect(ask.points).toBeGreaterThanOrEqual(100);
    const r = await readRecordingSeries({ path: file, key, from: null, to: null, points: ask.points }, defaultEngineOptions(), openWasmDb);
    if (!r.ok) throw new Error(r.message);
    app.receive(JSON.parse(JSON.stringify({ type: 'series', series: r.series, from: null, to: null })));
    expect(document.getElementById('pm-chart')?.hidden).toBe(false);
    expect(app.chart.series?.times).toEqual(times);
    expect(app.chart.view.geometry?.xs).toHaveLength(3);
    expect(document.querySelector('.pm-chart-note')?.textContent).toBe('3 samples, 10 s');
    // Zoomed: the same group over that span.
    press('+');
    const again = api.of('getSeries').at(-1)!;
    expect(again.key).toBe(key);
    expect(again.from).toBe(Math.floor(app.timeline.zoom!.from));
    // An answer for a span no longer asked for is dropped.
    app.receive({ type: 'series', series: { ...r.series, key: 'other' }, from: null, to: null });
    expect(app.chart.series?.key).toBe(key);
    // Escape clears the selection and the chart goes.
    press('Escape');
    expect(document.getElementById('pm-chart')?.hidden).toBe(true);
  });

  it('keeps a selected group charted at a moment it is not in', async () => {
    const [r0, r2] = [(await moment(times[0])).report, (await moment(times[2])).report];
    const gone = r0.rows.find((r) => !r2.rows.some((x) => x.key === r.key && x.type !== 'x'));
    expect(gone, 'the fixture has a group of the first sample that the last lacks').toBeDefined();
    const { app } = await open();
    app.receive({ type: 'moment', at: times[0], report: r0 });
    (document.querySelector(`tr.pm-row[data-key="${CSS.escape(gone!.key)}"]`) as HTMLElement).click();
    expect(document.getElementById('pm-chart')?.hidden).toBe(false);
    app.receive({ type: 'moment', at: times[2], report: r2 });
    expect(document.getElementById('pm-chart')?.hidden).toBe(false);
    expect(document.querySelector('.pm-chart-title')?.textContent).toBe(gone!.info);
  });

  it('keeps its moment, zoom and selection in the webview state, and returns to them when the page is made again', async () => {
    const first = await open();
    press('+', first.app.timeline.canvas);
    $$('tr.pm-row')[1].click();
    const m0 = await moment(times[0]);
    first.app.receive({ type: 'moment', at: m0.at, report: m0.report });
    const saved = first.api.state as RecordingState;
    expect(saved).toMatchObject({ path: file, at: times[0] });
    expect(saved.zoom).not.toBeNull();
    expect(saved.selected).not.toBeNull();
    const { app, api } = await open(saved);
    expect(app.timeline.zoom).toEqual(saved.zoom);
    expect(app.selected).toEqual(saved.selected);
    expect(api.posted.at(-1)).toEqual({ type: 'seek', at: times[0] });
    // Another recording's state is not applied.
    const other = await open({ ...saved, path: '/elsewhere/pmemstat.db' });
    expect(other.app.timeline.zoom).toBeNull();
    expect(other.app.selected).toBeNull();
  });

  it('selects the process a moment is opened for (an OOM kill\u2019s victim)', async () => {
    const report = (await moment(times[0])).report;
    const row = report.rows.find((r) => r.count > 1)!;
    const pid = row.members[1].pid;
    const { app } = await open();
    app.receive({ type: 'moment', at: times[0], report, focus: pid });
    expect(app.selected).toEqual({ key: row.key, pid });
    expect(document.querySelector('tr.pm-member.pm-selected')?.getAttribute('data-pid')).toBe(String(pid));
  });

  it('ignores messages that are not valid, and shows a problem as text', async () => {
    const { app } = await open();
    const before = totalText();
    app.receive({ type: 'moment', at: times[0], report: { rows: 'x' } as unknown as Report });
    app.receive({ type: 'moment', at: -1, report: (await moment(times[0])).report });
    app.receive({ type: 'series', series: { key: 'k', times: [2, 1], mem: {}, samples: 2 }, from: null, to: null });
    app.receive({ type: 'nonsense' });
    app.receive(null);
    expect(totalText()).toBe(before);
    app.receive({ type: 'problem', message: '<b>no</b> such file' });
    const p = document.getElementById('pm-rec-problem')!;
    expect(p.textContent).toBe('<b>no</b> such file');
    expect(p.children).toHaveLength(0);
  });

  it('offers the live panel\u2019s Group drop-down and key g: asks the host, and the selection and its chart follow a process into its new group', async () => {
    const { app, api } = await open();
    const select = document.getElementById('pm-opt-groupBy') as HTMLElement & { value: string };
    expect(select.tagName.toLowerCase()).toBe('vscode-single-select');
    expect(select.value).toBe('exe');
    expect(document.getElementById('pm-lbl-groupBy')?.textContent).toBe('Group (g)');
    const report = app.report!;
    const group = report.rows.find((r) => r.type !== 'x' && r.count > 1)!;
    const largest = group.members.reduce((a, b) => (b.mem.ptotal > a.mem.ptotal ? b : a));
    app.select({ key: group.key, pid: null });
    // Key g: the next grouping, as in the live panel.
    press('g');
    expect(api.posted.at(-1)).toEqual({ type: 'options', groupBy: 'cmd' });
    expect(select.value).toBe('cmd');
    // The drop-down: any grouping.
    select.value = 'pid';
    select.dispatchEvent(new Event('change'));
    expect(api.posted.at(-1)).toEqual({ type: 'options', groupBy: 'pid' });
    const byPid = await moment(times[2], false, 'pid');
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: byPid.at, report: byPid.report })));
    expect(select.value).toBe('pid');
    expect(app.selected).toEqual({ key: byPid.report.rows.find((r) => r.pid === largest.pid)!.key, pid: null });
    expect(api.of('getSeries').at(-1)).toMatchObject({ key: app.selected!.key, from: null, to: null });
    expect((api.state as RecordingState).groupBy).toBe('pid');
    // g twice before the host answers: the grouping between passes the selection on.
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: times[2], report })));
    app.select({ key: group.key, pid: null });
    press('g');
    press('g');
    expect(api.of('options').slice(-2)).toEqual([{ type: 'options', groupBy: 'cmd' }, { type: 'options', groupBy: 'pid' }]);
    const byCmd = await moment(times[2], false, 'cmd');
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: byCmd.at, report: byCmd.report })));
    expect(select.value).toBe('pid');
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: byPid.at, report: byPid.report })));
    expect(app.selected).toEqual({ key: byPid.report.rows.find((r) => r.pid === largest.pid)!.key, pid: null });
    // A process selected follows itself.
    const member = byPid.report.rows.find((r) => r.type !== 'x' && r.pid !== null)!;
    app.select({ key: member.key, pid: null });
    press('g'); // pid → unit
    expect(api.posted.at(-1)).toEqual({ type: 'options', groupBy: 'unit' });
    const byUnit = await moment(times[2], false, 'unit');
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: byUnit.at, report: byUnit.report })));
    const unitRow = byUnit.report.rows.find((r) => r.members.some((p) => p.pid === member.pid))!;
    expect(app.selected?.key).toBe(unitRow.key);
  });

  it('does not say how many figures the live loop had left from an earlier tick: a recorded moment\u2019s figures are the last recorded', async () => {
    const { app } = await open();
    const m = await moment(times[1]);
    app.receive(JSON.parse(JSON.stringify({ type: 'moment', at: m.at, report: { ...m.report, leader: { ...m.report.leader, stale: 3 } } })));
    const leader = document.getElementById('pm-leader')?.textContent ?? '';
    expect(leader).toContain('PIDs=');
    expect(leader).not.toContain('older than');
    expect(leader).not.toContain('[3');
  });
});

