// @vitest-environment happy-dom
// The drill-down of a process row: Enter on it asks the host for its mappings (pid + start
// time), and the answer is drawn as DOM nodes — names as text, never HTML.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupMaps } from '../../src/core/maps';
import { DEFAULT_PANEL_SETTINGS, parseHostMessage, parseWebviewMessage } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { $, $$, baseProcs, RecordingApi, reporter } from './webview-fixtures';

const SMAPS = readFileSync(join(__dirname, '../../fixtures/snippets/shmdemo.smaps'), 'latin1');
let app: PanelApp | null = null;
afterEach(() => app?.dispose());

function mount() {
  document.body.replaceChildren();
  const api = new RecordingApi();
  app = new PanelApp(document, document.body, api, { pageRows: () => 20, firstVisibleRow: () => 0 });
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, units: 'KB' }, helper: { status: 'running', mode: 'root', message: '', canElevate: false }, report: reporter()(baseProcs()) });
  return { app, api };
}

const press = (key: string) => document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
const cells = (tr: Element) => [...tr.children].map((td) => td.textContent);

describe('the mappings drill-down', () => {
  it('Enter on a process row asks for its mappings by pid + start time; Enter on a group still expands it', () => {
    const { app, api } = mount();
    app.select({ key: 'code', pid: null }, false);
    press('Enter');
    expect(app.isExpanded('code')).toBe(true);
    expect(api.of('getMaps')).toHaveLength(0);
    app.select({ key: 'code', pid: 201 }, false);
    press('Enter');
    expect(api.of('getMaps')).toEqual([{ type: 'getMaps', pid: 201, starttime: 2010 }]);
    expect($('#pm-maps').hidden).toBe(false);
    expect($('#pm-maps .pm-chart-note').textContent).toBe('reading\u2026');
  });

  it('shows the groups by Pss with the total first, summing to ptotal; names are text', () => {
    const { app } = mount();
    app.toggleExpand('code');
    app.select({ key: 'code', pid: 201 }, false);
    press('Enter');
    const maps = groupMaps(SMAPS, false);
    maps.groups[0].name = '<img src=x onerror="globalThis.pwned=1">\x1b[2J';
    app.receive({ type: 'maps', pid: 201, starttime: 2010, result: { ok: true, pid: 201, starttime: 2010, maps } });
    const rows = $$('#pm-maps tbody tr');
    expect(rows).toHaveLength(maps.groups.length + 1);
    // Σ over the file's mappings, by awk: Rss 1848, Private_* 476, Shared_* 1372, 30 headers.
    expect(cells(rows[0])).toEqual(['712', '1,848', '476', '1,372', '0', '0', '30', 'total', '']);
    expect(cells(rows[1]).at(-1)).toBe('<img src=x onerror="globalThis.pwned=1">\\x1b[2J');
    expect(document.querySelector('#pm-maps img')).toBeNull();
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
    const pss = rows.slice(1).map((tr) => Number(tr.children[0].textContent?.replace(/,/g, '')));
    expect(pss.reduce((a, b) => a + b, 0)).toBe(712);
    expect([...pss].sort((a, b) => b - a)).toEqual(pss);
    expect($('#pm-maps .pm-chart-note').textContent).toBe(`code --type=gpu \u2014 ptotal 712 KB in ${maps.total.count} mappings, by Pss`);
    expect($$('#pm-maps th').map((th) => th.textContent)).toEqual(['Pss', 'Rss', 'private', 'shared', 'swap', 'swapPss', 'maps', 'kind', 'name']);
    // The units follow the panel's, but for MB and mB, which would show most mappings as 0.
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, units: 'human' } });
    expect(cells($$('#pm-maps tbody tr')[0])[0]).toBe('712.0K');
    app.receive({ type: 'settings', settings: { ...DEFAULT_PANEL_SETTINGS, units: 'MB' } });
    expect(cells($$('#pm-maps tbody tr')[0])[0]).toBe('712');
    expect($('#pm-maps .pm-chart-note').textContent).toMatch(/ptotal 712 KB in/);
    $('#pm-maps .pm-chart-close').click();
    expect($('#pm-maps').hidden).toBe(true);
  });

  it('says when the process was too large to read whole (the helper cut its smaps)', () => {
    const { app } = mount();
    app.toggleExpand('code');
    app.select({ key: 'code', pid: 201 }, false);
    press('Enter');
    const maps = { ...groupMaps(SMAPS, false), cut: 16 * 1048576 };
    const msg = { type: 'maps', pid: 201, starttime: 2010, result: { ok: true, pid: 201, starttime: 2010, maps } };
    expect(parseHostMessage(JSON.parse(JSON.stringify(msg)))).toEqual(msg);
    app.receive(msg as Parameters<PanelApp['receive']>[0]);
    expect($('#pm-maps .pm-chart-note').textContent).toMatch(/by Pss \u2014 too large to read whole: only the mappings in the first 16 MB of its smaps are shown$/);
  });

  it('drops an answer about another process, and says why there are none', () => {
    const { app } = mount();
    app.toggleExpand('code');
    app.select({ key: 'code', pid: 201 }, false);
    press('Enter');
    const maps = groupMaps(SMAPS, false);
    app.receive({ type: 'maps', pid: 201, starttime: 9999, result: { ok: true, pid: 201, starttime: 9999, maps } });
    app.receive({ type: 'maps', pid: 200, starttime: 2000, result: { ok: true, pid: 200, starttime: 2000, maps } });
    expect($$('#pm-maps tbody tr')).toHaveLength(0);
    app.receive({ type: 'maps', pid: 201, starttime: 2010, result: { ok: false, outcome: 'pid-reused', message: 'pid 201 now belongs to another process' } });
    expect($('#pm-maps .pm-chart-note').textContent).toBe('no mappings: the pid now belongs to another process (pid 201 now belongs to another process)');
  });

  it('the messages are validated both ways', () => {
    expect(parseWebviewMessage({ type: 'getMaps', pid: 201, starttime: 2010 })).toEqual({ type: 'getMaps', pid: 201, starttime: 2010 });
    for (const bad of [{ pid: 0, starttime: 1 }, { pid: -1, starttime: 1 }, { pid: '5', starttime: 1 }, { pid: 5 }, { pid: 5, starttime: -1 }, { pid: 4_194_305, starttime: 1 }]) {
      expect(parseWebviewMessage({ type: 'getMaps', ...bad })).toBeNull();
    }
    const maps = groupMaps(SMAPS, false);
    const good = { type: 'maps', pid: 5, starttime: 1, result: { ok: true, pid: 5, starttime: 1, maps } };
    expect(parseHostMessage(good)).toEqual(good);
    const badGroup = (g: Record<string, unknown>) => ({ ...good, result: { ...good.result, maps: { ...maps, groups: [{ ...maps.groups[0], ...g }] } } });
    expect(parseHostMessage(badGroup({ kind: 'evil' }))).toBeNull();
    expect(parseHostMessage(badGroup({ pss: -1 }))).toBeNull();
    expect(parseHostMessage(badGroup({ name: 5 }))).toBeNull();
    expect(parseHostMessage(badGroup({ extra: 1 }))).toBeNull();
    expect(parseHostMessage({ ...good, result: { ok: false, outcome: 'gone', message: 'x' } })).toBeNull();
    expect(parseHostMessage({ ...good, result: { ok: 'yes' } })).toBeNull();
  });
});
