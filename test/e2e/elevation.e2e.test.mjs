// Privilege in a real VS Code: code-server runs as an unprivileged test user, so the
// extension host and its sampler helper are that user's. The test creates the user, gives it sudo
// rights through a drop-in in /etc/sudoers.d (removed afterwards), and checks what the panel sees:
//   1. sudo needs a password: the helper runs as the user, sees only the user's processes, and the
//      banner says why, with "Run as Root…";
//   2. Run as Root → the VS Code password box → Esc: stays in user mode;
//   3. Run as Root → a wrong password, then the right one: root data;
//   4. NOPASSWD (sudo -n works) and Reload Window: root data at once, no password asked, and the
//      previous root helper has gone with its extension host.
// Needs root (useradd, sudoers); skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import {
  assertNothingLeft,
  Children,
  CS_BIN,
  failureShot,
  newWorkDir,
  notification,
  processesMentioning,
  runCommand,
  statusItem,
  waitUntil,
  startWorkbench,
} from './harness.mjs';
import { failureShotTests, panelOf } from './panel.mjs';

const USER = 'pmemstat-e2e';
const SUDOERS = '/etc/sudoers.d/pmemstat-e2e';
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
const isRoot = process.getuid?.() === 0;
const children = new Children();
let owner;
let server;
let browser;
let page;
let binDir;

const { row, wv } = panelOf(() => page);
const { t, state } = failureShotTests('elevation', () => page, { skip: isRoot ? false : 'needs root (creates a user and a sudoers drop-in)' });
const statusLine = () => wv().locator('#pm-status').innerText();

function writeSudoers(rules) {
  const tmp = `${SUDOERS}.tmp`;
  writeFileSync(tmp, `# pmemstat e2e test (removed when the test ends)\nDefaults:${USER} timestamp_timeout=0, !lecture\n${rules}\n`, { mode: 0o440 });
  execFileSync('visudo', ['-cqf', tmp]);
  execFileSync('mv', ['-f', tmp, SUDOERS]);
}

function ensureSudo() {
  if (spawnSync('sh', ['-c', 'command -v sudo && command -v visudo'], { stdio: 'ignore' }).status === 0) return;
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'sudo'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** A copy of /bin/sleep under a distinctive name, readable and runnable by everyone. */
function sleeper(name) {
  const p = path.join(binDir, name);
  copyFileSync('/bin/sleep', p);
  chmodSync(p, 0o755);
  return p;
}

/** Node processes serving as sampler helpers for this run (not the sudo in front of them). */
const helpers = () =>
  processesMentioning([server.extensionsDir]).filter((p) => /sampler\.js --serve/.test(p.cmd) && !/^(\/usr\/bin\/)?sudo /.test(p.cmd));
const uidOf = (pid) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);

before(async () => {
  if (!isRoot) return;
  ensureSudo();
  if (spawnSync('id', ['-u', USER], { stdio: 'ignore' }).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  }
  execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
  owner = {
    name: USER,
    uid: Number(execFileSync('id', ['-u', USER]).toString()),
    gid: Number(execFileSync('id', ['-g', USER]).toString()),
  };
  // Phase 1: sudo is allowed, but only with the password.
  writeSudoers(`${USER} ALL=(root) ALL`);
  const work = newWorkDir('elev', owner);
  binDir = path.join(work, 'bin');
  mkdirSync(binDir, { mode: 0o755 });
  const cs = spawnSync(CS_BIN, ['--version'], { uid: owner.uid, gid: owner.gid, env: { PATH: process.env.PATH, HOME: path.join(work, 'home') } });
  assert.equal(cs.status, 0, `${USER} cannot run ${CS_BIN}: install code-server where every user can read it (CS_DIR=/opt/pmemstat-e2e/code-server)`);
  children.start(sleeper('pmrootonly'), ['900']);
  children.start(sleeper('pmuseronly'), ['900'], { uid: owner.uid, gid: owner.gid });

  ({ server, browser, page } = await startWorkbench(work, { owner }));
  await statusItem(page).waitFor({ timeout: 60_000 }); // the extension is active
});

