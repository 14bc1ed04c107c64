// The panel, the status bar and the kill flow in a real VS Code (code-server + Chromium), with the
// .vsix installed as a user would. One code-server and one browser for the whole file; the tests
// run in order and build on each other (the memtest started early is used by the later ones).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import {
  assertNothingLeft,
  buildMemtest,
  Children,
  dialog,
  E2E_DIR,
  failureShot,
  isRunning,
  meminfo,
  newWorkDir,
  notification,
  PICTURES,
  readUserSettings,
  runCommand,
  sleep,
  statusItem,
  waitUntil,
  writeUserSettings,
  BASE_SETTINGS,
  startWorkbench,
} from './harness.mjs';
import { failureShotTests, num, panelOf } from './panel.mjs';

/**
 * memtest built under a name of its own: its group (grouped by exe) is only ever this file's
 * process, whatever other memtests run on the machine (a group already known is not new).
 */
const MEMTEST = 'memtest-ui';
const KEY_BASE = '0x504e4500'; // SysV keys of this file's memtest (not the integration tests')
const children = new Children();
let server;
let browser;
let page;
let memtest;

const { row, th, wv, inPanel, key, noHover: parkMouse } = panelOf(() => page);
const { t, state } = failureShotTests('ui', () => page, { onFailure: () => resetPanel() });

/** "Preferences: Color Theme" and pick one ("Light Modern", "Dark Modern"), as a user would. */
async function setTheme(label) {
  await runCommand(page, 'Preferences: Color Theme', { thenQuickPick: true });
  const qi = page.locator('.quick-input-widget');
  await qi.locator('.quick-input-box input').fill(label);
  await qi.locator('.quick-input-list .monaco-list-row .label-name', { hasText: new RegExp(`^${label}$`) }).first().click();
  await qi.waitFor({ state: 'hidden' });
}

/** Wait for 5 more samples and for memtest's row to be unchanged (blank type). */
async function settle() {
  const leaderTime = async () => (await wv().locator('#pm-leader').innerText()).slice(0, 8);
  const seen = new Set([await leaderTime()]);
  await waitUntil(async () => {
    seen.add(await leaderTime());
    return seen.size > 5 && (await row(MEMTEST).locator('td.pm-type').innerText()) === '';
  }, { timeout: 30_000, interval: 200, what: 'a settled panel' });
}

/** Mouse parked on the empty part of the panel, no hover or toast left on screen. */
const noHover = () => parkMouse({ x: 900, y: 820 });

/** Text of the given column in every group row, in display order. */
const columnTexts = (col) => wv().locator(`tbody tr.pm-row td.pm-${col}`).allInnerTexts();

before(async () => {
  ({ server, browser, page } = await startWorkbench(newWorkDir('ui')));
});

after(async () => {
  if (state.failed) await failureShot(page, 'ui-failure');
  await children.stopAll();
  await browser?.close();
  const left = await server?.stop();
  if (left) {
    assertNothingLeft(left);
    if (!state.failed) rmSync(server.work, { recursive: true, force: true });
  }
});

/** After a failure: default options, window size, no search, no kill mode (the next test starts clean). */
async function resetPanel() {
  writeUserSettings(server.work, BASE_SETTINGS);
  await page.setViewportSize({ width: 1400, height: 900 });
  await inPanel(() => !document.body.classList.contains('pm-kill-mode') || (document.getElementById('pm-opt-killMode')?.click(), false), undefined, {
    timeout: 5000,
  }).catch(() => {});
  await key('Escape');
  await key('Escape');
  await th('other').waitFor({ timeout: 10_000 });
}

