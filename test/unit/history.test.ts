import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { History, historyCapacity, MAX_CAPACITY } from '../../src/core/history';
import { judgeLeak, leakLine, LeakTracker } from '../../src/core/leaks';
import { Reporter } from '../../src/core/report';
import { replayRoots } from '../../src/cli/cli';
import { Sampler } from '../../src/sampler/sampler';
import { groupOfProcs, procRow as row } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';


describe('History', () => {
  it('keeps per-group series of every category, oldest first, bounded by its capacity', () => {
    const h = new History(4);
    for (let i = 0; i < 6; i++) h.add(1000 * i, [row('a', 100 + i), row('b', 50)]);
    expect(h.length('a')).toBe(4);
    expect(h.series('a')).toEqual({ times: [2000, 3000, 4000, 5000], values: [102, 103, 104, 105] });
    expect(h.series('a', 'text').values).toEqual([10, 10, 10, 10]);
    expect(h.series('a', 'ptotal', 2).values).toEqual([104, 105]);
    expect(h.series('b').values).toEqual([50, 50, 50, 50]);
  });
  it('starts a new group at its first sample; a vanished group keeps its history while its processes are remembered', () => {
    const h = new History(3);
    h.add(0, [row('a', 1)]);
    h.add(1, [row('a', 2), row('b', 7)]);
    expect(h.series('b').values).toEqual([7]);
    h.add(2, [row('a', 3), row('b', 7, 'x')]);
    expect(h.keys()).toEqual(['a']);
    expect(h.has('b')).toBe(true);
    expect(h.series('b')).toEqual({ times: [1], values: [7] });
    h.add(3, [row('a', 4)]);
    expect(h.series('b').values).toEqual([7]);
    h.add(4, [row('a', 5)]); // gone for longer than the ring holds: forgotten
    expect(h.has('b')).toBe(false);
    expect(h.processes).toBe(1);
  });
  it('keys groups under unit, container and cgroup by the Reporter\u2019s keys: series, trend and leak verdicts there too', () => {
    for (const by of ['unit', 'container', 'cgroup'] as const) {
      const h = new History(30);
      const leaks = new LeakTracker({ samples: 8, minGrowthKb: 1024 });
      const key = by === 'container' ? 'docker:0123456789ab' : '/system.slice/leaky.service';
      let flagged: string[] = [];
      for (let i = 0; i < 12; i++) {
        h.add(1000 * i, [groupOfProcs(key, [[10, 10_000 + 400 * i]]), groupOfProcs('/init.scope', [[1, 500]])], by);
        flagged = [...flagged, ...leaks.update(h).map((f) => f.key)];
      }
      expect(h.keys().sort(), by).toEqual(['/init.scope', key].sort());
      expect(h.series(key, 'ptotal', 3).values, by).toEqual([13_600, 14_000, 14_400]);
      expect(flagged, by).toEqual([key]);
      // Regrouped by pid and back: the past of the cgroup's group is there at once.
      h.setGrouping('pid');
      expect(h.has(key)).toBe(false);
      h.setGrouping(by);
      expect(h.length(key), by).toBe(12);
    }
  });
  it('derives every grouping from the same processes: a regrouping shows the past at once', () => {
    const h = new History(10);
    for (let i = 0; i < 4; i++) h.add(i, [groupOfProcs('bash', [[10, 100 + i], [11, 200]]), row('vim', 50)], 'exe');
    const vim = String(h.members('vim')[0].pid);
    h.setGrouping('pid');
    expect(h.keys().sort()).toEqual(['10', '11', vim].sort());
    expect(h.series('10').values).toEqual([100, 101, 102, 103]);
    expect(h.series('11').values).toEqual([200, 200, 200, 200]);
    h.setGrouping('cmd', 4);
    expect(h.series('bash').values).toEqual([300, 301, 302, 303]); // "bash 10" and "bash 11" cut at 4
    h.setGrouping('exe');
    expect(h.series('bash').values).toEqual([300, 301, 302, 303]);
  });
  it('holds at most maxProcs processes, dropping the longest gone first', () => {
    const h = new History(10, 3);
    h.add(0, [row('1', 1), row('2', 2)]);
    h.add(1, [row('3', 3)]);
    h.add(2, [row('4', 4)]); // 1 and 2 are gone since 0: one of them goes
    expect(h.processes).toBe(3);
    h.add(3, [row('4', 4), row('5', 5), row('6', 6), row('7', 7)]); // all alive: the last has no ring
    expect(h.processes).toBe(3);
    expect(h.bytes()).toBeLessThanOrEqual(10 * 8 + 3 * 10 * 7 * 4);
  });
  it('at the cap, a burst of new processes drops the longest gone first, ties in the order remembered', () => {
    const h = new History(10, 4);
    const held = () => ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].filter((k) => h.has(k));
    h.add(0, [row('a', 1), row('b', 2)]);
    h.add(1, [row('c', 3), row('d', 4)]);
    h.add(2, [row('c', 3), row('d', 4), row('e', 5)]); // a and b gone since 0: a, remembered first, goes
    expect(held()).toEqual(['b', 'c', 'd', 'e']);
    h.add(3, [row('e', 5), row('f', 6), row('g', 7), row('h', 8)]); // b (gone since 0), then c and d (since 2)
    expect(held()).toEqual(['e', 'f', 'g', 'h']);
    h.add(4, [row('e', 5), row('f', 6), row('g', 7), row('h', 8), row('i', 9)]); // all alive: the newcomer has no ring
    expect(held()).toEqual(['e', 'f', 'g', 'h']);
    expect(h.processes).toBe(4);
  });
  it('stays within ~10 MB for 500 processes at the default hour', () => {
    const cap = historyCapacity(5);
    expect(cap).toBe(720);
    expect(historyCapacity(2)).toBe(MAX_CAPACITY); // an hour at 2 s would not fit: capped
    const h = new History(cap);
    h.add(0, Array.from({ length: 500 }, (_, i) => row(`g${i}`, i)));
    expect(h.bytes()).toBeLessThanOrEqual(10.5 * 1024 * 1024);
  });
  it('is built from a captured loop sequence', () => {
    const roots = replayRoots(join(__dirname, '..', '..', 'fixtures', 'loop-a'));
    const sampler = new Sampler({ root: roots[0], detail: true });
    const reporter = new Reporter(reportOptions());
    const h = new History(10);
    for (const root of roots) {
      sampler.setOptions({ root });
      const rep = reporter.report(sampler.sample());
      h.add(rep.leader.time, rep.rows);
    }
    const memtest = h.series('memtest').values;
    expect(memtest).toHaveLength(3);
    expect(memtest[1]).toBeGreaterThan(memtest[0]);
    expect(memtest[2]).toBeGreaterThan(memtest[1]);
    const sleeps = h.series('sleep').values;
    // (sharing shifts a little as other processes come and go)
    expect(Math.max(...sleeps) - Math.min(...sleeps)).toBeLessThan(100);
    const t = new LeakTracker({ samples: 2, minGrowthKb: 1000 });
    expect(t.update(h).map((f) => f.key)).toEqual(['memtest']);
    sampler.close();
  });
});

