// The listing of /proc used again while no pid was allocated (src/sampler/sampler.ts listPids):
// on this shared machine other work allocates pids all the time, so the kernel's last pid
// (/proc/loadavg, the one boundary faked here) is held still or moved by the test.
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Procs, testSampler } from './live';
import { sleep } from '../support';

const fake = vi.hoisted(() => ({ lastPid: 1 }));
vi.mock('../../src/proc/pidlist', async (orig) => ({ ...(await orig<typeof import('../../src/proc/pidlist')>()), readLastPid: () => fake.lastPid }));

const procs = new Procs();
afterAll(() => procs.stopAll());

describe('the listing of /proc, used again while no pid was allocated', () => {
  it('lists once while the last pid stands still, still drops a process that exits, and lists again when it moves', async () => {
    const a = procs.start('sleep', ['1000']);
    const b = procs.start('sleep', ['1000']);
    await sleep(300);
    const sampler = testSampler({ walkBudgetMs: 10, maxAgeSeconds: 60 });
    const pids = (s: ReturnType<typeof sampler.sample>) => new Set(s.procs.map((p) => p.pid));
    expect(pids(sampler.sample()).has(a.pid!)).toBe(true);
    expect(sampler.relists).toBe(1);
    expect(pids(sampler.sample()).has(b.pid!)).toBe(true);
    expect(sampler.relists).toBe(1); // the same listing

    process.kill(-a.pid!, 'SIGKILL');
    for (let i = 0; i < 200 && readdirSync('/proc').includes(String(a.pid)); i++) await sleep(25);
    const s = pids(sampler.sample());
    expect(sampler.relists).toBe(1);
    expect(s.has(a.pid!)).toBe(false); // its stat read failed: gone without a listing
    expect(s.has(b.pid!)).toBe(true);

    const c = procs.start('sleep', ['1000']);
    await sleep(300);
    expect(pids(sampler.sample()).has(c.pid!)).toBe(false); // (what the figure is for: held still, nothing new is looked for)
    fake.lastPid++;
    expect(pids(sampler.sample()).has(c.pid!)).toBe(true);
    expect(sampler.relists).toBe(2);
  }, 30_000);

  it('lists every time for a one-shot sample', () => {
    const s = testSampler({ walkBudgetMs: 10, oneShot: true });
    s.sample();
    s.sample();
    expect(s.relists).toBe(2);
  });
});
