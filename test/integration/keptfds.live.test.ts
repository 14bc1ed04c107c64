// The live view's kept fds (a stat fd per process, re-read at offset 0 each tick) and its reuse
// of the listing of /proc while no pid was allocated: processes come and go for a while, and
// every new one is in the very next sample, every gone one out of it with its fds closed, and
// the sampler's fds stay flat. The helper and the window run for days: one leaked fd per
// exited process would reach the limit.
import { readdirSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Procs, testSampler } from './live';
import { sleep } from '../support';

const procs = new Procs();
afterAll(() => procs.stopAll());

/** The pids of /proc files this process holds open (what a sampler keeps), with their counts. */
function keptFds(): Map<number, number> {
  const by = new Map<number, number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^\/proc\/(\d+)\//.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) by.set(Number(m[1]), (by.get(Number(m[1])) ?? 0) + 1);
    } catch {
      // closed between the listing and the readlink
    }
  }
  return by;
}

const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);

function startSleeps(n: number): number[] {
  return Array.from({ length: n }, () => procs.start('sleep', ['1000']).pid!);
}

function kill(pids: readonly number[]): Promise<void> {
  for (const p of pids) process.kill(-p, 'SIGKILL');
  // Reaped by node (the child's exit): until then each is a zombie, still listed.
  return (async () => {
    for (let i = 0; i < 200 && pids.some((p) => readdirSync('/proc').includes(String(p))); i++) await sleep(25);
  })();
}

describe('kept fds and the reused listing, as processes come and go', () => {
  it('sees each new process at the next sample, drops each gone one with its fds, and keeps its fds flat', async () => {
    // As the window samples: with the walk budget (the live view's options).
    const sampler = testSampler({ walkBudgetMs: 10, maxAgeSeconds: 60 });
    let alive = startSleeps(20);
    await sleep(300);
    let s = sampler.sample();
    for (const p of alive) expect(s.procs.some((x) => x.pid === p)).toBe(true);
    const flat: number[] = [];
    const killedAll: number[] = [];
    for (let round = 0; round < 6; round++) {
      const killed = alive.slice(0, 5);
      await kill(killed);
      killedAll.push(...killed);
      const born = startSleeps(5);
      alive = [...alive.slice(5), ...born];
      await sleep(200); // exec'd: named sleep, not node
      s = sampler.sample();
      const pids = new Set(s.procs.map((p) => p.pid));
      for (const p of born) expect(pids.has(p), `new pid ${p} in the next sample`).toBe(true);
      for (const p of killed) expect(pids.has(p), `gone pid ${p} out of the next sample`).toBe(false);
      const fds = keptFds();
      for (const p of killedAll) expect(fds.get(p) ?? 0, `fds still open on gone pid ${p}`).toBe(0);
      // Ours: a stat fd for each sleep, and a rollup fd for each one walked.
      for (const p of alive) expect(fds.get(p) ?? 0).toBeGreaterThanOrEqual(1);
      flat.push(alive.reduce((n, p) => n + (fds.get(p) ?? 0), 0));
    }
    // Twenty sleeps all along: two fds each (stat, and the rollup every new one is walked through).
    expect(flat.every((n) => n === flat[0] && n <= 40)).toBe(true);
    const before = total(keptFds());
    sampler.close();
    expect(total(keptFds())).toBeLessThan(before);
    for (const p of alive) expect(keptFds().get(p) ?? 0).toBe(0);
  }, 60_000);

  it('with no room for more fds, reads the others by open, read and close, and still sees each change', async () => {
    const sampler = testSampler({ walkBudgetMs: 10, maxAgeSeconds: 60 });
    (sampler as unknown as { fds: { left: number } }).fds.left = 0;
    const before = keptFds();
    const first = startSleeps(3);
    await sleep(300);
    let s = sampler.sample();
    for (const p of first) expect(s.procs.some((x) => x.pid === p)).toBe(true);
    const after = keptFds();
    for (const p of first) expect(after.get(p) ?? 0).toBe(0);
    expect(total(after)).toBe(total(before));
    await kill(first.slice(0, 1));
    s = sampler.sample();
    expect(s.procs.some((x) => x.pid === first[0])).toBe(false);
    expect(s.procs.some((x) => x.pid === first[1])).toBe(true);
  }, 30_000);
});