describe('judgeLeak', () => {
  const times = (n: number) => Array.from({ length: n }, (_, i) => i * 2000);
  const o = { samples: 10, minGrowthKb: 1000 };
  it('flags steady growth, also in steps', () => {
    const steady = Array.from({ length: 11 }, (_, i) => 5000 + 200 * i);
    expect(judgeLeak(steady, times(11), o)).toMatchObject({ suspect: true, growthKb: 2000, rises: 10, falls: 0, seconds: 20 });
    const steps = [0, 0, 0, 400, 400, 400, 800, 800, 800, 1200, 1200].map((v) => v + 5000);
    expect(judgeLeak(steps, times(11), o).suspect).toBe(true);
  });
  it('does not flag flat, one jump, sawtooth or too little growth', () => {
    expect(judgeLeak(Array(11).fill(5000), times(11), o).suspect).toBe(false);
    expect(judgeLeak([...Array(6).fill(5000), ...Array(5).fill(9000)], times(11), o).suspect).toBe(false); // one jump
    const saw = [5000, 6000, 5200, 6200, 5400, 6400, 5600, 6600, 5800, 6800, 6900];
    expect(judgeLeak(saw, times(11), o).suspect).toBe(false); // gives back often
    expect(judgeLeak(Array.from({ length: 11 }, (_, i) => 5000 + 50 * i), times(11), o).suspect).toBe(false);
  });
  it('ignores the few-KB jitter of shared pages, both ways', () => {
    const jitter = [0, -6, 4, -3, 7, -5, 2, -7, 5, -2, 3, -4, 6, -6, 1, -3, 5, -5, 2, 0, 4];
    const o20 = { samples: 20, minGrowthKb: 1024 };
    const t = times(21);
    // memtest at 10 s steps sampled every 2 s: a step every 5 samples, shared pages jittering
    const memtest = jitter.map((j, i) => 5000 + 370 * Math.floor((i + 2) / 5) + j);
    const v = judgeLeak(memtest, t, o20);
    expect(v).toMatchObject({ suspect: true, falls: 0, rises: 4 }); // the four real steps, no jitter
    expect(judgeLeak(jitter.map((j) => 800 + j), t, o20).suspect).toBe(false); // a sleep
  });
  it('does not flag a garbage-collected heap climbing between collections (gives back in big steps)', () => {
    // pmemstat's own sampling loop (node) over 40 s: up in 15 of 20 steps, down in 5, +3.4 MB net.
    const steps = [400, 420, -510, 380, 410, 400, -500, 390, 420, 410, -520, 400, 380, -510, 410, 420, 400, -510, 390, 400];
    const values = steps.reduce((a, d) => [...a, a[a.length - 1] + d], [18_000]);
    const v = judgeLeak(values, times(21), { samples: 20, minGrowthKb: 1024 });
    expect(v).toMatchObject({ rises: 15, falls: 5 });
    expect(v.growthKb).toBeGreaterThan(3000);
    expect(v.suspect).toBe(false);
  });
  it('waits for a full window', () => {
    expect(judgeLeak([1, 5000, 10000], times(3), o).suspect).toBe(false);
  });
  it('does not flag growth that has since been given back', () => {
    const back = [...Array.from({ length: 10 }, (_, i) => 5000 + 300 * i), 5500];
    expect(judgeLeak(back, times(11), o).suspect).toBe(false);
  });
});