t('the status-bar item appears and agrees with /proc/meminfo within 2 %', async (ctx) => {
  const item = statusItem(page);
  await item.waitFor({ timeout: 60_000 });
  const re = /(\d+(?:\.\d)?)\/(\d+(?:\.\d)?)([KMGT]) (\d+)%/;
  const text = await waitUntil(async () => {
    const s = await item.innerText();
    return re.test(s) ? s : null;
  }, { what: 'status-bar figures' });
  const m = meminfo();
  const [, used, total, unit, pct] = re.exec(text);
  const div = { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 }[unit];
  const usedNow = (m.memTotal - m.memAvailable) / div;
  const totalNow = m.memTotal / div;
  ctx.diagnostic(`status bar "${text.trim()}"; /proc/meminfo used ${usedNow.toFixed(2)}${unit} of ${totalNow.toFixed(2)}${unit}`);
  assert.ok(Math.abs(Number(total) - totalNow) <= 0.02 * totalNow, 'total differs by more than 2 %');
  assert.ok(Math.abs(Number(used) - usedNow) <= 0.02 * totalNow, 'used differs by more than 2 % of the total');
  assert.ok(Math.abs(Number(pct) - (100 * (m.memTotal - m.memAvailable)) / m.memTotal) <= 2, 'percent off by more than 2');
  const label = await item.locator('[role="button"], a').first().getAttribute('aria-label');
  assert.match(label ?? '', /Memory/, 'the item has no accessible label');
});

t('"pmemstat: Open" from the Command Palette shows the leader, the header and the T row', async () => {
  await runCommand(page, 'pmemstat: Open');
  await page.locator('.tab', { hasText: 'pmemstat' }).first().waitFor();
  await wv().locator('tr.pm-total').waitFor({ timeout: 30_000 });
  await wv().locator('tr.pm-row').first().waitFor({ timeout: 30_000 });
  const leader = await wv().locator('#pm-leader').innerText();
  assert.match(leader, /\d\d:\d\d:\d\d Tot=\S+ Used=\S+ Avail=\S+ Oth=\S+ Sh\+Tmp=\S+ Dirty=\S+ PIDs=\d+\/\d+/);
  for (const col of ['cpu', 'pswap', 'other', 'data', 'ptotal', 'type', 'count', 'info']) await th(col).waitFor();
  assert.equal(await wv().locator('tr.pm-total td.pm-type').innerText(), 'T');
  assert.match(await wv().locator('tr.pm-total td.pm-count').innerText(), /^\d+x$/);
  assert.match(await wv().locator('tr.pm-total td.pm-info').innerText(), /TOTALS/);
});

t('closed, the panel comes back with a click on the status-bar item', async () => {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 15_000 });
  await statusItem(page).click();
  await wv().locator('tr.pm-row').first().waitFor({ timeout: 30_000 });
});

