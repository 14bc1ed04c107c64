// The worker count of a one-shot sample from the free cores (src/core/workerPlan.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_WORKERS, runnableTasks, workersForFreeCores } from '../../src/core/workerPlan';

const load = (running: number, total = 2183) => `2.89 3.20 3.77 ${running}/${total} 23578\n`;

describe('runnableTasks', () => {
  it('reads the 4th field of /proc/loadavg, this machine\'s included', () => {
    expect(runnableTasks(load(3))).toBe(3);
    const own = runnableTasks(readFileSync('/proc/loadavg', 'latin1'));
    expect(own).not.toBeNull();
    expect(own!).toBeGreaterThanOrEqual(1); // the test's own thread is running as it reads
  });
  it('null for another shape', () => {
    for (const t of ['', 'garbage', '1 2 3 x/5 6', '1 2 3 4']) expect(runnableTasks(t), t).toBeNull();
  });
});

describe('workersForFreeCores', () => {
  it('a worker on each core nobody else runs on, the main thread taking one', () => {
    expect(workersForFreeCores(2, load(1))).toBe(1); // only us: the second core is free
    expect(workersForFreeCores(2, load(2))).toBe(0); // one other task: no core left over
    expect(workersForFreeCores(2, load(5))).toBe(0);
    expect(workersForFreeCores(4, load(2))).toBe(2);
    expect(workersForFreeCores(4, load(1))).toBe(3);
  });
  it('never more than MAX_WORKERS, nor any on one core', () => {
    expect(workersForFreeCores(64, load(1))).toBe(MAX_WORKERS);
    expect(workersForFreeCores(1, load(1))).toBe(0);
    expect(workersForFreeCores(1, null)).toBe(0);
  });
  it('without a readable count, a worker on every core but one', () => {
    expect(workersForFreeCores(2, null)).toBe(1);
    expect(workersForFreeCores(8, 'garbage')).toBe(MAX_WORKERS);
  });
  it('a count of 0 (read from another namespace) is taken as ourselves alone', () => {
    expect(workersForFreeCores(2, load(0))).toBe(1);
  });
});
