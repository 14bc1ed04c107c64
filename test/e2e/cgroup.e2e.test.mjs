// Grouping by systemd unit in the panel, in a real VS Code (code-server + Chromium) with the
// .vsix installed: two "services" made as real cgroups (under the v2 tree and the v1 memory
// controller of this hybrid machine, as systemd would name them) with processes this file
// starts in them; the panel groups them by unit, shows the kernel's figures of each cgroup in
// the cgroup column and marks the one near its memory limit `limit?`; the leader shows the
// system's memory pressure. The picture cgroups.png (PICTURES) is media/screenshots' with `npm run screenshots`.
// Skipped (with the reason) where the machine cannot make cgroups.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before } from 'node:test';
import { assertNothingLeft, Children, BASE_SETTINGS, newWorkDir, PICTURES, ROOT, sleep, startWorkbench } from './harness.mjs';
import { failureShotTests, panelOf } from './panel.mjs';

const SHOT = path.join(PICTURES, 'cgroups.png');
const UNIFIED = '/sys/fs/cgroup/unified';
const MEMORY = '/sys/fs/cgroup/memory';
const SLICE = `pmemstat-e2e-${randomBytes(3).toString('hex')}.slice`;
const WEB = 'demo-web.service';
const DB = 'demo-db.service';
const SLEEPER = 'pmcgsleep';

function cannot() {
  if (process.getuid?.() !== 0) return 'needs root to make cgroups';
  if (!existsSync(path.join(UNIFIED, 'cgroup.procs'))) return `no cgroup v2 tree at ${UNIFIED}`;
  if (!existsSync(path.join(MEMORY, 'memory.usage_in_bytes'))) return `no v1 memory controller at ${MEMORY}`;
  return '';
}
const reason = cannot();

const made = [];
const children = new Children();
let server;
let browser;
let page;
let tmp;

const { row, wv, noHover, openWide } = panelOf(() => page);
const { t, state } = failureShotTests('cgroup', () => page, { skip: reason || false, skipAfterFailure: true });

function makeCgroup(unit) {
  for (const root of [UNIFIED, MEMORY]) {
    for (const dir of [path.join(root, SLICE), path.join(root, SLICE, unit)]) {
      if (existsSync(dir)) continue;
      mkdirSync(dir);
      made.push(dir);
    }
  }
}

/** A process that puts itself into the unit's cgroups, then execs `cmd` (as a service manager does). */
function startIn(unit, cmd) {
  const into = [UNIFIED, MEMORY].map((r) => `echo $$ > ${path.join(r, SLICE, unit, 'cgroup.procs')}`).join('; ');
  return children.start('/bin/sh', ['-c', `${into}; echo up; exec ${cmd}`]);
}

before(async () => {
  if (reason) return;
  const work = newWorkDir('cgroup');
  tmp = path.join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  copyFileSync('/bin/sleep', path.join(tmp, SLEEPER));
  makeCgroup(WEB);
  makeCgroup(DB);
  ({ server, browser, page } = await startWorkbench(work, { settings: { ...BASE_SETTINGS, 'pmemstat.groupBy': 'unit', 'pmemstat.showOom': true } }));
});

after(async () => {
  await children.stopAll();
  await browser?.close();
  const left = await server?.stop();
  // A cgroup can be removed once its last process has been reaped: children first.
  for (const dir of made.reverse()) {
    for (let i = 0; i < 50 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        await sleep(100);
      }
    }
  }
  assert.deepEqual(made.filter((d) => existsSync(d)), [], 'cgroups left behind');
  if (left) {
    assertNothingLeft(left);
    if (!state.failed) rmSync(server.work, { recursive: true, force: true });
  }
});

t('grouped by unit, each service is one row with its cgroup\u2019s figures; the one near its limit is marked', async (ctx) => {
  const web = [startIn(WEB, `${path.join(tmp, SLEEPER)} 600`), startIn(WEB, `${path.join(tmp, SLEEPER)} 601`)];
  // The db: a shell holding ~24 MB in a variable while its sleep runs.
  const db = startIn(DB, `/bin/sh -c 'x=$(head -c 24000000 /dev/zero | tr "\\0" a); echo held; ${path.join(tmp, SLEEPER)} 602'`);
  await Promise.all([...web.map((c) => Children.waitOutput(c, /up/)), Children.waitOutput(db, /held/)]);
  await sleep(500);
  // Its limit just above what it uses: 90 % or more of it.
  const usage = Number(readFileSync(path.join(MEMORY, SLICE, DB, 'memory.usage_in_bytes'), 'utf8'));
  writeFileSync(path.join(MEMORY, SLICE, DB, 'memory.limit_in_bytes'), String(Math.ceil(usage / 0.95 / 4096) * 4096));
  writeFileSync(path.join(MEMORY, SLICE, WEB, 'memory.limit_in_bytes'), String(256 * 1024 * 1024));

  await openWide();
  await row(WEB).waitFor({ timeout: 30_000 });
  assert.equal(await row(WEB).locator('td.pm-count').innerText(), '2x');
  await row(DB).locator('td.pm-cgroup .pm-limit-badge').waitFor({ timeout: 20_000 });
  assert.equal(await row(DB).locator('td.pm-count').innerText(), '2x');
  assert.match(await row(DB).locator("td.pm-cgroup").innerText(), /^[1-9][\d,.]*\/[1-9][\d,.]*limit\?$/);
  assert.equal(await row(DB).locator('td.pm-cgroup .pm-limit-badge').innerText(), 'limit?');
  const webCell = await row(WEB).locator('td.pm-cgroup').innerText();
  assert.match(webCell, /^[\d,.]+\/256$/, `web's cgroup cell: ${webCell}`);
  assert.equal(await row(WEB).locator('td.pm-cgroup .pm-limit-badge').count(), 0);
  const title = await row(WEB).locator('td.pm-cgroup').getAttribute('title');
  assert.match(title ?? '', new RegExp(`^/${SLICE}/${WEB}: cg=\\S+/256\\.0M\\(\\d+%\\) peak=`));
  assert.match(await row(DB).getAttribute('aria-label'), /near its cgroup/);
  assert.match(await row(WEB).locator('td.pm-oom').innerText(), /^\d+$/);
  const leader = (await wv().locator('#pm-leader').innerText()).split('\n')[0];
  if (existsSync('/proc/pressure/memory')) assert.match(leader, /PSI some=[\d.]+% full=[\d.]+%/);
  ctx.diagnostic(`web ${webCell}; ${title}; leader: ${leader}`);
});

t('screenshot: grouped by unit (media/screenshots/cgroups.png)', async (ctx) => {
  mkdirSync(path.dirname(SHOT), { recursive: true });
  await row(DB).scrollIntoViewIfNeeded();
  await noHover();
  await page.locator('#workbench\\.parts\\.editor').screenshot({ path: SHOT });
  ctx.diagnostic(`wrote ${path.relative(ROOT, SHOT)}`);
  assert.ok(readFileSync(SHOT).length > 10_000);
});
