// The page-walk budget against the live /proc: a "database" (bench/dbload.c: backends
// sharing one mapping) sampled in a loop. An idle backend's page tables are not walked
// again until the age bound; one that changes is walked the very next tick.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reporter } from '../../src/core/report';
import { Sampler } from '../../src/sampler/sampler';
import { Procs } from './live';
import { REPO, sleep } from '../support';
import { parseCliArgs } from '../../src/cli/cliargs';
import { settingsFromCli, windowMonitor } from '../../src/cli/window/window';
import { reportOptions } from '../../src/shared/engineOptions';

const procs = new Procs();
let dbload = '';

beforeAll(() => {
  const dir = join(REPO, 'test', '.tmp');
  mkdirSync(dir, { recursive: true });
  dbload = join(dir, 'dbload');
  const src = join(REPO, 'bench', 'dbload.c');
  if (!existsSync(dbload) || statSync(dbload).mtimeMs < statSync(src).mtimeMs) execFileSync('cc', ['-O2', '-Wall', '-o', dbload, src]);
});
afterAll(() => procs.stopAll());

function readlinkOr(fd: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return '';
  }
}

/**
 * Resolves once each of `pids` is idle: its stat (CPU time, faults, state) unchanged over 100 ms,
 * asleep. On a loaded machine a process may print its line well before it reaches sigsuspend().
 */
async function idle(pids: number[]): Promise<void> {
  const stats = () => pids.map((p) => readFileSync(`/proc/${p}/stat`, 'latin1'));
  const asleep = (st: string) => st.slice(st.lastIndexOf(')') + 2).startsWith('S');
  for (let last = stats(), i = 0; ; i++) {
    await sleep(100);
    const now = stats();
    if (now.every((st, j) => st === last[j] && asleep(st))) return;
    if (i > 300) throw new Error(`never idle: ${now.join(' | ')}`);
    last = now;
  }
}

/** Start dbload; resolve with the parent's and the backends' pids once all are up and idle. */
async function startDb(args: string[]): Promise<{ c: ChildProcess; parent: number; backends: number[] }> {
  const db = await startedDb(args);
  await idle([db.parent, ...db.backends]);
  return db;
}

function startedDb(args: string[]): Promise<{ c: ChildProcess; parent: number; backends: number[] }> {
  const c = procs.start(dbload, args);
  return new Promise((resolve, reject) => {
    let seen = '';
    c.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      const up = /^up (\d+)$/m.exec(seen);
      if (up) resolve({ c, parent: Number(up[1]), backends: [...seen.matchAll(/^ready (\d+)$/gm)].map((m) => Number(m[1])).sort((a, b) => a - b) });
    });
    c.once('exit', (code) => reject(new Error(`dbload exited (${code}): ${seen}`)));
  });
}

