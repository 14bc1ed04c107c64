// A process's mappings in the panel, in a real VS Code (code-server + Chromium), with the .vsix
// installed as a user would: Enter on a memtest's process row opens #pm-maps, the helper's table
// of its mappings grouped by what they are; the groups add up to the total, its SysV segments are
// there one by one; maps.png is taken for the README (PICTURES: see harness.mjs).
//
// Issue 13. One code-server, one browser, one memtest, all in private directories; the tests run
// in order and build on each other.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { BASE_SETTINGS, Children, endMemtestRun, newWorkDir, PICTURES, ROOT, startWorkbench, sysvSegments, waitUntil } from './harness.mjs';
import { failureShotTests, num, panelOf } from './panel.mjs';

const SHOT = path.join(PICTURES, 'maps.png');
/** SysV keys of this file's memtest (chart: 0x504e6100, ui: 0x504e4500). */
const KEY_BASE = 0x504e6d00;
const STEPS = 6;
/** memtest.c under a name of its own: its group is only ever this file's process. */
const MEMTEST = 'memtest-maps';

const children = new Children();
let server;
let browser;
let page;
let tmp;
let memtest;

const { row, wv, key, noHover, openWide } = panelOf(() => page);
const { t, state } = failureShotTests('maps', () => page, { skipAfterFailure: true });
const maps = () => wv().locator('section#pm-maps');

/** SysV segments with this file's keys. */
const ourSegments = () => sysvSegments(KEY_BASE, KEY_BASE + STEPS + 1);

before(async () => {
  const work = newWorkDir('maps');
  tmp = path.join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-o', path.join(tmp, MEMTEST), path.join(ROOT, 'memtest.c')]);
  ({ server, browser, page } = await startWorkbench(work, { settings: { ...BASE_SETTINGS, 'pmemstat.loopSeconds': 1, 'pmemstat.units': 'KB' } }));
});

after(() => endMemtestRun({ failed: state.failed, shot: 'maps-failure', page, children, browser, server, tmp, segments: ourSegments }));

t('Enter on a process row shows its mappings, grouped, adding up to the total', async (ctx) => {
  memtest = children.start(path.join(tmp, MEMTEST), ['-i', '50', '-n', String(STEPS), '-k', `0x${KEY_BASE.toString(16)}`], {
    env: { ...process.env, TMPDIR: tmp },
  });
  await Children.waitOutput(memtest, /holding/, 30_000);
  await openWide();
  await row(MEMTEST).waitFor({ timeout: 30_000 });
  assert.equal(await maps().getAttribute('hidden'), '');
  // Select the group, expand it, go down to its process and press Enter.
  await row(MEMTEST).locator('td.pm-ptotal').click();
  await key('Enter');
  const member = wv().locator(`tr.pm-member[data-pid="${memtest.pid}"]`);
  await member.waitFor({ timeout: 10_000 });
  await key('j');
  await member.and(wv().locator('.pm-selected')).waitFor({ timeout: 5000 });
  await key('Enter');
  await maps().waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await maps().locator('.pm-chart-title').innerText(), `Mappings of ${memtest.pid}`);
  await waitUntil(async () => (await maps().locator('tbody tr').count()) > 3, { timeout: 15_000, what: 'the mappings table' });
  const rows = await maps()
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  ctx.diagnostic(`${rows.length - 1} groups; total ${JSON.stringify(rows[0])}`);
  const [total, ...groups] = rows;
  assert.equal(total[7], 'total');
  // In KB every figure column of the total is exactly the sum of the groups'.
  for (let c = 0; c < 7; c++) assert.equal(groups.reduce((a, g) => a + num(g[c]), 0), num(total[c]), `column ${c}`);
  assert.equal(groups.filter((g) => g[7] === 'sysv').length, STEPS, 'one SysV segment a step');
  for (const kind of ['heap', 'stack', 'file', 'kernel']) assert.ok(groups.some((g) => g[7] === kind), `no ${kind} group`);
  assert.ok(groups.some((g) => g[8].endsWith(`/${MEMTEST}`)), 'the program file is not a group');
  const note = await maps().locator('.pm-chart-note').innerText();
  assert.match(note, new RegExp(`ptotal ${total[0]} KB in ${total[6]} mappings, by Pss$`));
});

t('screenshot: the mappings of a process (maps.png)', async (ctx) => {
  mkdirSync(path.dirname(SHOT), { recursive: true });
  await noHover();
  await page.locator('#workbench\\.parts\\.editor').screenshot({ path: SHOT });
  ctx.diagnostic(`wrote ${path.relative(ROOT, SHOT)}`);
  assert.ok(readFileSync(SHOT).length > 10_000);
});

t('the close button hides the mappings', async () => {
  await maps().locator('button.pm-chart-close').click();
  await maps().waitFor({ state: 'hidden', timeout: 5000 });
});
