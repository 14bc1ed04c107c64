// The terminal window's pure parts: the screen model (rows, selection, scrolling, search,
// expand, kill confirmation), the rendered lines cut to the terminal, and the frame writer.
import { describe, expect, it } from 'vitest';
import { ENTER, frame, LEAVE, wantsColour } from '../../src/cli/window/ansi';
import type { Action } from '../../src/cli/window/keys';
import { initialState, layout, scrollTop, settle, showPage, update, type TuiState } from '../../src/cli/window/model';
import { helpEntries } from '../../src/cli/window/keys';
import { groupMaps, mapsLines } from '../../src/core/maps';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render, type Line } from '../../src/cli/window/render';
import { cut, fit, textWidth } from '../../src/cli/window/text';
import { settingsFromCli, wantsWindow } from '../../src/cli/window/window';
import { parseCliArgs } from '../../src/cli/cliargs';
import { DEFAULT_PANEL_SETTINGS, effectiveMinDeltaKb } from '../../src/shared/options';
import { baseProcs, proc, reporter } from './webview-fixtures';

const ctx = { width: 100, height: 12, accessHint: '', loopSecs: 5 };

function setup(height = ctx.height) {
  const report = reporter()(baseProcs());
  let s: TuiState = initialState({ ...DEFAULT_PANEL_SETTINGS }, '');
  s = settle(s, layout(report, s, height), 0);
  const act = (a: Action, protectedPids: number[] = []) => {
    const u = update(s, a, layout(report, s, height), protectedPids);
    s = settle(u.state, layout(report, u.state, height), 0);
    return u.effect;
  };
  const screen = (c = { ...ctx, height }) => render(layout(report, s, c.height), s, c);
  const body = () => screen().slice(4, -1).map((l) => l.text.trimEnd()).filter((t) => t !== '');
  return { report, act, screen, body, get s() { return s; } };
}

const nav = (kind: 'down' | 'up', n = 1): Action => ({ kind: 'nav', move: { kind, n }, unit: 'row' });

