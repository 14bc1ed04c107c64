// A full sample read on two threads (dist/procworker.js) against the same sample read on
// one: the same processes with the same names, figures from whole per-process reads, in
// pid order; the fds the worker opened are kept for the next tick and released after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startSleepers, type ProcessZoo } from '../../bench/procs';
import { ParallelReader } from '../../src/sampler/parallel';
import { dropPrestarted, prestartWorkers } from '../../src/sampler/prestart';
import { REPO } from '../support';
import { testSampler } from './live';

const script = join(REPO, 'dist', 'procworker.js');
let zoo: ProcessZoo;
let sleepers: number[] = [];

beforeAll(async () => {
  // Built for this run: the worker must be this source's.
  execFileSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO });
  zoo = await startSleepers(300); // more new processes than the sampler reads on one thread
  const pg = zoo.pids[0];
  // "ready" comes when all are forked; a few may not have become `sleep` yet.
  for (let i = 0; i < 100 && sleepers.length < 300; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    sleepers = listSleepers(pg);
  }
}, 60_000);

function listSleepers(pg: number): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => {
      try {
        // comm, then after ") ": state ppid pgrp
        const s = readFileSync(`/proc/${p}/stat`, 'latin1');
        return s.includes('(sleep)') && s.slice(s.lastIndexOf(')') + 2).split(' ')[2] === String(pg);
      } catch {
        return false;
      }
    });
}
afterAll(() => zoo?.stop());

const fds = () => readdirSync('/proc/self/fd').length;
/** Our fds open on the sleepers' files, by what they name ("/proc/123/stat"). */
function sleeperFds(): string[] {
  const ours = new Set(sleepers.map(String));
  const names: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const t = readlinkSync(`/proc/self/fd/${fd}`);
      if (ours.has(t.split('/')[2])) names.push(t);
    } catch {
      /* closed meanwhile */
    }
  }
  return names.sort();
}