describe('leakLine', () => {
  it('says what rose, by how much, over how long, in counts that add up', () => {
    const steady = Array.from({ length: 11 }, (_, i) => 5000 + 4096 * i);
    const v = judgeLeak(steady, Array.from({ length: 11 }, (_, i) => i * 9500), { samples: 10, minGrowthKb: 1000 });
    expect(leakLine('memtest', 122_880, v, 'MB', [4242])).toBe('LEAK? memtest (pid 4242): 1 process grew by 40 MB in 95s (up in 10 of 10 steps, down in 0); ptotal now 120 MB');
    expect(leakLine('memtest', 122_880, { ...v, procs: 3 }, 'KB', [1, 2, 3])).toBe(
      'LEAK? memtest (pids 1, 2, 3): 3 processes present throughout grew by 40,960 KB in 95s (up in 10 of 10 steps, down in 0); ptotal now 122,880 KB',
    );
  });
  it('uses one unit throughout and names at most five pids', () => {
    const steady = Array.from({ length: 11 }, (_, i) => 5000 + 4096 * i);
    const v = judgeLeak(steady, Array.from({ length: 11 }, (_, i) => i * 9500), { samples: 10, minGrowthKb: 1000 });
    const human = leakLine('svc', 301_056, v, 'human', [10, 11, 12, 13, 14, 15, 16]);
    expect(human).toBe('LEAK? svc (pids 10, 11, 12, 13, 14 and 2 more): 1 process grew by 40.0M in 95s (up in 10 of 10 steps, down in 0); ptotal now 294.0M');
    for (const units of ['MB', 'mB', 'KB'] as const) {
      const line = leakLine('svc', 301_056, v, units);
      expect(line.match(/\b(KB|MB|mB|K)\b/g), line).toEqual([units, units]);
    }
  });
  it('never reads as rising in every sample yet falling in some', () => {
    // Above the start in every sample, with a few steps down: the old wording said "rose in 10 of 10, fell in 2".
    const values = [0, 600, 1200, 1100, 1700, 2300, 2200, 2800, 3400, 4000, 4600];
    const v = judgeLeak(values, values.map((_, i) => i * 1000), { samples: 10, minGrowthKb: 1000 });
    expect(v.suspect).toBe(true);
    expect(v.rises + v.falls).toBeLessThanOrEqual(v.steps);
    expect(leakLine('x', 1, v, 'KB')).toContain('(up in 8 of 10 steps, down in 2)');
  });
});

