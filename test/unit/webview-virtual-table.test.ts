// @vitest-environment happy-dom
// The virtualized table in the DOM: a long table renders a window of its rows between spacers,
// the selected row always has an element, the keys reach rows that are not rendered (they are
// rendered and scrolled into view), and the accessibility attributes count every row.
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../../src/shared/webviewProtocol';
import { PanelApp } from '../../webview/app';
import { VIRTUALIZE_ABOVE, WINDOW_MARGIN } from '../../webview/virtual';
import { $, $$, proc, RecordingApi, reporter, RUNNING_AS_ROOT as RUNNING } from './webview-fixtures';

const PAGE = 10;
const ROW_PX = 20;
const M = WINDOW_MARGIN;
const HEAD = 2; // aria-rowindex of the header row and the total row

const renderedKeys = () => $$('tr.pm-row').map((tr) => tr.dataset.key);
const selected = () => $('tr.pm-selected');
const spacers = () => $$('tr.pm-spacer').map((tr) => Number(tr.dataset.rows));
/** The body in order: a group key, `#n` for a spacer of n rows. */
const body = () => $$('#pm-table tbody tr').map((tr) => (tr.classList.contains('pm-spacer') ? `#${tr.dataset.rows}` : (tr.dataset.key as string)));
const key = (i: number) => `g${String(i).padStart(3, '0')}`;

let current: PanelApp | null = null;
let restoreScroll: (() => void) | null = null;
afterEach(() => {
  current?.dispose();
  current = null;
  restoreScroll?.();
  restoreScroll = null;
});

/**
 * A panel whose scroll position is `view.first` (rows, as the DOM metrics would give it), PAGE
 * rows high, rows ROW_PX high; scrollIntoView({ block: 'nearest' }) moves it as a browser would.
 */
function mount() {
  document.body.replaceChildren();
  const view = { first: 0 };
  const api = new RecordingApi();
  /** The group of each sparkline drawing. */
  const drawn: string[] = [];
  const app = new PanelApp(
    document,
    document.body,
    api,
    { pageRows: () => PAGE, firstVisibleRow: () => view.first, rowHeight: () => ROW_PX },
    { nextFrame: (cb) => cb(), drawSpark: (canvas) => drawn.push((canvas.closest('tr') as HTMLElement).dataset.key as string) },
  );
  current = app;
  const proto = HTMLElement.prototype as { scrollIntoView?: unknown };
  const saved = proto.scrollIntoView;
  proto.scrollIntoView = function (this: HTMLElement) {
    const i = Number(this.getAttribute('aria-rowindex')) - HEAD - 1;
    if (i < view.first) view.first = i;
    else if (i >= view.first + PAGE) view.first = i - PAGE + 1;
  };
  restoreScroll = () => {
    proto.scrollIntoView = saved;
  };
  /** Scroll to a row, as the user would with the mouse: the window follows in the next frame. */
  const scrollTo = (first: number) => {
    view.first = first;
    app.shell.scroll.dispatchEvent(new Event('scroll'));
  };
  return { app, api, view, scrollTo, drawn };
}

/** n groups g000 … g(n-1), biggest first. */
function groups(n: number): Report {
  return reporter()(Array.from({ length: n }, (_, i) => proc(10_000 + i, key(i), 2_000_000 - i * 1000)));
}

function init(app: PanelApp, report: Report, settings: Partial<PanelSettings> = {}) {
  app.receive({ type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, ...settings }, helper: RUNNING, report });
}

function press(k: string, ctrl = false) {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, ctrlKey: ctrl, bubbles: true, cancelable: true }));
}

/** The selected row is rendered, is the table's active descendant, in view, and has its index. */
function expectSelected(view: { first: number }, i: number) {
  const tr = selected();
  expect(tr?.dataset.key).toBe(key(i));
  expect(tr.getAttribute('aria-selected')).toBe('true');
  expect(tr.getAttribute('aria-rowindex')).toBe(String(HEAD + i + 1));
  expect($('#pm-table').getAttribute('aria-activedescendant')).toBe(tr.id);
  expect(i >= view.first && i < view.first + PAGE).toBe(true);
  // and the rows around it are rendered: the window moved with it
  expect(renderedKeys()).toContain(key(Math.max(0, i - 1)));
}

