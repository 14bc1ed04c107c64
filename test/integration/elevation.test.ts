// The launcher's strategies for real (docs/protocol.md): as root; as a user without sudo; under
// `sudo -n` for a NOPASSWD user; under `sudo -S` for a password user (right, wrong, three
// wrong, cancelled, a password with a line break); the sudo-prompt connect-back through a
// stand-in (a real pkexec needs a desktop agent) with the token file and the 0700 directory,
// and the hijack of a late-answered dialog by another user; and no orphaned root helper
// when the host is killed -9. The launcher runs inside a driver process started as each
// throw-away user. Needs root (to create the users) and sudo.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import { HELPER_NODE_FLAGS, launchHelper } from '../../src/host/launcher';
import { splitWords } from './helperDriver';
import { allowSudo, Driver, makeBundle, NODE, procState, removeBundle, removeSudo, startTime, waitUntil, type Bundle } from './helperSetup';
import { createUser, removeUser, type TestUser, titled, unmet } from '../support';

const skip = unmet('root', 'sudo');
const PASSWORD = 'Pm-test-Secret-7391';
const WRONG = 'not-the-password-4410';

let b: Bundle;
let nopw: TestUser;
let pw: TestUser;
let plain: TestUser;
let evil: TestUser;
const drivers: Driver[] = [];

function drive(user: TestUser, launch: Record<string, unknown>, passwords: (string | null)[] = [], standIn?: Record<string, unknown>): Driver {
  const d = new Driver(b, user, { launch: { helperScript: b.script, nodePath: NODE, runAsUser: false, elevate: false, hasGraphicalSession: false, ...launch }, passwords, standIn });
  drivers.push(d);
  return d;
}

interface LaunchedEvent {
  mode: string;
  reason: string | null;
  hello: { uid: number; pid: number };
  asks: { prompt: string; attempt: number }[];
  logs: string[];
  standIn: Record<string, unknown>;
}

async function launched(d: Driver, ms = 60_000): Promise<LaunchedEvent> {
  const e = await d.next(['launched', 'error'], ms);
  if (e.event !== 'launched') throw new Error(`launch failed: ${JSON.stringify(e)} ${d.stderr}`);
  return e as unknown as LaunchedEvent;
}

async function sampleVia(d: Driver): Promise<Report> {
  d.send({ op: 'sample' });
  return (await d.next('sample')).report as Report;
}

/** The parent chain of a process up to (not including) this test process. */
function ancestors(pid: number): number[] {
  const out: number[] = [];
  for (let p = pid; ; ) {
    const stat = readFileSync(`/proc/${p}/stat`, 'latin1');
    p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (p <= 1 || p === process.pid) return out;
    out.push(p);
  }
}

/**
 * Another local user squatting a connect-back directory the host gave up on: it re-creates
 * the directory with a token file and listens there; every byte it receives is reported,
 * and on a hello it orders the helper to kill the victim (pid, start time).
 */
const SQUATTER = `
const net = require('net'), fs = require('fs'), path = require('path');
const [dir, pid, starttime] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
fs.mkdirSync(dir, { mode: 0o700 });
fs.writeFileSync(path.join(dir, 'token'), 'f'.repeat(64) + '\\n', { mode: 0o600 });
net.createServer((c) => {
  out({ event: 'connection' });
  let sent = false;
  c.on('error', () => {});
  c.on('data', (d) => {
    out({ event: 'data', bytes: d.length, text: d.toString().slice(0, 200) });
    if (!sent && d.toString().includes('"hello"')) {
      sent = true;
      c.write(JSON.stringify({ id: 1, type: 'kill', targets: [{ pid: +pid, starttime: +starttime }], escalate: true }) + '\\n');
    }
  });
}).listen(path.join(dir, 'helper.sock'), () => out({ event: 'ready' }));
`;

/** Run a command line as root the way pkexec would (no shell, a reset environment). */
function answerDialog(cmd: string, asUid: number): { stderr: () => string; exit: Promise<number | null>; kill: () => void } {
  const words = splitWords(cmd);
  const child = spawn(words[0], words.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin', PKEXEC_UID: String(asUid) } });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    stderr: () => err,
    exit: new Promise((res) => child.once('exit', (code) => res(code))),
    kill: () => child.kill('SIGKILL'),
  };
}

async function exitWithin<T>(p: Promise<T>, ms: number): Promise<T | 'still running'> {
  return Promise.race([p, new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms))]);
}

function allPids(r: Report): number[] {
  return r.rows.flatMap((row) => row.members.map((m) => m.pid));
}