describe('leaks of persistent processes', () => {
  const o = { samples: 10, minGrowthKb: 1000 };
  it('a group that gains members, none of them growing, is no suspect', () => {
    const h = new History(50);
    const t = new LeakTracker(o);
    const flagged: string[] = [];
    for (let i = 0; i < 30; i++) {
      // One more 800 KB process every sample (a shell spawning children that stay).
      const procs: Array<[number, number]> = [[1, 5000]];
      for (let j = 0; j < i; j++) procs.push([100 + j, 800]);
      h.add(i * 2000, [groupOfProcs('bash', procs)]);
      flagged.push(...t.update(h).map((f) => f.key));
    }
    expect(h.series('bash').values.at(-1)).toBe(5000 + 29 * 800); // the total did grow, by 23 MB
    expect(flagged).toEqual([]);
  });
  it('one leaking member among joiners and leavers is flagged, with its own growth only', () => {
    const h = new History(50);
    const t = new LeakTracker(o);
    const flagged: Array<{ key: string; growthKb: number; procs: number }> = [];
    for (let i = 0; i < 30; i++) {
      const procs: Array<[number, number]> = [[1, 10_000 + 400 * i], [2, 3000]];
      if (i % 3 === 0) procs.push([200 + i, 50_000]); // a big short-lived one, every third sample
      h.add(i * 2000, [groupOfProcs('node', procs)]);
      for (const f of t.update(h)) flagged.push({ key: f.key, growthKb: f.verdict.growthKb, procs: f.verdict.procs });
    }
    expect(flagged).toEqual([{ key: 'node', growthKb: 4000, procs: 2 }]);
  });
  it('a process that starts while watched is judged after its start-up; a later leak is still flagged', () => {
    const h = new History(80);
    const t = new LeakTracker(o);
    const flagged: Array<[number, string]> = [];
    for (let i = 0; i < 60; i++) {
      const procs: Array<[number, number]> = [[1, 5000]];
      // pid 2 starts at sample 5: 3 MB at exec, loaded within a few samples, then steady.
      if (i >= 5) procs.push([2, Math.min(3000 + 1500 * (i - 5), 9000) + ((i * 7) % 3) * 10]);
      // pid 3 starts at sample 20 and leaks 300 KB every step from then on.
      if (i >= 20) procs.push([3, 800 + 300 * (i - 20)]);
      h.add(i * 2000, [groupOfProcs('node', procs)]);
      for (const f of t.update(h)) flagged.push([i, `${f.key} ${f.verdict.procs}`]);
    }
    // pid 3 is judged from 3 samples (a quarter window) after it appeared, over a full window.
    expect(flagged).toEqual([[20 + 3 + 10, 'node 3']]);
  });
  it("pmemstat's own helper is judged on its own memory, not on the node processes that join its group", () => {
    const h = new History(50);
    const t = new LeakTracker(o);
    const flagged: string[] = [];
    for (let i = 0; i < 30; i++) {
      const procs: Array<[number, number]> = [[1, 40_000 + (i % 4) * 100]];
      for (let j = 0; j < Math.min(i, 12); j++) procs.push([500 + j, 30_000]);
      h.add(i * 2000, [groupOfProcs('node', procs)]);
      flagged.push(...t.update(h).map((f) => f.key));
    }
    expect(flagged).toEqual([]);
  });
});

describe('LeakTracker', () => {
  it('reports a group once when it becomes a suspect, and forgets it when it stops', () => {
    const h = new History(50);
    const t = new LeakTracker({ samples: 4, minGrowthKb: 100 });
    const flagged: string[][] = [];
    for (let i = 0; i < 8; i++) {
      h.add(i * 1000, [row('leaky', 1000 + 100 * i), row('flat', 500)]);
      flagged.push(t.update(h).map((f) => f.key));
    }
    expect(flagged.slice(0, 4).flat()).toEqual([]);
    expect(flagged[4]).toEqual(['leaky']);
    expect(flagged.slice(5).flat()).toEqual([]);
    expect(t.isSuspect('leaky')).toBe(true);
    expect(t.count).toBe(1);
    for (let i = 8; i < 14; i++) {
      h.add(i * 1000, [row('leaky', 1800), row('flat', 500)]);
      t.update(h);
    }
    expect(t.isSuspect('leaky')).toBe(false);
  });
});
