// Where a real cgroup's memory goes, and its OOM kills: the test makes its own memory cgroups (the
// v2 tree's when it has the memory controller, else the v1 memory hierarchy — this machine is
// hybrid), fills one with anonymous memory, a mapped file, mapped and unmapped shared memory and
// page cache nobody maps, and drives another into the OOM killer; the parts must land where they
// were put and add up to the kernel's usage, and the kill must be counted and said at once.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Monitor } from '../../src/engine/monitor';
import { kernelText } from '../../src/core/format';
import { PART_KEYS, type CgroupParts } from '../../src/core/cgroupMemory';
import type { GroupRow } from '../../src/core/types';
import { runCli } from '../../src/cli/cli';
import { buildStaticIdle, Procs, removeCgroups } from './live';
import { Tmux } from './tmux';
import { isRoot, REPO, sleep } from '../support';

const UNIFIED = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((d) => existsSync(join(d, 'cgroup.procs')) && existsSync(join(d, 'cgroup.controllers'))) ?? null;
const V2_MEMORY = UNIFIED !== null && readFileSync(join(UNIFIED, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory');
const V1_MEMORY = '/sys/fs/cgroup/memory';
/** Where the memory figures are: the v2 tree with the memory controller, or the v1 hierarchy. */
const MEM_ROOT = V2_MEMORY ? UNIFIED! : V1_MEMORY;
const LIMIT_FILE = V2_MEMORY ? 'memory.max' : 'memory.limit_in_bytes';
const TAG = `pmemstat-wf-${process.pid}`;
const TMP = join(REPO, 'test', '.tmp');
const FILES = {
  read80: join(TMP, `${TAG}-read80`),
  mapped16: join(TMP, `${TAG}-mapped16`),
  shmClosed: `/dev/shm/${TAG}-closed`,
  shmMapped: `/dev/shm/${TAG}-mapped`,
};
const procs = new Procs();
const tmux = new Tmux();
const clis: ChildProcess[] = [];
const made: string[] = [];
const MB = 1024;

/** The cgroup directories of a group: the memory one, and on a hybrid system the v2 one too (so it names the group). */
function dirsOf(name: string): string[] {
  return [...new Set([MEM_ROOT, ...(UNIFIED ? [UNIFIED] : [])])].map((r) => join(r, name));
}

function cannot(): string {
  if (!isRoot) return 'needs root to make cgroups';
  if (!V2_MEMORY && !existsSync(join(V1_MEMORY, 'memory.usage_in_bytes'))) return 'no memory controller (v2 or v1)';
  try {
    for (const name of [TAG, `${TAG}-oom`]) {
      for (const d of dirsOf(name)) {
        mkdirSync(d);
        made.push(d);
      }
    }
  } catch (e) {
    return `cannot make a cgroup: ${(e as Error).message}`;
  }
  return '';
}
const reason = cannot();

/** A shell that joins the group, runs `then` and execs `exec` there: every page it touches is charged to the group. */
function inGroup(name: string, then: string, exec: string): ChildProcess {
  const into = dirsOf(name).map((d) => `echo $$ > ${join(d, 'cgroup.procs')}`).join('; ');
  return procs.start('/bin/sh', ['-c', `set -e; ${into}; ${then}; exec ${exec}`]);
}

function buildLoad(): string {
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, 'wfload');
  const src = join(REPO, 'test', 'integration', 'wfload.c');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) execFileSync('cc', ['-static', '-O2', '-Wall', '-o', out, src]);
  return out;
}

const sum = (p: CgroupParts) => PART_KEYS.reduce((n, k) => n + p[k], 0);
const near = (got: number, want: number) => expect(Math.abs(got - want), `${got} KB, want ${want} KB ± 5 %`).toBeLessThanOrEqual(0.05 * want);

async function json(args: string[]): Promise<unknown> {
  const out: string[] = [];
  const status = await runCli(['-W', '-U', '--json', ...args], { out: (s) => out.push(s), err: (s) => out.push(s) });
  expect(status, out.join('\n')).toBe(0);
  return JSON.parse(out[0]) as unknown;
}

