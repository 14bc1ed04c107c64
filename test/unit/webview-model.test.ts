import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PANEL_SETTINGS,
  completeSettings,
  effectiveMinDeltaKb,
  parseHostMessage,
  parsePartialSettings,
  parseWebviewMessage,
  type PanelSettings,
} from '../../src/shared/webviewProtocol';
import { optionChange } from '../../src/shared/options';
import { columnsFor, typeClass } from '../../webview/columns';
import { keyAction } from '../../src/shared/keymap';
import { clickSort, computeView, sortForView } from '../../webview/model';
import { moveIndex, navList } from '../../src/shared/rowOrder';
import { parseState } from '../../webview/state';
import { baseProcs, proc, reporter } from './webview-fixtures';

const S = (over: Partial<PanelSettings> = {}): PanelSettings => ({ ...DEFAULT_PANEL_SETTINGS, ...over });
const key = (k: string, ctrlKey = false) => ({ key: k, ctrlKey, altKey: false, metaKey: false });

describe('columns', () => {
  it('fast mode: pswap other data ptotal, with cpu and numbers when asked', () => {
    expect(columnsFor(false, true, false)).toEqual(['cpu', 'pswap', 'other', 'data', 'ptotal', 'type', 'count', 'info']);
    expect(columnsFor(false, false, true)).toEqual(['line', 'pswap', 'other', 'data', 'ptotal', 'type', 'count', 'info']);
  });
  it('detail mode: the seven categories', () => {
    expect(columnsFor(true, false, false)).toEqual(['pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal', 'type', 'count', 'info']);
  });
});

describe('header sort', () => {
  it('a click on the natural column flips it to a local ascending sort', () => {
    expect(clickSort({ col: 'ptotal', dir: 'desc' }, 'ptotal')).toEqual({ sortBy: null, local: { col: 'ptotal', dir: 'asc' } });
  });
  it('ptotal desc, cpu desc and info asc are the sortBy settings', () => {
    expect(clickSort({ col: 'ptotal', dir: 'asc' }, 'ptotal')).toEqual({ sortBy: 'mem', local: null });
    expect(clickSort({ col: 'ptotal', dir: 'desc' }, 'cpu')).toEqual({ sortBy: 'cpu', local: null });
    expect(clickSort({ col: 'ptotal', dir: 'desc' }, 'info')).toEqual({ sortBy: 'name', local: null });
    expect(clickSort({ col: 'info', dir: 'asc' }, 'info')).toEqual({ sortBy: null, local: { col: 'info', dir: 'desc' } });
  });
  it('any other column sorts locally, descending first', () => {
    expect(clickSort({ col: 'ptotal', dir: 'desc' }, 'data')).toEqual({ sortBy: null, local: { col: 'data', dir: 'desc' } });
  });
  it('sorts by a column, keeping raised rows first with rise', () => {
    const next = reporter();
    next(baseProcs());
    const r = next([...baseProcs().filter((p) => p.pid !== 400 && p.pid !== 300), proc(300, 'bash', 505_000, 'bash -l')]);
    const rows = sortForView(r.rows, { col: 'count', dir: 'desc' }, true);
    expect(rows.map((x) => x.key)).toEqual(['bash', 'sleep', 'firefox', 'code']);
    expect(rows.map((x) => x.type)).toEqual(['+500000K', 'x', '', '']);
    const plain = sortForView(r.rows, { col: 'count', dir: 'desc' }, false);
    expect(plain[0].key).toBe('firefox');
    const byType = sortForView(r.rows, { col: 'type', dir: 'asc' }, false);
    expect(byType.map((x) => x.type)).toEqual(['+500000K', 'x', '', '']);
  });
});

describe('the view', () => {
  const report = reporter()(baseProcs());
  it('fit-to-window folds what does not fit into an O row (sorted by mem)', () => {
    const v = computeView({ report, settings: S({ fitToWindow: true }), local: null, search: '', fitRows: 3 });
    expect(v.fit).toBe(true);
    expect(v.rows.map((r) => r.key)).toEqual(['firefox', 'code']);
    expect(v.overflow?.type).toBe('O');
    expect(v.overflow?.count).toBe(2);
    expect(v.overflow?.mem.ptotal).toBe(6_000);
  });
  it('fit does not apply when sorted by name', () => {
    const v = computeView({ report, settings: S({ fitToWindow: true, sortBy: 'name' }), local: null, search: '', fitRows: 3 });
    expect(v.fit).toBe(false);
    expect(v.rows).toHaveLength(4);
    expect(v.overflow).toBeNull();
  });
  it('search keeps matching rows and sums the rest', () => {
    const v = computeView({ report, settings: S(), local: null, search: 'fire', fitRows: 0 });
    expect(v.rows.map((r) => r.key)).toEqual(['firefox']);
    expect(v.pidsShown).toBe(3);
    expect(v.overflow?.count).toBe(4);
  });
  it('top-pct folds the tail', () => {
    const v = computeView({ report, settings: S({ topPct: 70 }), local: null, search: '', fitRows: 0 });
    expect(v.rows.map((r) => r.key)).toEqual(['firefox']);
  });
  it('marker classes', () => {
    expect(typeClass('A')).toBe('pm-new');
    expect(typeClass('+2000K')).toBe('pm-grow');
    expect(typeClass('-2000K')).toBe('pm-shrink');
    expect(typeClass('x')).toBe('pm-gone');
    expect(typeClass('')).toBeNull();
  });
});