describe('a long table renders a window of its rows', () => {
  it('the rows in view and a margin, a spacer for the rest; aria counts every row', () => {
    const { app } = mount();
    init(app, groups(300));
    const win = PAGE + 1 + M;
    expect(renderedKeys()).toEqual(Array.from({ length: win }, (_, i) => key(i)));
    expect(body().at(-1)).toBe(`#${300 - win}`);
    expect(($('tr.pm-spacer td') as HTMLElement).style.height).toBe(`${(300 - win) * ROW_PX}px`);
    expect($('tr.pm-spacer').getAttribute('aria-hidden')).toBe('true');
    expect($('#pm-table').getAttribute('aria-rowcount')).toBe(String(HEAD + 300));
    expect($$('tr.pm-row').map((tr) => tr.getAttribute('aria-rowindex'))).toEqual(Array.from({ length: win }, (_, i) => String(HEAD + i + 1)));
    expect($('tr.pm-head').getAttribute('aria-rowindex')).toBe('1');
    expect($('tr.pm-total').getAttribute('aria-rowindex')).toBe('2');
    // Sparkline canvases only in the rendered rows.
    expect($$('canvas.pm-spark')).toHaveLength(win);
    // The spacer spans every column.
    expect(($('tr.pm-spacer td') as HTMLTableCellElement).colSpan).toBe($$('th[data-col]').length);
  });

  it('scrolling renders the rows then in view, between two spacers', () => {
    const { app, scrollTo } = mount();
    init(app, groups(300));
    scrollTo(150);
    expect(renderedKeys()[0]).toBe(key(150 - M));
    expect(renderedKeys().at(-1)).toBe(key(150 + PAGE + M));
    expect(spacers()).toEqual([150 - M, 300 - (150 + PAGE + 1 + M)]);
    scrollTo(290);
    expect(renderedKeys().at(-1)).toBe(key(299));
    expect(spacers()).toEqual([290 - M]);
    scrollTo(0);
    expect(renderedKeys()[0]).toBe(key(0));
  });

  it('sparklines are drawn in the rows that come into view, on the canvases of those that left', () => {
    const { app, scrollTo, drawn } = mount();
    const r0 = groups(300);
    init(app, r0);
    app.receive({ type: 'sparks', history: { start: 0, seq: 0 }, series: r0.rows.map((r) => ({ key: r.key, values: [1, 2, r.mem.ptotal] })) });
    expect(drawn).toContain(key(0));
    const canvases = new Set($$('canvas.pm-spark'));
    drawn.length = 0;
    scrollTo(150);
    expect(drawn).toContain(key(150));
    expect(drawn).not.toContain(key(0));
    // The rows that left gave their elements (and canvases) to the rows that came in; the window
    // is larger there (a margin above too): the others are new.
    const now = $$('canvas.pm-spark');
    expect(now).toHaveLength(PAGE + 1 + 2 * M);
    expect(now.filter((c) => canvases.has(c))).toHaveLength(canvases.size);
    for (const c of now) expect(c.closest('tr')?.dataset.key).toMatch(/^g1[3-7]\d$/);
  });

  it('up to the threshold every row is rendered, without spacers', () => {
    const { app } = mount();
    init(app, groups(VIRTUALIZE_ABOVE));
    expect(renderedKeys()).toHaveLength(VIRTUALIZE_ABOVE);
    expect(spacers()).toEqual([]);
    expect($('#pm-table').getAttribute('aria-rowcount')).toBe(String(HEAD + VIRTUALIZE_ABOVE));
  });

  it('a search that leaves few rows renders them all; clearing it windows again', () => {
    const { app } = mount();
    init(app, groups(300));
    app.setSearch('g29');
    expect(renderedKeys()).toEqual(Array.from({ length: 10 }, (_, i) => key(290 + i)));
    expect(spacers()).toEqual([]);
    expect($('tr.pm-overflow td.pm-type').textContent).toBe('O');
    expect($('tr.pm-overflow').getAttribute('aria-rowindex')).toBe(String(HEAD + 11));
    app.setSearch('');
    expect(renderedKeys()).toHaveLength(PAGE + 1 + M);
  });
});