describe('walk budget', () => {
  it('walks a changed backend the next tick, leaves idle ones within the age bound, and refreshes them at it', async () => {
    const db = await startDb(['-m', '32', '-k', '3', '-s', '2048']);
    const all = [db.parent, ...db.backends];
    // A budget too small for any walk but the ones that must be done.
    const sampler = new Sampler({ walkBudgetMs: 0.0001, maxAgeSeconds: 3, filter: all.map(String) });
    const reporter = new Reporter(reportOptions({ groupBy: 'pid', minDeltaKb: 10 }));
    const t1 = Date.now();
    const first = reporter.report(sampler.sample(t1));
    expect(sampler.lastStats.walkedPids).toEqual(all.sort((a, b) => a - b)); // every process is new
    expect(first.leader.stale).toBeUndefined();
    const before = new Map(sampler.sample(t1 + 500).procs.map((p) => [p.pid, p]));
    expect(sampler.lastStats.walkedPids).toEqual([]); // nothing moved
    for (const pid of all) expect(before.get(pid)?.asOf).toBe(t1);

    const changed = db.backends[1];
    const grew = new Promise<void>((res) => db.c.stdout!.on('data', (d: Buffer) => d.toString().includes(`grew ${changed}`) && res()));
    process.kill(changed, 'SIGUSR1');
    await grew;
    await idle([changed]); // moved once, not again at the ticks after this one
    const t3 = t1 + 1000;
    const s3 = sampler.sample(t3);
    const rep3 = reporter.report(s3);
    expect(sampler.lastStats.walkedPids).toEqual([changed]);
    const after = s3.procs.find((p) => p.pid === changed)!;
    expect(after.asOf).toBeUndefined();
    expect(after.mem.ptotal - before.get(changed)!.mem.ptotal).toBeGreaterThanOrEqual(2000); // 2 MB touched
    expect(rep3.leader.stale).toBe(all.length - 1);
    const row = rep3.rows.find((r) => r.key === String(changed))!;
    expect(row.type).toMatch(/^\+\d+K$/);
    expect(rep3.rows.find((r) => r.key === String(db.backends[0]))!.asOf).toBe(t1);
    // The T row is the sum of the rows shown, old figures included.
    expect(rep3.total.mem.ptotal).toBe(s3.procs.reduce((n, p) => n + p.mem.ptotal, 0));

    // Past the bound (3 s) every idle figure is read again, whatever the budget.
    sampler.sample(t1 + 2000);
    expect(sampler.lastStats.walkedPids).toEqual([]);
    const s5 = sampler.sample(t1 + 3000);
    expect(sampler.lastStats.walkedPids.sort((a, b) => a - b)).toEqual(all.filter((p) => p !== changed));
    expect(s5.procs.filter((p) => p.asOf !== undefined).map((p) => p.pid)).toEqual([changed]);
  });

  it('a process whose CPU time ticks on but whose memory does not is not walked again', async () => {
    const bin = join(REPO, 'test', '.tmp', 'spin');
    execFileSync('cc', ['-O0', '-x', 'c', '-o', bin, '-'], { input: 'int main(void) { for (volatile long i = 0;; i++) {} }\n' });
    const pid = procs.start(bin, []).pid!;
    const stat = () => readFileSync(`/proc/${pid}/stat`, 'latin1');
    await sleep(100); // past exec and its first faults
    const s = new Sampler({ walkBudgetMs: 0.0001, filter: [String(pid)] });
    s.sample();
    expect(s.lastStats.walkedPids).toEqual([pid]);
    const was = stat();
    for (let i = 0; i < 100 && stat() === was; i++) await sleep(50);
    expect(stat()).not.toBe(was); // its stat bytes moved (CPU time)
    s.sample();
    expect(s.lastStats.walkedPids).toEqual([]);
  });

  it('with no room left to keep fds, an idle process is still known by its stat and not walked again', async () => {
    const db = await startDb(['-m', '8', '-k', '2']);
    const all = [db.parent, ...db.backends].sort((a, b) => a - b);
    const s = new Sampler({ walkBudgetMs: 0.0001, filter: all.map(String) });
    // As when the open-files limit is reached (10,000 processes): every file is opened, read, closed.
    (s as unknown as { fds: { left: number } }).fds.left = 0;
    const t = Date.now();
    s.sample(t);
    expect(s.lastStats.walkedPids).toEqual(all);
    const again = s.sample(t + 1000);
    expect(s.lastStats.walkedPids).toEqual([]);
    expect(again.procs.map((p) => p.asOf)).toEqual(all.map(() => t));
    expect(readdirSync('/proc/self/fd').filter((fd) => all.some((p) => readlinkOr(fd).startsWith(`/proc/${p}/`)))).toEqual([]);
  });

  it('with budget 0 walks every process every tick; a one-shot detail sample reads smaps but no rollup', async () => {
    const db = await startDb(['-m', '8', '-k', '2']);
    const all = [db.parent, ...db.backends].sort((a, b) => a - b);
    const s = new Sampler({ walkBudgetMs: 0, filter: all.map(String) });
    s.sample();
    s.sample();
    expect(s.lastStats.walkedPids).toEqual(all);
    const one = new Sampler({ detail: true, oneShot: true, filter: all.map(String) });
    const r = one.sample();
    expect(one.lastStats.rollupReads).toBe(0);
    expect(one.lastStats.smapsPids).toEqual(all);
    expect(r.procs.map((p) => p.pid)).toEqual(all);
    // Each backend's share of the 8 MB mapping (shOth: shared anonymous memory), about a third.
    for (const pid of db.backends) expect(r.procs.find((p) => p.pid === pid)!.mem.shOth).toBeGreaterThan(2000);
    await sleep(0);
  });

  it('the terminal window honours --walk-budget and --max-age (defaults 10 ms / 60 s)', async () => {
    const defaults = parseCliArgs([]);
    const byDefault = windowMonitor(defaults, settingsFromCli(defaults), ['/']);
    expect(byDefault.options).toMatchObject({ walkBudgetMs: 10, maxAgeSeconds: 60 });
    byDefault.close();

    const db = await startDb(['-m', '32', '-k', '3', '-s', '2048']);
    const all = [db.parent, ...db.backends].sort((a, b) => a - b);
    const o = parseCliArgs(['--walk-budget', '0.0001', '--max-age', '30', ...all.map(String)]);
    const m = windowMonitor(o, settingsFromCli(o), ['/']);
    try {
      expect(m.options).toMatchObject({ walkBudgetMs: 0.0001, maxAgeSeconds: 30 });
      await m.tick();
      expect(m.lastStats.walkedPids).toEqual(all); // every process is new
      const second = await m.tick();
      expect(m.lastStats.walkedPids).toEqual([]); // nothing moved: nothing walked
      expect(second.leader.stale).toBe(all.length);
    } finally {
      m.close();
    }
  });
});