describe('navigation', () => {
  it('lists members of expanded groups after their group', () => {
    const report = reporter()(baseProcs());
    const list = navList(report.rows, new Set(['code']));
    expect(list.slice(0, 4)).toEqual([
      { key: 'firefox', pid: null },
      { key: 'code', pid: null },
      { key: 'code', pid: 200 },
      { key: 'code', pid: 201 },
    ]);
  });
  it('moves and clamps', () => {
    expect(moveIndex(-1, 10, { kind: 'down', n: 1 }, 0, 5)).toBe(0);
    expect(moveIndex(3, 10, { kind: 'down', n: 1 }, 0, 5)).toBe(4);
    expect(moveIndex(8, 10, { kind: 'down', n: 5 }, 0, 5)).toBe(9);
    expect(moveIndex(2, 10, { kind: 'up', n: 5 }, 0, 5)).toBe(0);
    expect(moveIndex(2, 10, { kind: 'last' }, 0, 5)).toBe(9);
    expect(moveIndex(2, 10, { kind: 'first' }, 0, 5)).toBe(0);
    expect(moveIndex(0, 10, { kind: 'top' }, 4, 5)).toBe(4);
    expect(moveIndex(0, 10, { kind: 'middle' }, 4, 5)).toBe(6);
    expect(moveIndex(0, 10, { kind: 'bottom' }, 4, 5)).toBe(8);
    expect(moveIndex(0, 10, { kind: 'bottom' }, 8, 5)).toBe(9);
    expect(moveIndex(0, 0, { kind: 'down', n: 1 }, 0, 5)).toBe(-1);
  });
});

describe('keys', () => {
  it('maps the original help screen keys', () => {
    expect(keyAction(key('K'))).toEqual({ kind: 'killMode' });
    expect(keyAction(key('f'))).toEqual({ kind: 'option', option: 'fitToWindow' });
    expect(keyAction(key('g'))).toEqual({ kind: 'option', option: 'groupBy' });
    expect(keyAction(key('n'))).toEqual({ kind: 'option', option: 'lineNumbers' });
    expect(keyAction(key('o'))).toEqual({ kind: 'option', option: 'detail' });
    expect(keyAction(key('r'))).toEqual({ kind: 'option', option: 'riseToTop' });
    expect(keyAction(key('s'))).toEqual({ kind: 'option', option: 'sortBy' });
    expect(keyAction(key('u'))).toEqual({ kind: 'option', option: 'units' });
    expect(keyAction(key('c'))).toEqual({ kind: 'option', option: 'showCpu' });
    expect(keyAction(key('a'))).toEqual({ kind: 'option', option: 'cpuAvgSecs' });
    expect(keyAction(key('/'))).toEqual({ kind: 'search' });
    expect(keyAction(key('?'))).toEqual({ kind: 'help' });
  });
  it('maps vim-style navigation', () => {
    expect(keyAction(key('j'))).toMatchObject({ kind: 'nav', move: { kind: 'down', n: 1 } });
    expect(keyAction(key('ArrowUp'))).toMatchObject({ kind: 'nav', move: { kind: 'up', n: 1 } });
    expect(keyAction(key('d', true))).toMatchObject({ kind: 'nav', unit: 'half', move: { kind: 'down' } });
    expect(keyAction(key('u', true))).toMatchObject({ kind: 'nav', unit: 'half', move: { kind: 'up' } });
    expect(keyAction(key('f', true))).toMatchObject({ kind: 'nav', unit: 'page', move: { kind: 'down' } });
    expect(keyAction(key('b', true))).toMatchObject({ kind: 'nav', unit: 'page', move: { kind: 'up' } });
    expect(keyAction(key('PageDown'))).toMatchObject({ kind: 'nav', unit: 'page' });
    expect(keyAction(key('0'))).toMatchObject({ move: { kind: 'first' } });
    expect(keyAction(key('$'))).toMatchObject({ move: { kind: 'last' } });
    expect(keyAction(key('H'))).toMatchObject({ move: { kind: 'top' } });
    expect(keyAction(key('M'))).toMatchObject({ move: { kind: 'middle' } });
    expect(keyAction(key('L'))).toMatchObject({ move: { kind: 'bottom' } });
  });
  it('leaves other chords to VS Code', () => {
    expect(keyAction({ key: 'p', ctrlKey: true, altKey: false, metaKey: false })).toBeNull();
    expect(keyAction({ key: 'g', ctrlKey: false, altKey: true, metaKey: false })).toBeNull();
    expect(keyAction(key('z'))).toBeNull();
  });
  it('option keys cycle', () => {
    expect(optionChange('groupBy', S())).toEqual({ groupBy: 'cmd' });
    expect(optionChange('groupBy', S({ groupBy: 'pid' }))).toEqual({ groupBy: 'unit' });
    expect(optionChange('groupBy', S({ groupBy: 'cgroup' }))).toEqual({ groupBy: 'exe' });
    expect(optionChange('units', S({ units: 'human' }))).toEqual({ units: 'MB' });
    expect(optionChange('cpuAvgSecs', S({ cpuAvgSecs: 90 }))).toEqual({ cpuAvgSecs: 5 });
    expect(optionChange('detail', S())).toEqual({ detail: true });
  });
});