describe('screen model', () => {
  it('shows leader, header, T row and the groups by ptotal, the first one selected', () => {
    const t = setup();
    const lines = t.screen();
    expect(lines).toHaveLength(ctx.height);
    expect(lines[0].text).toMatch(/^\d\d:\d\d:\d\d Tot=/);
    expect(lines[2].text).toContain('ptotal');
    expect(lines[3].text).toContain('TOTALS');
    expect(t.body().map((x) => x.split(/\s+/).pop())).toEqual(['firefox', 'code', 'bash', 'sleep']);
    expect(lines.filter((l) => l.selected).map((l) => l.text)).toEqual([expect.stringContaining('firefox')]);
  });

  it('j/k move the selection; it stays on its group when the order changes', () => {
    const t = setup();
    t.act(nav('down'));
    expect(t.s.selected).toEqual({ key: 'code', pid: null });
    t.act({ kind: 'option', option: 'sortBy' }); // mem -> cpu: still code, now elsewhere
    t.act({ kind: 'option', option: 'sortBy' }); // cpu -> name
    expect(t.body().map((x) => x.split(/\s+/).pop())).toEqual(['bash', 'code', 'firefox', 'sleep']);
    expect(t.screen().find((l) => l.selected)?.text).toContain('code');
  });

  it('search filters the rows as typed, folds the rest into O; Esc clears it', () => {
    const t = setup();
    t.act({ kind: 'search' });
    for (const c of 'fire') t.act({ kind: 'type', text: c });
    expect(t.s.mode).toBe('search');
    expect(t.body()).toEqual([expect.stringContaining('firefox'), expect.stringMatching(/O\s+4x 3 more groups$/)]);
    expect(t.screen()[0].text).toContain('/fire/');
    expect(t.screen().at(-1)?.text).toMatch(/^\/fire/);
    t.act({ kind: 'escape' });
    expect(t.s.search).toBe('');
    expect(t.body()).toHaveLength(4);
  });

  it('Enter expands a group into its processes (largest first) and collapses it again', () => {
    const t = setup();
    t.act({ kind: 'enter' });
    expect(t.body().slice(0, 4).map((x) => x.trim().split(/\s+/).slice(5).join(' '))).toEqual([
      'A 3x firefox',
      '100 firefox --new-window',
      '101 firefox -contentproc -childID 1',
      '102 firefox -contentproc -childID 2',
    ]);
    t.act(nav('down', 1));
    expect(t.s.selected).toEqual({ key: 'firefox', pid: 100 });
    t.act({ kind: 'collapse' });
    expect(t.s.selected).toEqual({ key: 'firefox', pid: null });
    expect(t.body()).toHaveLength(4);
  });

  it('Enter on a process shows its mappings (as the help says), on a page that scrolls and Esc closes', () => {
    const t = setup();
    t.act({ kind: 'enter' }); // expand firefox
    t.act(nav('down', 1));
    expect(t.act({ kind: 'enter' })).toEqual({ kind: 'maps', pid: 100, starttime: 1000 });
    expect(helpEntries().find((e) => e.keys.startsWith('Enter'))?.help).toContain('Enter on a process shows its mappings');
    const maps = readFileSync(join(__dirname, '../../fixtures/snippets/shmdemo.smaps'), 'latin1');
    const lines = mapsLines(100, groupMaps(maps, false), 'MB');
    const shown = showPage(t.s, 'pmemstat: the mappings of process 100', lines);
    const screen = render(layout(t.report, shown, ctx.height), shown, ctx).map((l) => l.text.trimEnd());
    expect(screen[0]).toBe('pmemstat: the mappings of process 100');
    expect(screen[1]).toBe(lines[0].slice(0, ctx.width).trimEnd());
    expect(screen.at(-1)).toContain('Esc or ? closes the page');
    const closed = update(shown, { kind: 'escape' }, layout(t.report, shown, ctx.height), []).state;
    expect(closed.mode).toBe('table');
    expect(closed.page).toBeNull();
  });

  it('scrolls to keep the selection in view, and the status line says which rows show', () => {
    const t = setup(7); // leader 2, header, T, 2 body rows, status
    t.act({ kind: 'nav', move: { kind: 'last' }, unit: 'row' });
    expect(t.s.top).toBe(2);
    expect(t.body().map((x) => x.split(/\s+/).pop())).toEqual(['bash', 'sleep']);
    expect(t.screen(ctx && { ...ctx, height: 7 }).at(-1)?.text).toContain('rows 3-4 of 4');
  });

  it('fit folds what does not fit into the O row (sorted by mem)', () => {
    const t = setup(7);
    t.act({ kind: 'option', option: 'fitToWindow' });
    expect(t.body()).toEqual([expect.stringContaining('firefox'), expect.stringMatching(/O\s+4x 3 more groups$/)]);
  });

  it('kill mode asks first, naming every process, then hands the targets (pid + start time) over', () => {
    const t = setup();
    expect(t.act({ kind: 'killMode' })).toBeNull();
    t.act(nav('down'));
    expect(t.act({ kind: 'enter' })).toBeNull();
    expect(t.s.mode).toBe('confirm');
    const text = t.screen().map((l) => l.text).join('\n');
    expect(text).toContain('Kill these 2 processes?');
    expect(text).toMatch(/200 {2}code --type=renderer/);
    expect(text).toMatch(/201 {2}code --type=gpu/);
    expect(t.screen().at(-1)?.text).toContain('y: send SIGTERM   s: another signal');
    expect(text).toContain('SIGTERM first; SIGKILL after about 6 s');
    expect(t.act({ kind: 'yes' })).toEqual({ kind: 'kill', targets: [{ pid: 200, starttime: 2000 }, { pid: 201, starttime: 2010 }], signal: 'SIGTERM' });
    expect(t.s.killMode).toBe(false);
  });

  it('s in the kill confirmation cycles the signal, which the confirmation explains and y sends', () => {
    const t = setup();
    t.act({ kind: 'killMode' });
    t.act(nav('down'));
    t.act({ kind: 'enter' });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      t.act({ kind: 'cycleSignal' });
      seen.push(t.s.confirm!.signal);
    }
    expect(seen).toEqual(['SIGINT', 'SIGHUP', 'SIGKILL', 'SIGSTOP', 'SIGCONT', 'SIGTERM']);
    for (let i = 0; i < 4; i++) t.act({ kind: 'cycleSignal' }); // SIGSTOP
    const text = t.screen().map((l) => l.text).join('\n');
    expect(text).toContain('SIGSTOP: the processes are frozen');
    expect(text).toContain('Send SIGSTOP to these 2 processes?');
    expect(t.screen().at(-1)?.text).toContain('y: send SIGSTOP');
    expect(t.act({ kind: 'yes' })).toEqual({ kind: 'kill', targets: [{ pid: 200, starttime: 2000 }, { pid: 201, starttime: 2010 }], signal: 'SIGSTOP' });
  });

  it('kill refuses protected pids and cancels on any other key', () => {
    const t = setup();
    t.act({ kind: 'killMode' });
    t.act({ kind: 'nav', move: { kind: 'last' }, unit: 'row' }); // sleep, pid 400
    t.act({ kind: 'enter' }, [400]);
    expect(t.s.mode).toBe('table');
    expect(t.s.message).toMatch(/nothing to kill: 400/);
    t.act({ kind: 'enter' });
    expect(t.act({ kind: 'no' })).toBeNull();
    expect(t.s.message).toBe('kill cancelled');
  });

  it('a captured tree cannot enter kill mode', () => {
    const report = reporter()(baseProcs());
    const s = initialState({ ...DEFAULT_PANEL_SETTINGS }, '', 'captured tree');
    const u = update(s, { kind: 'killMode' }, layout(report, s, 12), []);
    expect(u.state.killMode).toBe(false);
    expect(u.state.message).toBe('captured tree');
  });

  it('options that change what is read ask for a new sample; the others only redraw', () => {
    const t = setup();
    expect(t.act({ kind: 'option', option: 'groupBy' })).toEqual({ kind: 'resample' });
    expect(t.s.settings.groupBy).toBe('cmd');
    expect(t.act({ kind: 'option', option: 'detail' })).toEqual({ kind: 'resample' });
    expect(t.act({ kind: 'option', option: 'units' })).toBeNull();
    expect(t.s.settings.units).toBe('mB');
  });

  it('scrollTop keeps the selection in view and clamps at the end', () => {
    expect(scrollTop(0, 5, 3, 10)).toBe(3);
    expect(scrollTop(8, 2, 3, 10)).toBe(2);
    expect(scrollTop(9, 9, 3, 10)).toBe(7);
  });
});