describe('keys reach rows that are not rendered', () => {
  it('$ / End and 0 / Home: the row is rendered, selected and scrolled into view', () => {
    const { app, view } = mount();
    init(app, groups(300));
    expect(renderedKeys()).not.toContain(key(299));
    press('$');
    expectSelected(view, 299);
    expect(renderedKeys()).not.toContain(key(0));
    press('0');
    expectSelected(view, 0);
    press('End');
    expectSelected(view, 299);
    press('Home');
    expectSelected(view, 0);
  });

  it('j/k, PgDn/PgUp and Ctrl-d/u/f/b walk the whole table', () => {
    const { app, view } = mount();
    init(app, groups(300));
    press('j');
    expectSelected(view, 0);
    for (let n = 1; n <= 40; n++) press('j');
    expectSelected(view, 40);
    press('k');
    expectSelected(view, 39);
    press('PageDown');
    expectSelected(view, 49);
    press('f', true);
    expectSelected(view, 59);
    press('d', true);
    expectSelected(view, 64);
    press('u', true);
    expectSelected(view, 59);
    press('b', true);
    expectSelected(view, 49);
    press('PageUp');
    expectSelected(view, 39);
    for (let n = 0; n < 40; n++) press('PageDown');
    expectSelected(view, 299);
  });

  it('H/M/L select the top, middle and bottom rows of the window', () => {
    const { app, view, scrollTo } = mount();
    init(app, groups(300));
    scrollTo(200);
    press('H');
    expectSelected(view, 200);
    press('L');
    expectSelected(view, 209);
    press('M');
    expectSelected(view, 204);
  });

  it('the selected row keeps an element when scrolled away, and across updates', () => {
    const { app, view, scrollTo } = mount();
    const next = reporter();
    const procs = (grow: number) => Array.from({ length: 300 }, (_, i) => proc(10_000 + i, key(i), 2_000_000 - i * 1000 + (i === 5 ? grow : 0)));
    init(app, next(procs(0)));
    app.select({ key: key(5), pid: null }, true);
    const tr = selected();
    scrollTo(200);
    // Alone before the window, with a spacer on each side of it.
    expect(body().slice(0, 3)).toEqual([`#5`, key(5), `#${200 - M - 6}`]);
    expect($('#pm-table').getAttribute('aria-activedescendant')).toBe(tr.id);
    expect(selected()).toBe(tr);
    // An update keeps the window, the selection and its element.
    app.receive({ type: 'report', report: next(procs(0)) });
    expect(selected()).toBe(tr);
    expect(renderedKeys()).toContain(key(200));
    expect(view.first).toBe(200);
    // j from there goes to the next row, rendered and scrolled to.
    press('j');
    expectSelected(view, 6);
  });

  it('expanded processes count as rows of the table and the window', () => {
    const { app, view } = mount();
    init(app, groups(300));
    press('$');
    press('ArrowRight'); // g299 has one process: a member row after it
    expect($('#pm-table').getAttribute('aria-rowcount')).toBe(String(HEAD + 301));
    press('j');
    const m = selected();
    expect(m.classList.contains('pm-member')).toBe(true);
    expect(m.dataset.pid).toBe(String(10_299));
    expect(m.getAttribute('aria-rowindex')).toBe(String(HEAD + 301));
    expect($('#pm-table').getAttribute('aria-activedescendant')).toBe(m.id);
    expect(view.first).toBe(300 - PAGE + 1);
  });

  it('a click on a rendered row selects it; rows keep their text content only', () => {
    const { app, scrollTo } = mount();
    init(app, groups(300));
    scrollTo(100);
    ($(`tr.pm-row[data-key="${key(105)}"] td.pm-ptotal`) as HTMLElement).click();
    expect(app.selected).toEqual({ key: key(105), pid: null });
    expect(selected().dataset.key).toBe(key(105));
  });
});
