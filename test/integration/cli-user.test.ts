// The `pmemstat` command as users that are not root: one without sudo rights, one whose
// sudo asks a password (and no terminal to ask it on), one sudo lets in without a password.
// Each runs in a new session (setsid), so without a controlling terminal, like a script.
// Needs root (to create the users) and sudo.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/types';
import { allowSudo, makeBundle, NODE, removeBundle, removeSudo, type Bundle } from './helperSetup';
import { createUser, removeUser, type TestUser, titled, unmet } from '../support';

const skip = unmet('root', 'sudo');
const tag = process.pid.toString(36);
let b: Bundle;
let plain: TestUser;
let pw: TestUser;
let nopw: TestUser;

/** pmemstat run as `user`, in a session of its own (no controlling terminal). */
function pmemstat(user: TestUser, args: string[]): { status: number | null; out: string; errLines: string[] } {
  const r = spawnSync('setsid', ['-w', NODE, b.script, ...args], {
    uid: user.uid,
    gid: user.gid,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
    cwd: '/',
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, out: r.stdout, errLines: r.stderr.split('\n').filter((l) => l !== '') };
}

describe.skipIf(skip !== '')(titled('pmemstat as a user', skip), () => {
  beforeAll(async () => {
    b = await makeBundle();
    plain = createUser(`pmcli-plain-${tag}`);
    pw = createUser(`pmcli-pw-${tag}`, 'Pm-cli-Secret-5521');
    allowSudo(pw.name, `${pw.name} ALL=(ALL) ALL`);
    nopw = createUser(`pmcli-nopw-${tag}`);
    allowSudo(nopw.name, `${nopw.name} ALL=(ALL) NOPASSWD: ALL`);
  }, 120_000);
  afterAll(() => {
    for (const u of [plain, pw, nopw]) {
      if (!u) continue;
      removeSudo(u.name);
      removeUser(u.name);
    }
    removeBundle(b);
  });

  it('without sudo rights: one line says so (no prompt, none of sudo’s lines), then the report', () => {
    const r = pmemstat(plain, ['-W']);
    expect(r.status).toBe(0);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(/^pmemstat: sudo refused \(Sorry, user pmcli-plain-\w+ may not run sudo on .+\); running as user \(-U\): only your own processes are readable$/);
    expect(r.out).toMatch(/\[\d+ not accessible: run as root\]/);
  });

  it('asked for a password with no terminal to ask on: one line', () => {
    const r = pmemstat(pw, ['-W']);
    expect(r.status).toBe(0);
    expect(r.errLines).toEqual(['pmemstat: sudo needs a password and there is no terminal to ask it on; running as user (-U): only your own processes are readable']);
    expect(r.out).toMatch(/not accessible/);
  });

  it('with a terminal, a user sudo would let in is asked for the password, and the report is root’s', () => {
    // script(1) gives the run a terminal; the password is typed into it
    const r = spawnSync('setsid', ['-w', 'script', '-qec', `${NODE} ${b.script} -W -g pid`, '/dev/null'], {
      uid: pw.uid,
      gid: pw.gid,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
      cwd: '/',
      encoding: 'utf8',
      timeout: 60_000,
      input: 'Pm-cli-Secret-5521\n',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[sudo\] password for pmcli-pw-/);
    expect(r.stdout).not.toMatch(/running as user/);
    // root's processes are read: this test's own among them
    expect(r.stdout).toMatch(new RegExp(`^\\s.*\\b${process.pid} `, 'm'));
  });

  it('let in by sudo without a password: re-runs as root, silently', () => {
    const r = pmemstat(nopw, ['-W', '--json']);
    expect(r.errLines).toEqual([]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.out) as Report;
    // root's processes are read: this test's own among them
    expect(report.rows.some((row) => row.members.some((m) => m.pid === process.pid))).toBe(true);
    expect(report.leader.inaccessible).toBeLessThanOrEqual(1); // pid 1 of a sandbox may stay unreadable even to root
  });

  it('--json names the processes it could not read (pid 1 among them), at most 50', () => {
    const r = pmemstat(plain, ['-U', '--json']);
    expect(r.status).toBe(0);
    const { leader } = JSON.parse(r.out) as Report;
    expect(leader.inaccessible).toBeGreaterThan(0);
    const named = leader.inaccessibleProcs ?? [];
    expect(named.length).toBe(Math.min(50, leader.inaccessible));
    const init = named.find((p) => p.pid === 1);
    expect(init?.name).toBeTruthy();
    // named by its command line, which any user may read even when its memory is not theirs
    const argv0 = readFileSync('/proc/1/cmdline', 'latin1').split('\0')[0];
    expect(init?.name).toContain(argv0.split('/').pop());
  });
});
