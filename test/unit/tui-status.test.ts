// The terminal window says what it shows: a status line with the grouping, sort, units, detail
// and refresh; a note for each option key; and in a narrow terminal the names stay while the
// figures go (optional columns first).
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/cli/window/keys';
import { initialState, layout, settle, update, type TuiState } from '../../src/cli/window/model';
import { fitColumns, MIN_INFO, render } from '../../src/cli/window/render';
import { textWidth } from '../../src/cli/window/text';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../../src/shared/options';
import { headerLine } from '../../src/core/format';
import { baseProcs, reporter } from './webview-fixtures';

function setup(width: number, height: number, settings: Partial<PanelSettings> = {}, detail = false) {
  const report = reporter()(baseProcs(), { detail });
  let s: TuiState = initialState({ ...DEFAULT_PANEL_SETTINGS, ...settings }, '');
  s = settle(s, layout(report, s, height), 0);
  const ctx = { width, height, accessHint: '', loopSecs: 5 };
  const act = (a: Action) => {
    const u = update(s, a, layout(report, s, height), []);
    s = settle(u.state, layout(report, u.state, height), 0);
  };
  const screen = () => render(layout(report, s, height), s, ctx);
  return { act, screen, get s() { return s; } };
}

const option = (o: keyof PanelSettings): Action => ({ kind: 'option', option: o });

describe('a narrow terminal', () => {
  it('at 80×20 with detail, uss, pss+swap and oom on, keeps key/info and drops figures first', () => {
    const t = setup(80, 20, { detail: true, showUss: true, showEpss: true, showOom: true }, true);
    const lines = t.screen();
    expect(lines).toHaveLength(20);
    for (const l of lines) expect(textWidth(l.text)).toBeLessThanOrEqual(80);
    const header = lines[2].text;
    expect(header).toMatch(/ key\/info\s*$/);
    expect(header).toContain('ptotal');
    expect(header).not.toMatch(/\boom\b|pss\+swap|\buss\b|shSYSV/);
    const body = lines.slice(4, 8).map((l) => l.text.trimEnd());
    expect(body.map((x) => x.split(/\s+/).pop())).toEqual(['firefox', 'code', 'bash', 'sleep']);
    expect(lines.at(-1)?.text).toMatch(/^exe mem MB detail 5s -oom -pss\+swap -uss -detail cols {2}rows 1-4 of 4 +\?$/);
  });

  it('shows every column where they fit, and drops only what it must', () => {
    const wide = setup(200, 20, { detail: true, showUss: true, showEpss: true, showOom: true }, true);
    const header = wide.screen()[2].text;
    for (const col of ['shSYSV', 'uss', 'pss+swap', 'oom', 'cpu%', 'key/info']) expect(header).toContain(col);
    expect(wide.screen().at(-1)?.text).not.toContain('no room');
    const mid = setup(110, 20, { detail: true, showUss: true, showEpss: true, showOom: true }, true);
    expect(mid.screen().at(-1)?.text).toMatch(/^group exe · sort mem · MB · detail · every 5s · no room: oom pss\+swap {2}rows 1-4 of 4 +\? help {2}q quit$/);
    expect(mid.screen()[2].text).toMatch(/shSYSV.* uss .* key\/info$/);
    const tiny = setup(50, 12);
    expect(tiny.screen().at(-1)?.text).toMatch(/^exe mem MB fast 5s -cpu% {2}rows 1-4 of 4 +\?$/);
    const f = { units: 'MB' as const, detail: true, showCpu: true, numbers: true, groupBy: 'exe' as const, showOom: true, showUss: true, showEpss: true };
    let before = 0;
    for (const width of [200, 120, 100, 90, 80, 70, 60]) {
      const { f: g, hidden } = fitColumns(f, width);
      const room = width - (textWidth(headerLine(g)) - 'key/info'.length);
      if (hidden.length < 6) expect(room, `width ${width}`).toBeGreaterThanOrEqual(MIN_INFO);
      expect(hidden.length, `width ${width}`).toBeGreaterThanOrEqual(before); // narrower hides no less
      expect(['#', 'oom', 'pss+swap', 'uss', 'detail cols', 'cpu%'].slice(0, hidden.length)).toEqual(hidden); // always in this order
      before = hidden.length;
    }
  });
});

describe('the status line', () => {
  it('says the grouping, sort, units, detail and refresh, and follows the keys', () => {
    const t = setup(100, 12);
    expect(t.screen().at(-1)?.text).toMatch(/^group exe · sort mem · MB · fast · every 5s {2}rows 1-4 of 4 +\? help {2}\/ search {2}K kill {2}q quit$/);
    t.act(option('groupBy'));
    t.act(option('sortBy'));
    t.act(option('units'));
    t.act(option('detail'));
    t.act({ kind: 'nav', move: { kind: 'first' }, unit: 'row' }); // any key clears the note
    expect(t.screen().at(-1)?.text).toMatch(/^group cmd · sort cpu · mB · detail · every 5s /);
    const narrow = setup(80, 12);
    expect(narrow.screen().at(-1)?.text).toMatch(/^group exe · sort mem · MB · fast · every 5s {2}rows 1-4 of 4 +\? help {2}q quit$/);
  });

  it('each option key says what it did, also where nothing on screen changes', () => {
    const t = setup(100, 12, { showCpu: false });
    t.act(option('cpuAvgSecs'));
    expect(t.screen().at(-1)?.text).toBe('CPU avg (a) 45 s: the cpu% column is off (c shows it)'.padEnd(100));
    t.act(option('showCpu'));
    expect(t.screen().at(-1)?.text.trimEnd()).toBe('CPU (c) on');
    t.act(option('cpuAvgSecs'));
    expect(t.screen().at(-1)?.text.trimEnd()).toBe('CPU avg (a) 90 s: cpu% is averaged over this window from the next sample');
    t.act(option('fitToWindow'));
    expect(t.screen().at(-1)?.text.trimEnd()).toBe('Fit (f) on: rows past the window fold into one O row');
    t.act(option('sortBy')); // mem → cpu
    t.act(option('sortBy')); // cpu → name
    t.act(option('fitToWindow'));
    t.act(option('fitToWindow'));
    expect(t.screen().at(-1)?.text.trimEnd()).toBe('Fit (f) on: applies when sorted by mem or cpu (s)');
    t.act(option('groupBy'));
    expect(t.screen().at(-1)?.text.trimEnd()).toBe('Group (g) cmd: regrouping at the next sample');
    t.act({ kind: 'nav', move: { kind: 'first' }, unit: 'row' });
    expect(t.screen().at(-1)?.text).toMatch(/^group cmd/);
  });
});
