// What every test tier shares: where the repo is, whether we are root, the users and /tmp
// directories tests create (removed when the test file ends, by test/support/setup.ts, or when
// the process exits), and why a test cannot run here (a missing Debian package, not root).
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missing, packages } from '../../scripts/debian-packages.mjs';

export const REPO = resolve(__dirname, '../..');
export const isRoot = process.getuid?.() === 0;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function uidOf(pid: number): number | null {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

// ---- what a test creates, undone when its file ends (or its process exits) ----

const cleanups: Array<() => void> = [];

/** Run `undo` when the test file ends, latest first; a failing undo does not stop the others. */
export function onCleanup(undo: () => void): void {
  cleanups.push(undo);
}

export function cleanupAll(): void {
  for (const undo of cleanups.splice(0).reverse()) {
    try {
      undo();
    } catch {
      /* already undone */
    }
  }
}
process.on('exit', cleanupAll);

/**
 * A fresh directory /tmp/pmemstat-<tag>-XXXXXX, removed at the end. `/tmp` whatever $TMPDIR says:
 * with `mode` 0o755 the throw-away test users can reach it.
 */
export function tmpDir(tag: string, mode?: number): string {
  const dir = mkdtempSync(join('/tmp', `pmemstat-${tag}-`));
  if (mode !== undefined) chmodSync(dir, mode);
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

function idOf(name: string, flag: '-u' | '-g'): number | null {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

function run(cmd: string, args: string[], input?: string): void {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

/**
 * A user without a home or a shell (optionally with a password), removed at the end. A leftover
 * of an interrupted run is reused. Root only.
 */
export function createUser(name: string, password?: string): TestUser {
  if (idOf(name, '-u') === null) run('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]);
  onCleanup(() => removeUser(name));
  if (password !== undefined) run('chpasswd', [], `${name}:${password}\n`);
  return { name, uid: idOf(name, '-u')!, gid: idOf(name, '-g')! };
}

/** Remove a test user, and what it left in /tmp (a helper killed before it could clean up). */
export function removeUser(name: string): void {
  const uid = idOf(name, '-u');
  if (uid === null) return;
  for (const f of readdirSync('/tmp')) {
    const p = join('/tmp', f);
    try {
      if (f.startsWith('pmemstat-') && lstatSync(p).uid === uid) rmSync(p, { recursive: true, force: true });
    } catch {
      /* gone meanwhile */
    }
  }
  spawnSync('userdel', ['--force', name], { stdio: 'ignore' });
}

// ---- why a test cannot run here ----

const listed = new Set(packages().map((p) => p.name));

/**
 * Why a test needing `needs` ('root', or packages of scripts/debian-packages.txt) cannot run
 * here, or '' when it can. The reason goes in the skipped test's title (see `titled`), and the
 * run's summary (test/support/skipped.ts) lists it with the command that enables it.
 */
export function unmet(...needs: string[]): string {
  const pkgs = needs.filter((n) => n !== 'root');
  for (const p of pkgs) if (!listed.has(p)) throw new Error(`${p} is not in scripts/debian-packages.txt`);
  const why = [...(needs.includes('root') && !isRoot ? ['root'] : []), ...missing(pkgs)];
  return why.length ? `needs ${why.join(' ')}` : '';
}

/** A test's title, with the reason it is skipped when it is. */
export const titled = (title: string, why: string) => (why ? `${title} (skipped: ${why})` : title);