t('a memtest started by the test appears as a group, then grows: +NK, highlighted', async (ctx) => {
  const bin = buildMemtest(MEMTEST);
  const tmp = path.join(E2E_DIR, 'children-tmp');
  mkdirSync(tmp, { recursive: true });
  // 24 steps of 0.5 s, ~400 KB each: ~800 KB per 1-s sample, so the 1000 KB threshold (MB units)
  // is crossed every other sample while it grows.
  memtest = children.start(bin, ['-i', '500', '-n', '24', '-k', KEY_BASE], { env: { ...process.env, TMPDIR: tmp } });
  await Children.waitOutput(memtest, /step 1\//);
  await row(MEMTEST).waitFor({ timeout: 30_000 });
  const first = await row(MEMTEST).locator('td.pm-type').innerText();
  ctx.diagnostic(`memtest (pid ${memtest.pid}) first shown with type "${first}"`);
  assert.match(first, /^(A|\+\d+K)$/);
  assert.equal(await row(MEMTEST).locator('td.pm-count').innerText(), String(memtest.pid));
  const grown = await inPanel(
    () => {
      const tr = document.querySelector('tr.pm-row[data-key="memtest-ui"]');
      const type = tr?.querySelector('td.pm-type')?.textContent ?? '';
      return tr && /^\+\d+K$/.test(type) && tr.classList.contains('pm-grow') ? { type, bg: getComputedStyle(tr).backgroundColor } : null;
    },
    undefined,
    { timeout: 20_000, what: 'memtest row with +NK and pm-grow' },
  );
  ctx.diagnostic(`grown: ${JSON.stringify(grown)}`);
  assert.ok(grown.bg && grown.bg !== 'rgba(0, 0, 0, 0)', 'the grown row is not highlighted');
  await Children.waitOutput(memtest, /step 24\/24/, 30_000);
});

t('g cycles the grouping: cmd, pid, unit, container, cgroup, exe', async () => {
  const grouping = (want) => waitUntil(() => readUserSettings(server.work)['pmemstat.groupBy'] === want, { what: `groupBy ${want}` });
  await key('g');
  await inPanel(() => [...document.querySelectorAll('tr.pm-row')].some((r) => /^memtest-ui -i 500 -n 24/.test(r.dataset.key ?? '')), undefined, { what: 'cmd grouping' });
  await key('g');
  await row(String(memtest.pid)).waitFor();
  assert.match(await row(String(memtest.pid)).locator('td.pm-info').innerText(), new RegExp(`^\\S*\\s*${memtest.pid} memtest`));
  await key('g');
  await grouping('unit');
  await key('g');
  await grouping('container');
  await row('host').waitFor(); // nothing on this machine runs in a container
  await key('g');
  await grouping('cgroup');
  await key('g');
  await row(MEMTEST).waitFor();
  assert.equal(readUserSettings(server.work)['pmemstat.groupBy'], 'exe');
});

t('screenshots: the panel in a dark and a light theme, the status-bar tooltip', async () => {
  mkdirSync(PICTURES, { recursive: true });
  await row(MEMTEST).waitFor();
  // Settled after the regrouping: a few samples in the trend column, memtest no longer new.
  await settle();
  const editor = page.locator('#workbench\\.parts\\.editor');
  await noHover();
  await editor.screenshot({ path: path.join(PICTURES, 'panel-dark.png') });

  const item = statusItem(page);
  await item.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Avail' }).first();
  await hover.waitFor({ timeout: 15_000 });
  await waitUntil(async () => /Top groups/.test(await hover.innerText()), { what: 'top groups in the tooltip' });
  const tip = await hover.innerText();
  for (const w of ['Used', 'Avail', 'Sh+Tmp', 'Dirty', 'Swap']) assert.ok(tip.includes(w), `the tooltip lacks ${w}`);
  // The hover is re-rendered when its text updates with a sample: take its box once it holds still.
  let hb = null;
  await waitUntil(async () => {
    hb = await hover.boundingBox();
    if (!hb) await item.hover();
    return hb !== null;
  }, { what: 'the tooltip box' });
  const sb = await item.boundingBox();
  const x = Math.max(0, Math.min(hb.x, sb.x) - 16);
  const y = Math.max(0, hb.y - 16);
  await page.screenshot({
    path: path.join(PICTURES, 'statusbar-tooltip.png'),
    clip: { x, y, width: Math.max(hb.x + hb.width, sb.x + sb.width) - x + 16, height: sb.y + sb.height - y },
  });

  await setTheme('Light Modern');
  await page.locator('.monaco-workbench.vs').waitFor({ timeout: 30_000 });
  await inPanel(() => document.body.classList.contains('vscode-light'), undefined, { what: 'light webview' });
  await row(MEMTEST).waitFor();
  await noHover();
  await editor.screenshot({ path: path.join(PICTURES, 'panel-light.png') });
  await setTheme('Dark Modern');
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
});

t('u cycles the units: mB, KB, human, MB; each shows the same T ptotal as the one before it, of the same sample', async (ctx) => {
  // The leader (its first field is the sample's time), the T row's ptotal and the units the rows
  // say they are in, read in one go: figures of one render. Two readings with the same leader are
  // the same sample (units are view-only: pressing u does not sample), so they must agree to the
  // rounding of their units; live samples a second apart need not (another process grows).
  const view = (units) =>
    inPanel(
      (u) => {
        const leader = document.querySelector('#pm-leader')?.textContent ?? '';
        const total = document.querySelector('tr.pm-total td.pm-ptotal')?.textContent?.trim();
        const label = document.querySelector('tbody tr.pm-row')?.getAttribute('aria-label') ?? '';
        return leader && total && / (\S+) ptotal,/.exec(label)?.[1] === u ? { leader, total, units: u } : null;
      },
      units,
      { what: `the T row in ${units}` },
    );
  /** A reading in KB, with how far its rounding may be off. */
  const HUMAN = { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3 };
  const inKb = ({ total, units }) => {
    if (units === 'human') {
      const m = /^(\d+(?:\.\d)?)([KMGT])$/.exec(total);
      assert.ok(m, `human figure: ${total}`);
      return { kb: Number(m[1]) * HUMAN[m[2]], off: 0.05 * HUMAN[m[2]] };
    }
    const per = { MB: 1024, mB: 1e6 / 1024, KB: 1 }[units];
    return { kb: num(total) * per, off: per / 2 };
  };
  // With the panel's 1 s loop, a key press and its saved setting can outlast a sample on a loaded
  // machine, so two readings rarely share one: hold the sampling still for this test instead. An
  // automatic minDeltaKb depends on the units (100 in KB, else 1000), and a change of it samples
  // anew: set it, so that only the view changes with u.
  const settings = readUserSettings(server.work);
  writeUserSettings(server.work, { ...settings, 'pmemstat.loopSeconds': 3600, 'pmemstat.minDeltaKb': 1000 });
  try {
    await unitsOfOneSample(view, inKb, ctx);
  } finally {
    writeUserSettings(server.work, settings);
  }
});

async function unitsOfOneSample(view, inKb, ctx) {
  const ORDER = ['MB', 'mB', 'KB', 'human'];
  // The settings written take effect when the workbench notices the file (seconds, on a busy
  // machine): until then the 1 s loop and the automatic minDeltaKb (a resample at each switch
  // to KB) still run. In force once the leader stands still.
  await waitUntil(
    async () => {
      const a = await view('MB');
      await sleep(2500);
      return (await view('MB')).leader === a.leader;
    },
    { timeout: 60_000, what: 'sampling held still (loopSeconds 3600 in force)' },
  );
  let prev = await view('MB');
  const agreed = new Set();
  for (let i = 0; i < 40 && (agreed.size < ORDER.length || prev.units !== 'MB'); i++) {
    const next = ORDER[(ORDER.indexOf(prev.units) + 1) % ORDER.length];
    await key('u');
    await waitUntil(() => readUserSettings(server.work)['pmemstat.units'] === next, { what: `units ${next} saved` });
    const cur = await view(next);
    if (cur.leader === prev.leader) {
      const [a, b] = [inKb(prev), inKb(cur)];
      assert.ok(Math.abs(a.kb - b.kb) <= a.off + b.off, `one sample's T ptotal: ${prev.total} ${prev.units} but ${cur.total} ${cur.units}`);
      if (!agreed.has(next)) ctx.diagnostic(`T ptotal ${prev.total} ${prev.units} = ${cur.total} ${cur.units}`);
      agreed.add(next);
    }
    prev = cur;
  }
  assert.deepEqual([...agreed].sort(), [...ORDER].sort(), 'every unit compared with the one before it within one sample');
  assert.equal(prev.units, 'MB');
}

t('o turns detail on: the header grows to 7 memory columns (memtest shows its SysV memory)', async () => {
  const memCols = ['pswap', 'other', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal'];
  const count = async () => {
    let n = 0;
    for (const c of memCols) n += await th(c).count();
    return n;
  };
  assert.equal(await count(), 4);
  await key('o');
  await th('shSYSV').waitFor({ timeout: 30_000 });
  assert.equal(await count(), 7);
  assert.equal(await th('other').count(), 0);
  const sysv = await waitUntil(async () => {
    const v = num(await row(MEMTEST).locator('td.pm-shSYSV').innerText());
    return v > 0 ? v : null;
  }, { what: 'memtest shSYSV > 0' });
  assert.ok(sysv > 0);
  await key('o');
  await th('other').waitFor({ timeout: 30_000 });
  assert.equal(await count(), 4);
});

t('s cycles the sort: cpu, name, mem', async () => {
  await th('ptotal').and(wv().locator('[aria-sort="descending"]')).waitFor();
  await key('s');
  await th('cpu').and(wv().locator('[aria-sort="descending"]')).waitFor();
  await key('s');
  await th('info').and(wv().locator('[aria-sort="ascending"]')).waitFor();
  await key('s');
  await th('ptotal').and(wv().locator('[aria-sort="descending"]')).waitFor();
});

t('/ searches the rows, Esc clears', async () => {
  const all = await wv().locator('tr.pm-row').count();
  assert.ok(all > 3);
  await key('/');
  const box = wv().locator('#pm-search');
  await waitUntil(() => box.evaluate((e) => e === document.activeElement), { what: 'search box focused' });
  await page.keyboard.type('memtest');
  await page.keyboard.press('Enter');
  await inPanel(() => {
    const rows = [...document.querySelectorAll('tr.pm-row')];
    return rows.length > 0 && rows.every((r) => r.querySelector('td.pm-info')?.textContent?.includes('memtest'));
  }, undefined, { what: 'only memtest rows' });
  assert.match(await wv().locator('#pm-leader').innerText(), /\/memtest\//);
  // A search that matches nothing, with regex characters, never breaks the panel.
  await key('/');
  await page.keyboard.type('[(*');
  await page.keyboard.press('Enter');
  await inPanel(() => document.querySelectorAll('tr.pm-row').length === 0, undefined, { what: 'no rows for [(*' });
  await key('Escape');
  await inPanel((n) => document.querySelectorAll('tr.pm-row').length >= n - 2, all, { what: 'all rows back' });
  assert.equal(await box.inputValue(), '');
  assert.doesNotMatch(await wv().locator('#pm-leader').innerText(), /\/\[\(\*\//);
});

t('? opens the help listing the keys, Esc closes it', async () => {
  const help = wv().locator('#pm-help');
  assert.equal(await help.getAttribute('hidden'), '');
  await key('?');
  await help.waitFor({ state: 'visible' });
  const text = await help.innerText();
  for (const k of ['K', 'f', 'g', 'n', 'o', 'r', 's', 'u', 'c', 'a', '/', '?']) assert.ok(text.includes(k), `help lacks ${k}`);
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
});

t('f fits the rows to the window with an O row; n numbers the rows', async (ctx) => {
  // One row per process, and a shorter window: more rows than fit.
  await key('g');
  await key('g');
  await row(String(memtest.pid)).waitFor();
  await page.setViewportSize({ width: 1400, height: 640 });
  await key('f');
  await wv().locator('tr.pm-overflow').waitFor({ timeout: 30_000 });
  const fitInfo = () => {
    const sc = document.getElementById('pm-scroll');
    const ov = document.querySelector('tr.pm-overflow');
    if (!sc || !ov) return null;
    const rows = document.querySelectorAll('tbody tr.pm-row').length;
    return {
      type: ov.querySelector('td.pm-type')?.textContent,
      rows,
      last: ov === ov.parentElement?.lastElementChild,
      visible: ov.getBoundingClientRect().bottom <= sc.getBoundingClientRect().bottom + 1,
      scrollHeight: sc.scrollHeight,
      clientHeight: sc.clientHeight,
      offsetHeight: sc.offsetHeight,
      scrollWidth: sc.scrollWidth,
      clientWidth: sc.clientWidth,
      thead: document.querySelector('#pm-table thead')?.getBoundingClientRect().height,
      table: document.querySelector('#pm-table')?.getBoundingClientRect().height,
      heights: [...document.querySelectorAll('#pm-table tbody tr')].map((r) => Math.round(r.getBoundingClientRect().height * 10) / 10),
    };
  };
  // Settled: the O row in view (one render with the previous layout may overshoot).
  const frame = await (await wv().owner().elementHandle()).contentFrame();
  let last = null;
  const o = await waitUntil(async () => ((last = await frame.evaluate(fitInfo))?.visible ? last : null), { timeout: 5000, what: 'the O row in view' }).catch((e) => {
    ctx.diagnostic(`fit: ${JSON.stringify(last)}`);
    throw e;
  });
  ctx.diagnostic(`fit: ${JSON.stringify(o)}`);
  assert.equal(o.type, 'O');
  assert.ok(o.last, 'the O row is not the last');
  assert.ok(o.visible, 'the O row is below the visible part of the table');
  await key('n');
  await th('line').waitFor();
  assert.equal(await wv().locator('tbody tr.pm-row').first().locator('td.pm-line').innerText(), '1');
  await key('n');
  await th('line').waitFor({ state: 'detached' });
  await key('f');
  await wv().locator('tr.pm-overflow').waitFor({ state: 'detached', timeout: 30_000 });
  await page.setViewportSize({ width: 1400, height: 900 });
  // g on through the cgroup groupings, back to exe.
  for (const want of ['unit', 'container', 'cgroup', 'exe']) {
    await key('g');
    await waitUntil(() => readUserSettings(server.work)['pmemstat.groupBy'] === want, { what: `groupBy ${want}` });
  }
  await row(MEMTEST).waitFor();
});

t('a click on a column header sorts by it, a second click reverses', async () => {
  // Without rise, so that the whole column is in order.
  await key('r');
  await waitUntil(() => readUserSettings(server.work)['pmemstat.riseToTop'] === false, { what: 'rise off' });
  const ordered = async (dir) => {
    const v = (await columnTexts('data')).map(num);
    return v.length > 2 && v.every((x, i) => i === 0 || (dir === 'desc' ? v[i - 1] >= x : v[i - 1] <= x));
  };
  await th('data').click();
  await th('data').and(wv().locator('[aria-sort="descending"]')).waitFor();
  await waitUntil(() => ordered('desc'), { what: 'data descending' });
  await th('data').click();
  await th('data').and(wv().locator('[aria-sort="ascending"]')).waitFor();
  await waitUntil(() => ordered('asc'), { what: 'data ascending' });
  await th('ptotal').click();
  await th('ptotal').and(wv().locator('[aria-sort="descending"]')).waitFor();
  await key('r');
  await waitUntil(() => readUserSettings(server.work)['pmemstat.riseToTop'] !== false, { what: 'rise on' });
});

t('kill: K, select the row of a spawned process, Enter, confirm → gone, with a notification', async (ctx) => {
  const bin = path.join(E2E_DIR, 'bin', 'pmkilltest');
  mkdirSync(path.dirname(bin), { recursive: true });
  copyFileSync('/bin/sleep', bin);
  const victim = children.start(bin, ['600']);
  await row('pmkilltest').waitFor({ timeout: 30_000 });
  await key('K');
  await inPanel(() => document.body.classList.contains('pm-kill-mode'), undefined, { what: 'kill mode' });
  await row('pmkilltest').locator('td.pm-ptotal').click();
  await row('pmkilltest').and(wv().locator('.pm-selected')).waitFor();
  await page.keyboard.press('Enter');
  const box = dialog(page);
  await box.waitFor({ timeout: 15_000 });
  const text = await box.innerText();
  ctx.diagnostic(`confirmation: ${text.replace(/\s*\n\s*/g, ' | ')}`);
  assert.match(text, new RegExp(`Kill process ${victim.pid}\\?`));
  assert.match(text, new RegExp(`${victim.pid}\\s+pmkilltest 600`));
  await box.getByRole('button', { name: 'Kill', exact: true }).click();
  const { signal } = await victim.exited;
  assert.equal(signal, 'SIGTERM');
  await notification(page, `gone: ${victim.pid}`).waitFor({ timeout: 15_000 });
  await row('pmkilltest').waitFor({ state: 'detached', timeout: 15_000 }).catch(async () => {
    // A vanished group shows once as x before it goes.
    assert.equal(await row('pmkilltest').locator('td.pm-type').innerText(), 'x');
  });
});

t('kill: a process that ignores SIGTERM is escalated to SIGKILL and reported gone', async (ctx) => {
  const bin = path.join(E2E_DIR, 'bin', 'pmstubborn');
  copyFileSync('/bin/sleep', bin);
  // SIG_IGN survives exec: the sleep itself ignores SIGTERM.
  const victim = children.start('/bin/sh', ['-c', `trap '' TERM; exec ${bin} 600`]);
  await waitUntil(() => {
    try {
      const st = readFileSync(`/proc/${victim.pid}/status`, 'utf8');
      return /^Name:\s+pmstubborn/m.test(st) && (BigInt('0x' + /^SigIgn:\s+(\w+)/m.exec(st)[1]) & (1n << 14n)) !== 0n;
    } catch {
      return false;
    }
  }, { what: 'pmstubborn ignoring SIGTERM' });
  await row('pmstubborn').waitFor({ timeout: 30_000 });
  // Still in kill mode from the previous test.
  await inPanel(() => document.body.classList.contains('pm-kill-mode'), undefined, { what: 'kill mode' });
  await row('pmstubborn').locator('td.pm-ptotal').click();
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ timeout: 15_000 });
  const t0 = Date.now();
  await dialog(page).getByRole('button', { name: 'Kill', exact: true }).click();
  const { signal } = await victim.exited;
  const took = Date.now() - t0;
  ctx.diagnostic(`pmstubborn died by ${signal} after ${took} ms`);
  assert.equal(signal, 'SIGKILL');
  assert.ok(took >= 4000, 'SIGKILL came before the SIGTERM grace period');
  await notification(page, `gone: ${victim.pid}`).waitFor({ timeout: 15_000 });
  assert.equal(isRunning(victim.pid), false);
  await key('K');
  await inPanel(() => !document.body.classList.contains('pm-kill-mode'), undefined, { what: 'kill mode off' });
});

t('Reload Window: the panel comes back with its options and its search', async () => {
  await key('u'); // mB
  await key('u'); // KB
  await key('o'); // detail
  await waitUntil(() => readUserSettings(server.work)['pmemstat.units'] === 'KB' && readUserSettings(server.work)['pmemstat.detail'] === true, {
    what: 'options saved',
  });
  await key('/');
  await page.keyboard.type('memtest');
  await page.keyboard.press('Enter');
  await inPanel(() => document.querySelectorAll('tr.pm-row').length === 1, undefined, { what: 'search applied' });

  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await row(MEMTEST).waitFor({ timeout: 60_000 });
  await th('shSYSV').waitFor({ timeout: 60_000 }); // the first detail sample after a reload reads every smaps
  assert.equal(await wv().locator('#pm-search').inputValue(), 'memtest');
  assert.equal(await wv().locator('tr.pm-row').count(), 1);
  const kb = num(await row(MEMTEST).locator('td.pm-ptotal').innerText());
  assert.ok(kb > 5000, `memtest ptotal ${kb} is not in KB`);
  assert.match(await wv().locator('#pm-leader').innerText(), /\/memtest\//);
});