describe('parallel full sample', () => {
  for (const detail of [false, true]) {
    it(`${detail ? 'detail' : 'fast'}: two threads read what one does, and keep their fds for the next tick`, async () => {
      expect(sleepers.length).toBe(300);
      const reader = new ParallelReader({ script, workers: 1, idleMs: 60_000 });
      onTestFinished(() => reader.close());
      await reader.warmed(); // so that the worker surely takes a share
      const fdsBefore = fds();
      const par = testSampler({ detail, walkBudgetMs: 10 });
      par.useParallel(reader);
      const a = await par.sampleAsync();
      const one = testSampler({ detail });
      const seq = one.sample();
      one.close();
      await reader.close(); // the worker has exited: the fds it opened must still be ours
      expect(reader.lastShares).toHaveLength(2);
      expect(reader.lastShares[1]).toBeGreaterThan(0);
      expect(reader.lastShares[0] + reader.lastShares[1]).toBeGreaterThanOrEqual(300);
      expect(a.procs.map((p) => p.pid)).toEqual([...a.procs.map((p) => p.pid)].sort((x, y) => x - y));
      const mine = (s: typeof a) => s.procs.filter((p) => sleepers.includes(p.pid));
      const pa = mine(a);
      const ps = mine(seq);
      expect(pa.map((p) => [p.pid, p.exe, p.cmd])).toEqual(ps.map((p) => [p.pid, p.exe, p.cmd]));
      // Each process's cgroup, read once when it is first seen, comes back from the worker too.
      expect(pa.map((p) => p.cgroup)).toEqual(ps.map((p) => p.cgroup));
      expect(pa.every((p) => p.cgroup && p.cgroup.path.startsWith('/'))).toBe(true);
      expect(pa).toHaveLength(300);
      for (const p of pa) {
        expect(p.exe).toBe('sleep');
        expect(p.mem.data).toBeGreaterThan(0);
        // Not more: sleep's file pages are shared by every sleep on the machine, 2,000 others
        // bring its share under 1 KB.
        expect(p.mem.ptotal).toBeGreaterThanOrEqual(p.mem.data);
      }
      // The next tick reads the worker's kept fds: nothing moved, nothing walked but what the budget allows.
      // stat and smaps_rollup of each, opened by the prefetch (some by the worker).
      const kept = sleeperFds();
      expect(kept).toHaveLength(2 * 300);
      const b = await par.sampleAsync();
      expect(mine(b).map((p) => [p.pid, p.exe, p.cmd])).toEqual(pa.map((p) => [p.pid, p.exe, p.cmd]));
      expect(sleeperFds()).toEqual(kept); // read through the kept fds: none reopened, none lost
      par.close();
      expect(fds()).toBeLessThanOrEqual(fdsBefore + 2);
    }, 60_000);
  }

  it('a one-shot report (two threads) keeps no fd open on any process it read', async () => {
    // Each fd kept grows the fd table, which a threaded process pays a wait for at each doubling;
    // a one-shot report has no next tick to re-read them with.
    const reader = new ParallelReader({ script, workers: 1, idleMs: 60_000 });
    onTestFinished(() => reader.close());
    await reader.warmed();
    for (const detail of [false, true]) {
      const s = testSampler({ detail, oneShot: true });
      s.useParallel(reader);
      const a = await s.sampleAsync();
      expect(reader.lastShares[1]).toBeGreaterThan(0);
      const got = a.procs.filter((p) => sleepers.includes(p.pid));
      expect(got).toHaveLength(300);
      for (const p of got) expect([p.exe, p.mem.ptotal > 0]).toEqual(['sleep', true]);
      expect(sleeperFds()).toEqual([]);
      s.close();
    }
  }, 60_000);

  it('takes the workers the command started at its first line, and they read their share', async () => {
    onTestFinished(() => dropPrestarted());
    expect(prestartWorkers(script, 1)).toBe(1);
    const reader = new ParallelReader({ script, workers: 2, idleMs: 60_000 });
    onTestFinished(() => reader.close());
    await reader.warmed();
    expect(reader.adopted).toBe(1); // the second is started here
    const s = testSampler({ detail: true });
    s.useParallel(reader);
    const a = await s.sampleAsync();
    s.close();
    expect(reader.lastShares).toHaveLength(3);
    expect(reader.lastShares[1] + reader.lastShares[2]).toBeGreaterThan(0);
    const got = a.procs.filter((p) => sleepers.includes(p.pid));
    expect(got).toHaveLength(300);
    for (const p of got) expect([p.exe, p.mem.ptotal > 0]).toEqual(['sleep', true]);
    // A worker of another script is not taken.
    expect(prestartWorkers(script, 1)).toBe(1);
    const other = new ParallelReader({ script: join(REPO, 'dist', 'sampler.js'), workers: 1 });
    onTestFinished(() => other.close());
    other.warm();
    expect(other.adopted).toBe(0);
  }, 60_000);

  it('a worker that dies after its first chunk costs time, not processes: the sample is whole, in pid order', async () => {
    // A worker that ends itself once it has sent its first chunk of results.
    const dir = mkdtempSync(join(tmpdir(), 'pmemstat-worker-'));
    const dying = join(dir, 'dying-worker.js');
    writeFileSync(
      dying,
      `const { MessagePort } = require('node:worker_threads');
const send = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (m, t) {
  send.call(this, m, t);
  if (Array.isArray(m)) process.exit(1);
};
require(${JSON.stringify(script)});
`,
    );
    try {
      const reader = new ParallelReader({ script: dying, workers: 1, idleMs: 60_000 });
      onTestFinished(() => reader.close());
      await reader.warmed();
      const s = testSampler({ detail: true });
      s.useParallel(reader);
      const a = await s.sampleAsync();
      s.close();
      await reader.close();
      expect(reader.lastShares[1]).toBeLessThanOrEqual(16);
      const pids = a.procs.map((p) => p.pid);
      expect(pids).toEqual([...pids].sort((x, y) => x - y));
      const got = a.procs.filter((p) => sleepers.includes(p.pid));
      expect(got).toHaveLength(300);
      for (const p of got) expect([p.exe, p.mem.ptotal > 0]).toEqual(['sleep', true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
