// `--root DIR` reads a captured tree, which whoever made it controls: here a copy of
// fixtures/tree-a in which one process's cmdline is a symlink to /etc/shadow, one to a
// secret file outside the tree, one to /dev/zero, one's stat is a FIFO, one process directory
// is a symlink to a directory outside, and one smaps is a sparse 4 GB file. The report must
// come back (no hang, no OOM), show nothing from outside the tree, and never ask for sudo.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';

const REPO = join(__dirname, '..', '..');
let base: string;
let tree: string;
let pids: number[];
const SECRET = 'SECRET-OUTSIDE-THE-TREE';
const OUTSIDE = 'OUTSIDE-PROC-DIRECTORY';
const shadowHead = existsSync('/etc/shadow') ? readFileSync('/etc/shadow', 'utf8').split('\n')[0].split(':')[0] + ':' : null;

beforeAll(() => {
  base = mkdtempSync('/tmp/pmemstat-untrusted-');
  chmodSync(base, 0o755);
  tree = join(base, 'tree');
  cpSync(join(REPO, 'fixtures/tree-a'), tree, { recursive: true, verbatimSymlinks: true });
  pids = readdirSync(join(tree, 'proc')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const p = (i: number, f: string) => join(tree, 'proc', String(pids[i]), f);
  writeFileSync(join(base, 'secret'), `${SECRET}\0--flag\0`);
  rmSync(p(0, 'cmdline'));
  symlinkSync('/etc/shadow', p(0, 'cmdline'));
  rmSync(p(1, 'cmdline'));
  symlinkSync(join(base, 'secret'), p(1, 'cmdline'));
  rmSync(p(2, 'cmdline'));
  symlinkSync('/dev/zero', p(2, 'cmdline'));
  rmSync(p(3, 'stat'));
  expect(spawnSync('mkfifo', [p(3, 'stat')]).status).toBe(0);
  // A whole process directory elsewhere, reached through a symlink in proc/.
  const away = join(base, 'away');
  cpSync(join(tree, 'proc', String(pids[4])), away, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(away, 'cmdline'), `${OUTSIDE}\0`);
  rmSync(join(tree, 'proc', String(pids[4])), { recursive: true });
  symlinkSync(away, join(tree, 'proc', String(pids[4])));
  truncateSync(p(5, 'smaps'), 4 * 1024 ** 3);
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('a hostile captured tree', () => {
  it('is reported without anything from outside it, without hanging on a FIFO or filling memory', async () => {
    const rss0 = process.memoryUsage().rss;
    for (const g of ['pid', 'cmd']) {
      const r = await cli(['-U', '--root', tree, '-g', g, '-o', '--json', '-L', '100000']);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).not.toContain(SECRET);
      expect(r.out).not.toContain(OUTSIDE);
      if (shadowHead) expect(r.out).not.toContain(shadowHead);
      const pidsShown = (JSON.parse(r.out) as { rows: { members: { pid: number }[] }[] }).rows.flatMap((x) => x.members.map((m) => m.pid));
      // The others are read as usual.
      expect(pidsShown).toContain(pids[6]);
      expect(pidsShown).not.toContain(pids[4]);
    }
    expect(process.memoryUsage().rss - rss0).toBeLessThan(400 * 1024 * 1024);
  }, 60_000);

  it('--maps of a process whose stat is a FIFO, or outside the tree: a clear error, no hang', async () => {
    for (const i of [3, 4]) {
      const r = await cli(['-U', '--root', tree, '--maps', String(pids[i])]);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/no process/);
      expect(r.out).not.toContain(OUTSIDE);
    }
  }, 30_000);
});

describe.skipIf(process.getuid?.() !== 0)('--root never elevates', () => {
  it('run by a user who may sudo, it reads the tree as that user and never starts sudo', () => {
    const bin = join(base, 'bin');
    mkdirSync(bin);
    const mark = join(base, 'sudo-was-run');
    writeFileSync(join(bin, 'sudo'), `#!/bin/sh\ntouch '${mark}'\nexit 0\n`, { mode: 0o755 });
    chmodSync(base, 0o777);
    const r = spawnSync(process.execPath, [join(REPO, 'dist', 'sampler.js'), '--root', tree, '--json'], {
      uid: 65534,
      gid: 65534,
      cwd: '/',
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(mark)).toBe(false);
  });
});