describe('rendered lines', () => {
  it('are cut to the width, never wrapped; the selected row and status line fill it', () => {
    const report = reporter({ cmdlen: 500 })([proc(5, 'x'.repeat(300), 50_000)]);
    const s = settle(initialState({ ...DEFAULT_PANEL_SETTINGS }, ''), layout(report, initialState({ ...DEFAULT_PANEL_SETTINGS }, ''), 10), 0);
    for (const width of [20, 57, 80]) {
      const lines = render(layout(report, s, 10), s, { ...ctx, width, height: 10 });
      expect(lines).toHaveLength(10);
      for (const l of lines) expect(textWidth(l.text)).toBeLessThanOrEqual(width);
      expect(textWidth(lines.find((l) => l.selected)?.text ?? '')).toBe(width);
      expect(textWidth(lines.at(-1)?.text ?? '')).toBe(width);
    }
  });

  it('show terminal escapes, controls and bidi overrides as visible escapes (never raw), also in a report not from the sampler', () => {
    const evil = 'evil\x1b]52;c;aGk=\x07\x1b[2J\u202eexe\x9b1m';
    const report = reporter()([proc(7, evil, 50_000, evil)]);
    const s0 = initialState({ ...DEFAULT_PANEL_SETTINGS }, '');
    const s = { ...settle(s0, layout(report, s0, 10), 0), expanded: new Set([evil]) };
    const text = render(layout(report, s, 10), s, { ...ctx, width: 160, height: 10 }).map((l) => l.text).join('\n');
    // eslint-disable-next-line no-control-regex -- the characters that must not get through
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(text).toContain('evil\\x1b]52;c;aGk=\\x07\\x1b[2J\\u202eexe\\x9b1m');
  });
});