after(async () => {
  if (!isRoot) return;
  if (state.failed) await failureShot(page, 'elevation-failure');
  await browser?.close();
  await children.stopAll();
  const left = await server?.stop();
  rmSync(SUDOERS, { force: true });
  if (server && !state.failed) rmSync(server.work, { recursive: true, force: true });
  rmSync(`${SUDOERS}.tmp`, { force: true });
  // The account goes with the run (a failed run's work dir, kept to look at, keeps its uid).
  spawnSync('userdel', ['--force', USER], { stdio: 'ignore' });
  if (left) assertNothingLeft(left, { runtime: false });
});

t('as an unprivileged user: only its own processes, and the banner says why', async (ctx) => {
  await runCommand(page, 'pmemstat: Open');
  await row('pmuseronly').waitFor({ timeout: 60_000 });
  assert.equal(await row('pmrootonly').count(), 0, 'a root process is shown in user mode');
  const banner = wv().locator('#pm-banner');
  await banner.waitFor({ state: 'visible' });
  const text = await banner.innerText();
  ctx.diagnostic(`banner: ${text.replace(/\s+/g, ' ')} / status: ${await statusLine()}`);
  assert.match(text, /other users/);
  await wv().locator('#pm-run-as-root').waitFor({ state: 'visible' });
  assert.match(await wv().locator('#pm-leader').innerText(), /PIDs=\d+\/\d+/);
  assert.match(await statusLine(), /as your user/);
  const h = helpers();
  assert.equal(h.length, 1, `helpers: ${JSON.stringify(h)}`);
  assert.equal(uidOf(h[0].pid), owner.uid, 'the helper does not run as the user');
});

t('Run as Root asks in the VS Code password box; Esc keeps user mode', async () => {
  await wv().locator('#pm-run-as-root').click();
  const box = page.locator('.quick-input-widget');
  const input = box.locator('input[type="password"]');
  await input.waitFor({ timeout: 30_000 });
  assert.match(await box.innerText(), /pmemstat: Run as Root/);
  await input.press('Escape');
  await box.waitFor({ state: 'hidden' });
  await notification(page, 'keeps running as your user').waitFor({ timeout: 30_000 });
  await waitUntil(async () => /as your user/.test(await statusLine()), { what: 'user mode in the status line' });
  await wv().locator('#pm-banner').waitFor({ state: 'visible' });
  assert.equal(await row('pmrootonly').count(), 0);
  const h = helpers();
  assert.equal(h.length, 1);
  assert.equal(uidOf(h[0].pid), owner.uid);
});

t('Run as Root with a wrong, then the right password: root data', async (ctx) => {
  await wv().locator('#pm-run-as-root').click();
  const box = page.locator('.quick-input-widget');
  const input = box.locator('input[type="password"]');
  await input.waitFor({ timeout: 30_000 });
  await input.fill('not-the-password');
  await input.press('Enter');
  // sudo says "try again": the box comes back for the second try.
  await box.filter({ hasText: 'try 2' }).waitFor({ timeout: 30_000 });
  await input.fill(PASSWORD);
  await input.press('Enter');
  await row('pmrootonly').waitFor({ timeout: 60_000 });
  await waitUntil(async () => /as root \(sudo password\)/.test(await statusLine()), { what: 'sudo -S mode in the status line' });
  const banner = wv().locator('#pm-banner');
  if (await banner.isVisible()) assert.match(await banner.innerText(), /even as root/);
  ctx.diagnostic(`status: ${await statusLine()}`);
  const h = await waitUntil(() => ((x) => (x.length === 1 ? x : null))(helpers()), { what: 'one helper' });
  assert.equal(uidOf(h[0].pid), 0, 'the helper does not run as root');
});

t('with sudo -n allowed (NOPASSWD), a reloaded window gets root data without asking', async () => {
  const before = helpers().map((p) => p.pid);
  writeSudoers(`${USER} ALL=(root) NOPASSWD: ALL`);
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await row('pmrootonly').waitFor({ timeout: 60_000 });
  await waitUntil(async () => /as root \(sudo\)/.test(await statusLine()), { what: 'sudo -n mode in the status line' });
  assert.equal(await page.locator('.quick-input-widget input[type="password"]').isVisible(), false, 'a password was asked');
  // The previous extension host's helper went with it; one root helper runs now.
  const now = await waitUntil(() => ((x) => (x.length === 1 && !before.includes(x[0].pid) ? x : null))(helpers()), {
    timeout: 20_000,
    what: 'only the new helper',
  });
  assert.equal(uidOf(now[0].pid), 0);
});