/** The password never shows up in anything the driver printed or logged. */
function expectNoPasswordLeak(d: Driver, e: LaunchedEvent): void {
  for (const secret of [PASSWORD, WRONG]) {
    expect(d.stdoutText).not.toContain(secret);
    expect(d.stderr).not.toContain(secret);
    expect(e.logs.join('\n')).not.toContain(secret);
  }
}

beforeAll(async () => {
  if (skip) return;
  b = await makeBundle(true);
  nopw = createUser('pmtest-nopw');
  pw = createUser('pmtest-pw', PASSWORD);
  plain = createUser('pmtest-user');
  evil = createUser('pmtest-evil');
  allowSudo('pmtest-nopw', `pmtest-nopw ALL=(root) NOPASSWD: ${NODE}, /usr/bin/env`);
  allowSudo('pmtest-pw', `pmtest-pw ALL=(root) ${NODE}, /usr/bin/env`);
}, 120_000);

afterAll(async () => {
  for (const d of drivers) d.kill();
  await new Promise((r) => setTimeout(r, 300));
  if (skip) return;
  removeBundle(b);
  for (const u of ['pmtest-nopw', 'pmtest-pw']) removeSudo(u);
  for (const u of ['pmtest-nopw', 'pmtest-pw', 'pmtest-user', 'pmtest-evil']) removeUser(u);
});