/** The CLI in a loop, as a user runs it; resolves with its output once it matches `re`. */
function cliUntil(args: string[], re: RegExp, timeoutMs: number): { child: ChildProcess; seen: Promise<string>; out: () => string } {
  const child = spawn(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-W', '-U', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  clis.push(child);
  let out = '';
  const seen = new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${re} in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(t);
        resolve(out);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`pmemstat exited (${code}):\n${out}`));
    });
  });
  // Stopped by the test once it has what it wants: that rejection is no failure.
  seen.catch(() => undefined);
  return { child, seen, out: () => out };
}

beforeAll(() => {
  if (reason) console.warn(`waterfall live tests skipped: ${reason}`);
});

afterAll(async () => {
  tmux.kill();
  for (const c of clis) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
  procs.stopAll();
  for (const f of Object.values(FILES)) rmSync(f, { force: true });
  await removeCgroups(made);
});

describe.skipIf(reason !== '')(`the waterfall of a real cgroup (${V2_MEMORY ? 'v2' : 'v1'} memory controller)`, () => {
  it('anonymous memory, a mapped file and mapped shmem in pss; 80 MB read in page cache; 64 MB of closed tmpfs in shmem; the parts add up', async () => {
    const load = buildLoad();
    // Read (not written) by the group: made outside it, written back and dropped from the cache first.
    execFileSync('dd', ['if=/dev/zero', `of=${FILES.read80}`, 'bs=1M', 'count=80', 'conv=fsync', 'status=none']);
    execFileSync('dd', [`if=${FILES.read80}`, 'iflag=nocache', 'count=0', 'status=none']);
    const then = [
      `dd if=/dev/zero of=${FILES.shmClosed} bs=1M count=64 status=none`,
      `cat ${FILES.read80} > /dev/null`,
      `dd if=/dev/zero of=${FILES.mapped16} bs=1M count=16 status=none`,
      `dd if=/dev/zero of=${FILES.shmMapped} bs=1M count=8 status=none`,
    ].join('; ');
    const kid = inGroup(TAG, then, `${load} hold 50 ${FILES.mapped16} ${FILES.shmMapped}`);
    await Procs.waitFor(kid, /up/);
    const path = `/${TAG}`;

    const doc = (await json(['--cgroup', path])) as { members: { pid: number }[]; kernel: { current: number; parts: CgroupParts } };
    expect(doc.members.map((m) => m.pid)).toEqual([kid.pid]);
    const { current, parts } = doc.kernel;
    expect(sum(parts)).toBe(current);
    near(parts.pss, (50 + 16 + 8) * MB);
    near(parts.pageCache, 80 * MB);
    near(parts.shmem, 64 * MB);
    expect(parts.kernel).toBeGreaterThan(0);
    expect(Math.abs(parts.rest)).toBeLessThan(0.05 * current);

    // The same through the grouping, as the panel and --json get it.
    const rows = ((await json(['-g', 'cgroup', String(kid.pid)])) as { rows: GroupRow[] }).rows;
    expect(rows.map((r) => r.key)).toEqual([path]);
    const k = rows[0].kernel!;
    expect(sum(k.parts!)).toBe(k.current);
    near(k.parts!.pageCache, 80 * MB);
    expect(k.events).toMatchObject({ oomKill: 0 });
    expect(k.limits?.max).toBeNull();

    // The text: a line per part, each with its share of the usage.
    const text: string[] = [];
    expect(await runCli(['-W', '-U', '--cgroup', path], { out: (s) => text.push(s), err: (s) => text.push(s) })).toBe(0);
    expect(text[0]).toBe(`cgroup ${path} (${V2_MEMORY ? 'cgroup v2' : 'cgroup v1 memory controller'}): 1 process read`);
    expect(text.find((l) => l.trim().startsWith('page cache'))).toMatch(/^ {2}page cache +(79|80|81|82)\.\dM +3\d%/);
  });

  it('an OOM kill in a group with a small limit is counted and said at once: CLI loop lines, the terminal window, --json, the row', async () => {
    const name = `${TAG}-oom`;
    const path = `/${name}`;
    writeFileSync(join(MEM_ROOT, name, LIMIT_FILE), String(48 * 1024 * 1024));
    const sleeper = inGroup(name, ':', buildStaticIdle());
    await Procs.waitFor(sleeper, /up/);
    const pid = String(sleeper.pid);

    const loop = cliUntil(['-l', '1', '-g', 'cgroup', pid], /OOM kill in /, 45_000);
    // The terminal window, its group's drill-down open (Enter on the one row).
    const win = tmux.start(`${process.execPath} ${join(REPO, 'dist', 'sampler.js')} -U -l 1 -g cgroup ${pid}`, 140, 30);
    await tmux.waitFor(win, (r) => r.some((x) => x.endsWith(` ${path}`) || x.includes(` ${path} `)), 'the window and its group');
    tmux.keys(win, 'Enter');
    await tmux.waitFor(win, (r) => r.some((x) => x.startsWith(`Memory of ${path}`)), 'the drill-down');
    const view = cliUntil(['-l', '1', '--cgroup', path], /OOM kill in /, 45_000);
    // The engine behind the helper (the panel), the CLI and the window, as --json gives its Report.
    const monitor = new Monitor({ groupBy: 'cgroup', filter: [pid] }, { roots: ['/'], workers: 0, history: false });
    try {
      expect((await monitor.tick()).rows[0].kernel?.events?.oomKill).toBe(0);
      // Both loops have printed their first report before the kill.
      await Promise.all([loop, view].map((c) => waitOutput(c.out, /cg=|usage /)));

      const grower = inGroup(name, ':', `${buildLoad()} grow`);
      const died = new Promise<NodeJS.Signals | null>((res) => grower.once('exit', (_c, sig) => res(sig)));
      expect(await died).toBe('SIGKILL');

      const [loopOut, viewOut] = await Promise.all([loop.seen, view.seen]);
      expect(loopOut).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d OOM kill in ${path}: a process was killed \\(1 since the view started\\)$`, 'm'));
      expect(viewOut).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d OOM kill in ${path}: a process was killed \\(1 since the view started\\)$`, 'm'));

      const screen = await tmux.waitFor(win, (r) => r.at(-1)!.startsWith('OOM kill in'), 'the OOM kill on the status line', 20_000);
      expect(screen.at(-1)).toBe(`OOM kill in ${path}: a process was killed (1 since the view started)`);
      // (the kernel counts every time the limit was hit as a max event: how many depends on the allocator's pace)
      expect(screen).toContainEqual(expect.stringMatching(/^events since the view started: .*\bmax=\+\d+ .*oom_kill=\+1$/));

      const row = (await monitor.tick()).rows.find((r) => r.key === path)!;
      expect(row.kernel?.events?.oomKill).toBe(1);
      expect(row.kernel?.eventsTotal?.oomKill).toBe(1);
      // The row's text carries the kill beside the figures.
      expect(kernelText(row.kernel!)).toMatch(/ oom_kill=\+1$/);
      // A view started after the kill: none since it started, one in the kernel's counter.
      const rows = ((await json(['-g', 'cgroup', pid])) as { rows: GroupRow[] }).rows;
      expect(rows[0].kernel?.events?.oomKill).toBe(0);
      expect(rows[0].kernel?.eventsTotal?.oomKill).toBe(1);
      if (!V2_MEMORY) expect(readFileSync(join(MEM_ROOT, name, 'memory.oom_control'), 'utf8')).toMatch(/^oom_kill 1$/m);
    } finally {
      monitor.close();
      for (const c of [loop, view]) if (c.child.pid && c.child.exitCode === null) process.kill(-c.child.pid, 'SIGTERM');
    }
  }, 90_000);
});

async function waitOutput(out: () => string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) if (re.test(out())) return out();
  throw new Error(`no ${re} in ${timeoutMs} ms:\n${out()}`);
}
