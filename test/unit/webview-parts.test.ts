// The panel's pure parts moved out of the app: optimistic options, the kept selection, key
// navigation, kill targets and the words around the table.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PANEL_SETTINGS, type HelperState, type PanelSettings } from '../../src/shared/webviewProtocol';
import { navTarget } from '../../webview/keyboard';
import { keyAction } from '../../src/shared/keymap';
import { PENDING_MS, PendingOptions } from '../../webview/pending';
import { displayRows, keptSelection, killTargets, navList } from '../../src/shared/rowOrder';
import { bannerText, killAskNote, killNote, leaderText, statusLine } from '../../webview/statusText';
import { baseProcs, proc, reporter } from './webview-fixtures';

const S = (over: Partial<PanelSettings> = {}): PanelSettings => ({ ...DEFAULT_PANEL_SETTINGS, ...over });

describe('pending options', () => {
  it('sends only valid changes, and keeps them over a stale echo until the echo comes or the time is up', () => {
    let now = 1000;
    const p = new PendingOptions(() => now);
    expect(p.change({ units: 'KB', groupBy: 'exe', topPct: 0 }, S())).toEqual({ units: 'KB' });
    expect(p.merge(S({ units: 'MB', showCpu: false }))).toEqual(S({ units: 'KB', showCpu: false })); // stale echo
    expect(p.merge(S({ units: 'KB' })).units).toBe('KB'); // the echo: no longer pending
    expect(p.merge(S({ units: 'human' })).units).toBe('human');
    p.change({ sortBy: 'cpu' }, S());
    now += PENDING_MS + 1;
    expect(p.merge(S()).sortBy).toBe('mem'); // the host never took it: its value wins
  });
});

describe('rows in display order', () => {
  const report = reporter()([proc(1, 'web', 100), proc(2, 'web', 300), proc(3, 'web', 200), proc(9, 'db', 50)]);
  const web = new Set(['web']);

  it('navigation walks exactly the rows the table shows, processes by ptotal', () => {
    const shown = displayRows(report.rows, web, null).map((d) => (d.kind === 'member' ? d.mem.pid : d.kind === 'group' ? d.row.key : 'O'));
    expect(shown).toEqual(['web', 2, 3, 1, 'db']);
    expect(navList(report.rows, web).map((r) => r.pid ?? r.key)).toEqual(['web', 2, 3, 1, 'db']);
  });

  it('a process no longer shown gives way to its group; a group keeps its selection', () => {
    expect(keptSelection(report.rows, new Set(), { key: 'web', pid: 2 })).toEqual({ key: 'web', pid: null });
    expect(keptSelection(report.rows, web, { key: 'web', pid: 2 })).toEqual({ key: 'web', pid: 2 });
    expect(keptSelection(report.rows, web, { key: 'gone', pid: 7 })).toEqual({ key: 'gone', pid: 7 });
    expect(keptSelection(report.rows, web, null)).toBeNull();
  });

  it('kill targets are the processes of the row, by pid and start time', () => {
    expect(killTargets(report, { key: 'web', pid: null })).toEqual([
      { pid: 1, starttime: 10 },
      { pid: 2, starttime: 20 },
      { pid: 3, starttime: 30 },
    ]);
    expect(killTargets(report, { key: 'web', pid: 3 })).toEqual([{ pid: 3, starttime: 30 }]);
    expect(killTargets(report, { key: 'nope', pid: null })).toEqual([]);
    expect(killTargets(null, { key: 'web', pid: null })).toEqual([]);
  });
});

describe('key navigation', () => {
  const list = Array.from({ length: 30 }, (_, i) => ({ key: `g${i}`, pid: null }));
  const nav = (key: string, ctrl = false) => {
    const a = keyAction({ key, ctrlKey: ctrl, altKey: false, metaKey: false });
    if (a?.kind !== 'nav') throw new Error(`${key} is not a move`);
    return a;
  };
  it('moves by a row, half a page and a page; with no selection the first move lands on the first row', () => {
    const page = { rows: 10, first: 5 };
    expect(navTarget(nav('j'), list, null, page)).toEqual(list[0]);
    expect(navTarget(nav('j'), list, list[3], page)).toEqual(list[4]);
    expect(navTarget(nav('d', true), list, list[3], page)).toEqual(list[8]);
    expect(navTarget(nav('PageDown'), list, list[25], page)).toEqual(list[29]);
    expect(navTarget(nav('H'), list, list[20], page)).toEqual(list[5]);
    expect(navTarget(nav('L'), list, list[20], page)).toEqual(list[14]);
    expect(navTarget(nav('j'), [], null, page)).toBeNull();
  });
});

describe('the words around the table', () => {
  const USER: HelperState = { status: 'running', mode: 'user', message: '', canElevate: true };
  const ROOT: HelperState = { status: 'running', mode: 'root', message: '', canElevate: false };
  it('the leader waits for a sample, then counts the leak suspects', () => {
    expect(leaderText(null, null, '', true, 0)).toEqual(['Waiting for the first sample\u2026']);
    const r = reporter()(baseProcs());
    expect(leaderText(r, { pidsShown: 7 }, '', true, 2)[0]).toMatch(/ 2 leak suspects$/);
  });
  it('the banner says why processes are missing, as a user or as root', () => {
    expect(bannerText(1, USER)).toBe('1 process of other users left out (never shown as 0). Run as root to see them.');
    expect(bannerText(3, ROOT)).toMatch(/^3 processes not accessible even as root/);
  });
  it('the status line joins the sampler state and the kill notes', () => {
    expect(statusLine(ROOT, S({ loopSeconds: 2 }), '')).toBe('Sampling every 2 s as root');
    expect(killAskNote([{ pid: 5 }])).toBe('Asking to kill pid 5\u2026');
    expect(killAskNote([])).toMatch(/^Nothing to kill/);
    const note = killNote([
      { pid: 5, outcome: 'gone' },
      { pid: 6, outcome: 'not-permitted', message: 'EPERM' },
    ]);
    expect(statusLine(USER, S(), note)).toBe('Sampling every 5 s as your user (only your own processes are readable) \u00b7 Kill: gone: 5; 6 not permitted (another user\u2019s process: run as root) \u2014 EPERM');
  });
});