describe('protocol validation', () => {
  it('accepts well-formed webview messages and nothing else', () => {
    expect(parseWebviewMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseWebviewMessage({ type: 'setOptions', options: { units: 'KB', topPct: 50 } })).toEqual({
      type: 'setOptions',
      options: { units: 'KB', topPct: 50 },
    });
    expect(parseWebviewMessage({ type: 'setOptions', options: { units: 'GB' } })).toBeNull();
    expect(parseWebviewMessage({ type: 'setOptions', options: { runAsUser: true } })).toBeNull();
    expect(parseWebviewMessage({ type: 'kill', targets: [{ pid: 5, starttime: 7 }] })).toEqual({ type: 'kill', targets: [{ pid: 5, starttime: 7 }] });
    expect(parseWebviewMessage({ type: 'kill', targets: [{ pid: -1, starttime: 7 }] })).toBeNull();
    expect(parseWebviewMessage({ type: 'kill', targets: [{ pid: 5 }] })).toBeNull();
    expect(parseWebviewMessage({ type: 'kill', targets: [] })).toBeNull();
    expect(parseWebviewMessage({ type: 'exec', cmd: 'rm -rf /' })).toBeNull();
    expect(parseWebviewMessage('ready')).toBeNull();
    expect(parseWebviewMessage(null)).toBeNull();
  });
  it('checks reports structurally on the webview side', () => {
    const report = reporter()(baseProcs());
    // (an older host sent no history stamp and no leaks: they read as none)
    expect(parseHostMessage({ type: 'report', report })).toEqual({ type: 'report', report, history: null, leaks: [] });
    expect(parseHostMessage({ type: 'report', report: { ...report, rows: [{ key: 1 }] } })).toBeNull();
    expect(parseHostMessage({ type: 'report', report: { ...report, total: { ...report.total, type: '<b>' } } })).toBeNull();
    expect(parseHostMessage({ type: 'bogus' })).toBeNull();
  });
  it('settings: invalid values fall back to defaults; min delta follows units', () => {
    expect(completeSettings({ units: 'KB', loopSeconds: -3, cpuAvgSecs: 7 })).toEqual({ ...DEFAULT_PANEL_SETTINGS, units: 'KB' });
    expect(parsePartialSettings({ loopSeconds: 0.1 })).toBeNull();
    expect(effectiveMinDeltaKb({ minDeltaKb: null, units: 'KB' })).toBe(100);
    expect(effectiveMinDeltaKb({ minDeltaKb: null, units: 'MB' })).toBe(1000);
    expect(effectiveMinDeltaKb({ minDeltaKb: -50, units: 'MB' })).toBe(-50);
  });
  it('persisted webview state is validated', () => {
    expect(parseState({ v: 1, search: 'x', selected: { key: 'a', pid: null }, expanded: ['a', 3], local: { col: 'data', dir: 'asc' } })).toMatchObject({
      search: 'x',
      selected: { key: 'a', pid: null },
      expanded: ['a'],
      local: { col: 'data', dir: 'asc' },
    });
    expect(parseState({ v: 1, local: { col: 'evil', dir: 'asc' }, selected: { key: 'a', pid: -4 } })).toMatchObject({ local: null, selected: null });
    expect(parseState('garbage').search).toBe('');
  });
});