describe('text', () => {
  it('cuts by terminal cells: wide characters count two, combining marks none', () => {
    expect(textWidth('a日b')).toBe(4);
    expect(cut('a日b', 2)).toBe('a');
    expect(cut('a日b', 3)).toBe('a日');
    expect(textWidth('e\u0301')).toBe(1);
    expect(fit('ab', 4)).toBe('ab  ');
  });
});

describe('frame', () => {
  const line = (text: string, extra: Partial<Line> = {}): Line => ({ text, style: 'plain', ...extra });

  it('writes only the lines that changed, in one synchronized update', () => {
    const a = frame([], [line('one'), line('two')], 10, true);
    expect(a.out).toBe('\x1b[?2026h\x1b[1;1Hone\x1b[K\x1b[2;1Htwo\x1b[K\x1b[?2026l');
    const b = frame(a.screen, [line('one'), line('2')], 10, true);
    expect(b.out).toBe('\x1b[?2026h\x1b[2;1H2\x1b[K\x1b[?2026l');
    expect(frame(b.screen, [line('one'), line('2')], 10, true).out).toBe('');
  });

  it('does not erase after a line that reaches the last column (auto-wrap is off)', () => {
    expect(frame([], [line('abc')], 3, true).out).not.toContain('\x1b[K');
  });

  it('uses reverse video for the selection and colour only without NO_COLOR', () => {
    const sel = frame([], [line('x', { style: 'new', selected: true })], 5, true).out;
    expect(sel).toContain('\x1b[32;7mx\x1b[0m');
    const mono = frame([], [line('x', { style: 'grow' }), line('y', { style: 'shrink' })], 5, false).out;
    expect(mono).not.toContain('[3');
    expect(wantsColour({ NO_COLOR: '1' })).toBe(false);
    expect(wantsColour({ NO_COLOR: '' , TERM: 'xterm' })).toBe(true);
  });

  it('enters and leaves the alternate screen, hiding and showing the cursor', () => {
    expect(ENTER).toContain('\x1b[?1049h');
    expect(LEAVE).toContain('\x1b[?1049l');
    expect(LEAVE).toContain('\x1b[?25h');
    expect(LEAVE).toContain('\x1b[?7h');
  });
});

describe('window or report', () => {
  it('opens the window only on a terminal, and not with -W, --json or --leaks', () => {
    expect(wantsWindow(parseCliArgs([]), true, true)).toBe(true);
    expect(wantsWindow(parseCliArgs(['-W']), true, true)).toBe(false);
    expect(wantsWindow(parseCliArgs(['--no-window']), true, true)).toBe(false);
    expect(wantsWindow(parseCliArgs(['--json']), true, true)).toBe(false);
    expect(wantsWindow(parseCliArgs(['--leaks', '-l', '5']), true, true)).toBe(false);
    expect(wantsWindow(parseCliArgs([]), true, false)).toBe(false); // stdout to a pipe or file
    expect(wantsWindow(parseCliArgs([]), false, true)).toBe(false); // no keyboard
  });

  it('takes its settings from the options the report takes', () => {
    const s = settingsFromCli(parseCliArgs(['-g', 'cmd', '-uKB', '-o', '-s', 'cpu', '-R', '-C', '-n', '-t', '50', '-l', '2']));
    expect(s).toMatchObject({ groupBy: 'cmd', units: 'KB', detail: true, sortBy: 'cpu', riseToTop: false, showCpu: false, lineNumbers: true, topPct: 50, loopSeconds: 2, minDeltaKb: null });
    // null: the automatic threshold of the units, as in the panel
    expect(effectiveMinDeltaKb(s)).toBe(100);
    expect(settingsFromCli(parseCliArgs(['-k', '-250'])).minDeltaKb).toBe(-250);
    expect(settingsFromCli(parseCliArgs([])).loopSeconds).toBe(5);
  });
});
