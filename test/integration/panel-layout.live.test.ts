// The panel laid out in real Chromium at the widths of a 1,280 and a 1,440 px VS Code window with
// the side bar open (the panel is then about 930 and 1,090 px wide): the toolbar on two lines with
// `?` among its buttons, the leader's last figure (PSI) on screen, the help's last row reachable,
// and the mappings view's title whole above a useful number of rows. The built dist/webview.js
// and dist/webview.css run in a page made with setContent (nothing listens), fed a report of the
// captured tree fixtures/tree-a; each case leaves a screenshot in .cache/e2e/screenshots/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupMaps } from '../../src/core/maps';
import { Reporter } from '../../src/core/report';
import type { Report } from '../../src/core/types';
import { Sampler } from '../../src/sampler/sampler';
import { reportOptions } from '../../src/shared/engineOptions';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/options';

const REPO = join(__dirname, '..', '..');
const TREE = join(REPO, 'fixtures', 'tree-a');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(REPO, '.cache', 'e2e', 'screenshots');
const built = ['webview.js', 'webview.css'].every((f) => existsSync(join(REPO, 'dist', f)));

/** A dark theme's variables, as the workbench gives a webview (fonts decide the widths). */
const THEME = `:root{--vscode-font-family:system-ui,"Ubuntu","Droid Sans",sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:"Droid Sans Mono","monospace",monospace;--vscode-editor-font-size:14px;--vscode-foreground:#ccc;--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;--vscode-editorWidget-background:#252526}`;

function report(): Report {
  const sample = new Sampler({ root: TREE, detail: true }).sample();
  const r = new Reporter(reportOptions()).report(sample);
  // The longest leader the panel writes: memory pressure and processes left for a later tick.
  r.leader.pressure = { some: 12.34, full: 5.67 };
  r.leader.stale = 3;
  r.leader.inaccessible = 2;
  return r;
}

let browser: Browser;