describe.skipIf(skip !== '')(titled('elevation', skip), () => {
  it('as root: starts the helper directly', async () => {
    const l = await launchHelper({ helperScript: b.script, runAsUser: false, elevate: false, ui: { askPassword: async () => undefined, log: () => {} } });
    try {
      expect(l.mode).toBe('root');
      expect(l.client.hello.uid).toBe(0);
      expect(allPids(await l.client.sample())).toContain(process.pid);
    } finally {
      l.client.dispose();
    }
  });

  it('a user without sudo rights gets a user helper and the reason, without being asked', async () => {
    const d = drive(plain, {});
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.hello.uid).toBe(plain.uid);
    expect(e.reason).toMatch(/not running as root.*only your own processes/);
    expect(e.asks).toEqual([]);
    const r = await sampleVia(d);
    expect(r.leader.inaccessible).toBeGreaterThan(0);
    expect(allPids(r)).not.toContain(process.pid);
    d.close();
  });

  it('runAsUser: the helper runs as the user and sudo is not even tried', async () => {
    const d = drive(nopw, { runAsUser: true });
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.hello.uid).toBe(nopw.uid);
    expect(e.reason).toMatch(/runAsUser/);
    expect(e.logs.join('\n')).not.toMatch(/sudo -n/);
    d.close();
  });

  it('sudo -n: a NOPASSWD user gets a root helper that sees every process', async () => {
    const d = drive(nopw, {});
    const e = await launched(d);
    expect(e.mode).toBe('sudo-n');
    expect(e.hello.uid).toBe(0);
    expect(e.asks).toEqual([]);
    expect(allPids(await sampleVia(d))).toContain(process.pid);
    d.close();
  });

  it('sudo -n with an Electron runtime passes ELECTRON_RUN_AS_NODE through /usr/bin/env', async () => {
    const d = drive(nopw, { isElectron: true });
    const e = await launched(d);
    expect(e.mode).toBe('sudo-n');
    expect(e.hello.uid).toBe(0);
    d.close();
  });

  it('at startup (elevate:false) a password user is never asked and gets a user helper', async () => {
    const d = drive(pw, {});
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.hello.uid).toBe(pw.uid);
    expect(e.asks).toEqual([]);
    expect(e.reason).toMatch(/Run as Root/);
  });

  it('sudo -S with the right password: a root helper; the password appears nowhere', async () => {
    const d = drive(pw, { elevate: true }, [PASSWORD]);
    const e = await launched(d);
    expect(e.mode).toBe('sudo-S');
    expect(e.hello.uid).toBe(0);
    expect(e.asks.map((a) => a.attempt)).toEqual([1]);
    expect(allPids(await sampleVia(d))).toContain(process.pid);
    expectNoPasswordLeak(d, e);
    d.close();
  });

  it('sudo -S with a wrong then the right password: asked again, then root', async () => {
    const d = drive(pw, { elevate: true }, [WRONG, PASSWORD]);
    const e = await launched(d);
    expect(e.mode).toBe('sudo-S');
    expect(e.hello.uid).toBe(0);
    expect(e.asks.map((a) => a.attempt)).toEqual([1, 2]);
    expect(e.asks[1].prompt).toMatch(/Wrong password/);
    expectNoPasswordLeak(d, e);
    d.close();
  });

  it('sudo -S with three wrong passwords: a user helper, and why', async () => {
    const d = drive(pw, { elevate: true }, [WRONG, WRONG, WRONG, PASSWORD]);
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.hello.uid).toBe(pw.uid);
    expect(e.asks.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(e.reason).toMatch(/3 wrong passwords/);
    expectNoPasswordLeak(d, e);
    d.close();
  });

  it('sudo -S cancelled: a user helper', async () => {
    const d = drive(pw, { elevate: true }, [null]);
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.asks).toHaveLength(1);
    expect(e.reason).toMatch(/not given/);
    d.close();
  });

  it('sudo-prompt: the helper connects back to a 0700 socket dir with the one-time token; an impostor is turned away', async () => {
    const d = drive(nopw, { elevate: true, hasGraphicalSession: true, sudoPath: '/bin/false' }, [], { action: 'sudo', impostor: true });
    const e = await launched(d);
    expect(e.mode).toBe('sudo-prompt');
    expect(e.hello.uid).toBe(0);
    expect(e.asks).toEqual([]);
    const s = e.standIn;
    expect(s.name).toBe('pmemstat');
    expect(s.env).toBeNull();
    expect(s.dirMode).toBe(0o700);
    expect(s.dirUid).toBe(nopw.uid);
    // The dialog's command line (pkexec's argv, readable by every user in /proc) carries the
    // directory and the uid, not the token: that is in DIR/token, mode 0600.
    expect(s.token).toMatch(/^[0-9a-f]{64}$/);
    expect.soft(s.cmd).not.toContain(s.token);
    expect.soft(s.cmd).toBe([NODE, ...HELPER_NODE_FLAGS, b.script, '--connect', s.dir as string, '--uid', String(nopw.uid)].join(' '));
    expect.soft(s.tokenMode).toBe(0o600);
    // Nor is it in the argv or environment of the root helper or of anything above it.
    for (const pid of [e.hello.pid, ...ancestors(e.hello.pid)]) {
      for (const f of ['cmdline', 'environ']) expect.soft(readFileSync(`/proc/${pid}/${f}`, 'latin1'), `${pid} ${f}`).not.toContain(s.token as string);
    }
    expect(s.impostor).toBe('rejected');
    expect(s.impostorGotData).toBeUndefined();
    expect(e.logs.join('\n')).toMatch(/rejected a connection.*token/);
    // The socket directory is gone once the helper is connected.
    expect(existsSync(s.sockPath as string)).toBe(false);
    expect(allPids(await sampleVia(d))).toContain(process.pid);
    d.close();
  });

  it('sudo-prompt: a helper with a wrong token is rejected, and the launch falls back to the user', async () => {
    const d = drive(nopw, { elevate: true, hasGraphicalSession: true, sudoPath: '/bin/false', connectTimeoutMs: 8000 }, [], { action: 'wrong-token' });
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.hello.uid).toBe(nopw.uid);
    expect(e.logs.join('\n')).toMatch(/rejected a connection.*token/);
    d.close();
  });

  it('sudo-prompt dismissed: a user helper, no password box after it', async () => {
    const d = drive(pw, { elevate: true, hasGraphicalSession: true }, [PASSWORD], { action: 'cancel' });
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.reason).toMatch(/did not grant permission/);
    expect(e.asks).toEqual([]);
    d.close();
  });

  it('sudo-prompt without a polkit agent falls back to sudo -S', async () => {
    const d = drive(pw, { elevate: true, hasGraphicalSession: true }, [PASSWORD], { action: 'no-agent' });
    const e = await launched(d);
    expect(e.mode).toBe('sudo-S');
    expect(e.hello.uid).toBe(0);
    expect(e.asks).toHaveLength(1);
    d.close();
  });

  it('no orphaned root helper: killing the host -9 ends the sudo -n helper', async () => {
    const d = drive(nopw, {});
    const e = await launched(d);
    expect(e.mode).toBe('sudo-n');
    const helperPid = e.hello.pid;
    expect(procState(helperPid)).not.toBe('gone');
    d.kill();
    expect(await waitUntil(() => procState(helperPid) === 'gone', 5000)).toBe(true);
  });

  it('no orphaned root helper on the sudo-prompt path either', async () => {
    const d = drive(nopw, { elevate: true, hasGraphicalSession: true, sudoPath: '/bin/false' }, [], { action: 'sudo' });
    const e = await launched(d);
    expect(e.mode).toBe('sudo-prompt');
    const helperPid = e.hello.pid;
    d.kill();
    expect(await waitUntil(() => procState(helperPid) === 'gone', 5000)).toBe(true);
  });

  it('the connect-back hijack: a late answer to a dialog the host gave up on meets a squatter; the root helper refuses, sends nothing, signals nothing', async () => {
    const victim = spawn('sleep', ['600'], { stdio: 'ignore' });
    const squatFile = join(b.dir, 'squatter.js');
    writeFileSync(squatFile, SQUATTER, { mode: 0o644 });
    let squatter: ReturnType<typeof spawn> | null = null;
    const helpers: ReturnType<typeof answerDialog>[] = [];
    try {
      const d = drive(nopw, { elevate: true, hasGraphicalSession: true, sudoPath: '/bin/false', connectTimeoutMs: 1500 }, [], { action: 'late' });
      const e = await launched(d);
      // The host gave up: the dialog is still open, the directory is gone.
      expect(e.mode).toBe('user');
      expect(e.reason).toMatch(/did not connect within/);
      const dir = e.standIn.dir as string;
      expect(existsSync(dir)).toBe(false);

      // Answered late, with nobody there: the helper finds no server and exits.
      const first = answerDialog(e.standIn.cmd as string, nopw.uid);
      helpers.push(first);
      expect(await exitWithin(first.exit, 10_000)).not.toBe(0);
      expect(first.stderr()).toMatch(/^pmemstat helper: .*\n$/);

      // Another user re-creates the directory and listens in it; the dialog is answered again.
      squatter = spawn(NODE, [squatFile, dir, String(victim.pid), String(startTime(victim.pid!))], { uid: evil.uid, gid: evil.gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
      let said = '';
      squatter.stdout!.on('data', (x: Buffer) => (said += x.toString()));
      squatter.stderr!.on('data', (x: Buffer) => (said += x.toString()));
      expect(await waitUntil(() => said.includes('ready'), 10_000)).toBe(true);
      const late = answerDialog(e.standIn.cmd as string, nopw.uid);
      helpers.push(late);
      const code = await exitWithin(late.exit, 10_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect.soft(said, 'what the squatter received').not.toMatch(/"event":"(connection|data)"/);
      expect.soft(said, 'what the squatter received').not.toContain('hello');
      expect.soft(procState(victim.pid!), 'the victim').not.toBe('gone');
      expect.soft(code).toBe(4);
      expect.soft(late.stderr()).toMatch(new RegExp(`^pmemstat helper: refusing to connect back: ${dir} is owned by uid ${evil.uid}, not by uid ${nopw.uid}.*\\n$`));
      d.close();
    } finally {
      for (const h of helpers) h.kill();
      squatter?.kill('SIGKILL');
      victim.kill('SIGKILL');
      rmSync(squatFile, { force: true });
    }
  });

  it('sudo -S: a password with a line break is not sent (the user is told why and asked again); its second line is logged nowhere', async () => {
    // Short: JSON.parse quotes only the first 10 characters of a line in its message.
    const TAIL = 'Tail-5521';
    const d = drive(pw, { elevate: true }, [`${PASSWORD}\n${TAIL}`, PASSWORD]);
    const e = await launched(d);
    expect(e.mode).toBe('sudo-S');
    expect(e.hello.uid).toBe(0);
    expect.soft(e.asks).toHaveLength(2);
    expect.soft(e.asks[1]?.prompt).toMatch(/line break.*sudo.*one line/);
    expect.soft(e.logs.join('\n')).toMatch(/not sent/);
    // A round trip, so that a reply to a stray line would have arrived and been logged.
    expect(allPids(await sampleVia(d))).toContain(process.pid);
    d.send({ op: 'ping' });
    await d.next('ping');
    for (const [what, text] of Object.entries({ stdout: d.stdoutText, stderr: d.stderr, logs: e.logs.join('\n') })) expect(text.includes(TAIL), what).toBe(false);
    d.close();
  });

  it('sudo -S: three passwords with line breaks or NUL: nothing is sent, a user helper, and why', async () => {
    const d = drive(pw, { elevate: true }, [`${PASSWORD}\r\nx`, `${PASSWORD}\0x`, `\n${PASSWORD}`, PASSWORD]);
    const e = await launched(d);
    expect(e.mode).toBe('user');
    expect(e.asks).toHaveLength(3);
    expect(e.reason).toMatch(/not sent: a password with a line break or NUL/);
    d.close();
  });
});