beforeAll(async () => {
  if (!built) return;
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

async function panel(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  const css = readFileSync(join(REPO, 'dist', 'webview.css'), 'utf8');
  const js = readFileSync(join(REPO, 'dist', 'webview.js'), 'utf8');
  await page.setContent(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${THEME}</style><style>${css}</style></head><body><div id="pm-mount"></div>` +
      `<script>window.__posted=[];window.acquireVsCodeApi=()=>({postMessage(m){window.__posted.push(m)},getState(){},setState(){}});</script><script>${js}</script></body></html>`,
  );
  const init = { type: 'init', settings: { ...DEFAULT_PANEL_SETTINGS, detail: true }, helper: { status: 'running', mode: 'root', message: '', canElevate: false }, report: report(), history: null, leaks: [] };
  await page.evaluate((m) => window.postMessage(m, '*'), init);
  await page.waitForSelector('tr.pm-row');
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `layout-${name}.png`) });

describe.runIf(built && existsSync(CHROMIUM))('the panel beside an open side bar (needs chromium and npm run build)', () => {
  for (const [win, width, height] of [[1280, 930, 700], [1440, 1090, 800]] as const) {
    it(`${win} px: the toolbar takes two lines, ? among the buttons; the leader is not cut`, async () => {
      const page = await panel(width, height);
      try {
        const t = await page.evaluate(() => {
          const bar = document.querySelector('#pm-toolbar')!;
          const rowOf = (e: Element) => {
            const b = e.getBoundingClientRect();
            return Math.round((b.top + b.bottom) / 2 / 10);
          };
          const items = [...bar.querySelectorAll(':scope > *, .pm-actions > *')].filter((e) => !e.classList.contains('pm-actions'));
          const rows = new Set(items.map(rowOf));
          const help = document.querySelector('#pm-help-button')!;
          const withHelp = items.filter((e) => e !== help && rowOf(e) === rowOf(help)).length;
          const leader = document.querySelector('#pm-leader')!;
          const right = leader.getBoundingClientRect().right;
          const spans = [...leader.querySelectorAll('span')];
          return {
            rows: rows.size,
            withHelp,
            cut: spans.filter((s) => s.getBoundingClientRect().right > right + 0.5).map((s) => s.textContent),
            psi: spans.some((s) => /^ ?PSI /.test(s.textContent ?? '')),
            overflow: leader.scrollWidth - leader.clientWidth,
            keys: getComputedStyle(bar.querySelector('.pm-key')!).display !== 'none',
          };
        });
        await shot(page, `${win}-toolbar`);
        expect(t.rows).toBeLessThanOrEqual(2);
        expect(t.withHelp).toBeGreaterThanOrEqual(3);
        expect(t.psi).toBe(true);
        expect(t.cut).toEqual([]);
        expect(t.overflow).toBeLessThanOrEqual(0);
        expect(t.keys).toBe(win === 1440); // the labels' keys (g, s, …) where two lines hold them
      } finally {
        await page.close();
      }
    });

    it(`${win} px: the help overlay scrolls to its last row and Close`, async () => {
      const page = await panel(width, height);
      try {
        await page.click('#pm-table');
        await page.keyboard.press('?');
        const h = await page.evaluate(() => {
          const help = document.querySelector<HTMLElement>('#pm-help')!;
          help.scrollTop = help.scrollHeight;
          const box = help.getBoundingClientRect();
          const rows = help.querySelectorAll('tr');
          const last = rows[rows.length - 1].getBoundingClientRect();
          const close = document.querySelector('#pm-help-close')!.getBoundingClientRect();
          return { inWindow: box.bottom <= innerHeight && box.right <= innerWidth, lastShown: last.bottom <= box.bottom && last.top >= box.top, closeShown: close.bottom <= box.bottom, scrolls: getComputedStyle(help).overflowY };
        });
        await shot(page, `${win}-help`);
        expect(h).toEqual({ inWindow: true, lastShown: true, closeShown: true, scrolls: 'auto' });
      } finally {
        await page.close();
      }
    });

    it(`${win} px: the mappings view shows its whole title and rows, the table keeps some`, async () => {
      const page = await panel(width, height);
      try {
        await page.click('#pm-legend-close');
        await page.click('#pm-table');
        for (const k of ['ArrowRight', 'ArrowDown', 'Enter']) await page.keyboard.press(k);
        const ask = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; pid: number; starttime: number }> }).__posted.filter((m) => m.type === 'getMaps').at(-1));
        expect(ask).toBeTruthy();
        const maps = groupMaps(readFileSync(join(TREE, 'proc', String(ask!.pid), 'smaps'), 'latin1'), false);
        // As many groups as a large process has (the fixture's, repeated under other names).
        const groups = Array.from({ length: 40 }, (_, i) => ({ ...maps.groups[i % maps.groups.length], name: `/usr/lib/lib${i}.so` }));
        await page.evaluate((m) => window.postMessage(m, '*'), { type: 'maps', pid: ask!.pid, starttime: ask!.starttime, result: { ok: true, pid: ask!.pid, starttime: ask!.starttime, maps: { ...maps, groups } } });
        await page.waitForSelector('.pm-maps-table tbody tr');
        const m = await page.evaluate(() => {
          const title = document.querySelector<HTMLElement>('#pm-maps .pm-chart-title')!;
          const scroll = document.querySelector<HTMLElement>('.pm-maps-scroll')!.getBoundingClientRect();
          const rowsShown = [...document.querySelectorAll('.pm-maps-table tbody tr')].filter((tr) => tr.getBoundingClientRect().bottom <= scroll.bottom).length;
          const table = document.querySelector<HTMLElement>('#pm-scroll')!.getBoundingClientRect();
          const rowH = document.querySelector('tr.pm-row')!.getBoundingClientRect().height;
          return { title: title.textContent, whole: title.scrollWidth <= title.clientWidth, rowsShown, tableRows: Math.floor(table.height / rowH) };
        });
        await shot(page, `${win}-maps`);
        expect(m.title).toMatch(/^Mappings of \d+$/);
        expect(m.whole).toBe(true);
        expect(m.rowsShown).toBeGreaterThanOrEqual(12);
        expect(m.tableRows).toBeGreaterThanOrEqual(4);
      } finally {
        await page.close();
      }
    });
  }
});
