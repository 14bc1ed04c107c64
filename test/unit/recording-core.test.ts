// The recorder's pure parts: what counts as changed, a sample put back together, the retention
// plan, the kernel's OOM lines and counters, and times as users give them.
import { describe, expect, it } from 'vitest';
import { localIso, parseTime } from '../../src/core/isotime';
import { mergeOomLines, parseOomKillCount, parseOomLine } from '../../src/core/oomlog';
import { asOfAt, changedBeyond, coarse, EXACT, figuresOf, identityOf, nameHash, readTime, sampleFrom, systemOf } from '../../src/core/recording';
import { DEFAULT_RETENTION, expiryCut, oldestStretchCut, thinPlan, type RetentionPolicy } from '../../src/core/retention';
import { ALL_MEM_KEYS, CGROUP_GROUP_BYS, zeroMem, type ProcSample, type Sample } from '../../src/core/types';
import { groupFigureDirs, procCgroup } from '../../src/core/cgroup';
import { dirsKey } from '../../src/recorder/reader';
import { cgroupDirsOf } from '../../src/recorder/recorder';

const proc = (pid: number, ptotal: number, cpu = 0): ProcSample => ({ pid, starttime: pid * 10, exe: `e${pid}`, cmd: `cmd ${pid}`, mem: { ...zeroMem(), ptotal, data: ptotal }, ticks: 5, cpu });

describe('changedBeyond', () => {
  it('exact thresholds see any change of any figure, and none when nothing moved', () => {
    const a = figuresOf(proc(1, 100));
    expect(changedBeyond(a, figuresOf(proc(1, 100)), EXACT)).toBe(false);
    expect(changedBeyond(a, figuresOf(proc(1, 101)), EXACT)).toBe(true);
    expect(changedBeyond(a, figuresOf(proc(1, 100, 0.5)), EXACT)).toBe(true);
    for (const k of ALL_MEM_KEYS) expect(changedBeyond(a, { ...a, mem: { ...a.mem, [k]: a.mem[k] + 1 } }, EXACT), k).toBe(true);
    expect(changedBeyond(a, { ...a, pssShmem: 1 }, EXACT)).toBe(true);
    expect(changedBeyond(a, { ...a, oom: 3 }, EXACT)).toBe(true);
    // When the figures were read is kept apart (a `reads` row), not as changed figures.
    expect(changedBeyond(a, { ...a, asOf: 5 }, EXACT)).toBe(false);
  });
  it('the read time of figures, and the asOf a replay gives them', () => {
    const a = figuresOf(proc(1, 100));
    expect(readTime(a, 2000)).toBe(2000);
    expect(readTime({ ...a, asOf: 1500 }, 2000)).toBe(1500);
    expect(asOfAt(2000, 2000)).toBeNull();
    expect(asOfAt(1500, 2000)).toBe(1500);
  });
  it('a threshold ignores moves within it, and figures only read again', () => {
    const a = figuresOf(proc(1, 100));
    const t = coarse(64);
    expect(changedBeyond(a, figuresOf(proc(1, 150)), t)).toBe(false);
    expect(changedBeyond(a, figuresOf(proc(1, 200)), t)).toBe(true);
    expect(changedBeyond(a, figuresOf(proc(1, 100, 0.4)), t)).toBe(false);
    expect(changedBeyond(a, figuresOf(proc(1, 100, 2)), t)).toBe(true);
    expect(changedBeyond({ ...a, asOf: 5 }, a, t)).toBe(false);
  });
});

describe('nameHash', () => {
  it('gives a name the same 32-bit integer each time, and names that differ by a character others', () => {
    const names = ['cc1 -O2 src/module1.c', 'cc1 -O2 src/module2.c', 'cc1 -O2 src/module12.c', 'sleep', 'sleep ', '', 'é', '\u{1f600}'];
    const hs = names.map(nameHash);
    expect(new Set(hs).size).toBe(names.length);
    expect(names.map(nameHash)).toEqual(hs);
    for (const h of hs) expect(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31).toBe(true);
  });
});

describe('sampleFrom', () => {
  it('puts a sample back as the sampler gave it (pids ascending, optional fields only when set)', () => {
    const s: Sample = {
      time: 1000,
      meminfo: { memTotal: 8, memAvailable: 4, shmem: 1, dirty: 0, swapTotal: 0, swapFree: 0 },
      cpu: { totalTicks: 10, ncpu: 2 },
      pgmajfault: 0,
      zram: null,
      procs: [proc(3, 30), { ...proc(7, 70), oom: 12, pssShmem: 4, asOf: 900 }],
      totalUserProcs: 2,
      inaccessible: 0,
      filtered: 0,
      kernelCpu: 0,
      topKernelThreads: [],
      majfaultsPerSec: 0,
      detail: false,
    };
    const back = sampleFrom(
      1000,
      systemOf(s),
      [...s.procs].reverse().map((p) => ({ id: identityOf(p), f: figuresOf(p) })),
    );
    expect(back).toEqual({ ...s, procs: s.procs.map((p) => ({ ...p, ticks: 0 })) });
  });
});

describe('retention', () => {
  const MIN = 60_000;
  const p: RetentionPolicy = { tiers: [{ olderThanMs: 60 * MIN, everyMs: MIN }], retainMs: 10 * 60 * MIN, eventBeforeMs: 3 * MIN, eventAfterMs: 0 };
  const now = 1000 * MIN;
  // A sample every 10 s for the last 2 h.
  const ticks = Array.from({ length: 720 }, (_, i) => now - 120 * MIN + i * 10_000);

  it('keeps every sample of the last hour and one a minute (its last) before', () => {
    const plan = thinPlan(ticks, [], now, p);
    const dropped = new Set(plan.map((x) => x.drop));
    const kept = ticks.filter((t) => !dropped.has(t));
    const old = kept.filter((t) => now - t > 60 * MIN);
    expect(old.length).toBe(60);
    expect(old.every((t) => (t + 10_000) % MIN === 0)).toBe(true);
    expect(kept.filter((t) => now - t <= 60 * MIN).length).toBe(ticks.filter((t) => now - t <= 60 * MIN).length);
  });

  it('names for each dropped sample the next kept one, newest first', () => {
    const plan = thinPlan(ticks, [], now, p);
    const dropped = new Set(plan.map((x) => x.drop));
    for (const { drop, into } of plan) {
      expect(into).toBeGreaterThan(drop);
      expect(dropped.has(into)).toBe(false);
      expect(ticks.filter((t) => t > drop && t < into).every((t) => dropped.has(t))).toBe(true);
    }
    expect(plan.map((x) => x.drop)).toEqual([...plan.map((x) => x.drop)].sort((a, b) => b - a));
  });

  it('keeps the minutes before an event whole', () => {
    const event = now - 100 * MIN;
    const plan = thinPlan(ticks, [event], now, p);
    const dropped = new Set(plan.map((x) => x.drop));
    const around = ticks.filter((t) => t >= event - 3 * MIN && t <= event);
    expect(around.length).toBe(19);
    expect(around.some((t) => dropped.has(t))).toBe(false);
    expect(ticks.some((t) => t < event - 3 * MIN && dropped.has(t))).toBe(true);
  });

  it('cuts only at a whole frame: past the retention, and the oldest stretch for the size cap', () => {
    const fulls = [now - 700 * MIN, now - 650 * MIN, now - 590 * MIN, now - 10 * MIN];
    expect(expiryCut(fulls, now, p.retainMs)).toBe(now - 650 * MIN);
    expect(expiryCut(fulls.slice(2), now, p.retainMs)).toBeNull();
    expect(oldestStretchCut(fulls)).toBe(now - 650 * MIN);
    expect(oldestStretchCut([now])).toBeNull();
  });

  it('the defaults: every sample for hours, a minute for days, ten minutes after', () => {
    expect(DEFAULT_RETENTION.tiers.map((t) => [t.olderThanMs / 3_600_000, t.everyMs / MIN])).toEqual([
      [6, 1],
      [168, 10],
    ]);
  });
});

describe('the kernel on OOM kills', () => {
  it('reads oom_kill from vmstat, memory.events and memory.oom_control', () => {
    expect(parseOomKillCount('pgfault 5\noom_kill 3\nfoo 1\n')).toBe(3);
    expect(parseOomKillCount('low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\noom_group_kill 0\n')).toBe(2);
    expect(parseOomKillCount('oom_kill_disable 0\nunder_oom 0\noom_kill 1\n')).toBe(1);
    expect(parseOomKillCount('oom_kill_disable 0\n')).toBeNull();
    expect(parseOomKillCount(null)).toBeNull();
  });

  it('reads the victim from both log lines, merged, and makes its name printable', () => {
    const a = parseOomLine(
      '6,2412,9123456,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/pmemstat-t,task_memcg=/pmemstat-t,task=ev\x1bil,name,pid=4242,uid=0',
    );
    const b = parseOomLine('3,2413,9123457,-;Memory cgroup out of memory: Killed process 4242 (ev\x1bil,name) total-vm:50000kB, anon-rss:40960kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:120kB oom_score_adj:0');
    expect(a).toMatchObject({ pid: 4242, memcg: '/pmemstat-t', taskMemcg: '/pmemstat-t' });
    expect(a?.name).not.toContain('\x1b');
    expect(b).toMatchObject({ pid: 4242, anonRssKb: 40960 });
    expect(mergeOomLines([a!, b!])).toEqual([{ pid: 4242, name: a!.name, memcg: '/pmemstat-t', taskMemcg: '/pmemstat-t', anonRssKb: 40960 }]);
    expect(parseOomLine('6,1,2,-;usb 1-1: new device')).toBeNull();
  });
});

describe('times', () => {
  const now = new Date(2026, 11, 4, 21, 0, 0).getTime();
  it('takes ISO 8601 as local time without a zone, and honours a zone', () => {
    expect(parseTime('2026-12-04T03:00', now)).toBe(new Date(2026, 11, 4, 3, 0).getTime());
    expect(parseTime('2026-12-04 03:00:05.250', now)).toBe(new Date(2026, 11, 4, 3, 0, 5, 250).getTime());
    expect(parseTime('2026-12-04', now)).toBe(new Date(2026, 11, 4).getTime());
    expect(parseTime('2026-12-04T03:00Z', now)).toBe(Date.UTC(2026, 11, 4, 3));
    expect(parseTime('2026-12-04T03:00+02:00', now)).toBe(Date.UTC(2026, 11, 4, 1));
    expect(parseTime('-10m', now)).toBe(now - 600_000);
    expect(parseTime('now', now)).toBe(now);
    for (const bad of ['yesterday', '2026-13-01', '2026-12-04T25:00', '12:00', '']) expect(parseTime(bad, now)).toBeNull();
  });
  it('prints local time without a zone that reads back to the same ms', () => {
    const t = new Date(2026, 11, 4, 3, 4, 5, 67).getTime();
    expect(localIso(t)).toBe('2026-12-04T03:04:05.067');
    expect(parseTime(localIso(t), now)).toBe(t);
  });
});

describe('cgroupDirsOf', () => {
  it('gives for one process of each cgroup what groupFigureDirs gives over every process', () => {
    const texts = [
      '0::/system.slice/nginx.service\n',
      '0::/system.slice/nginx.service\n',
      '0::/user.slice/user-1000.slice/session-2.scope\n',
      '0::/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope\n',
      // Hybrid: the unified line names the runtime's service, v1 memory the container.
      '12:memory:/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n1:name=systemd:/system.slice/containerd.service\n0::/system.slice/containerd.service\n',
      '12:memory:/system.slice/containerd.service\n1:name=systemd:/system.slice/containerd.service\n0::/system.slice/containerd.service\n',
      // The same path, one of them in a container only another hierarchy names.
      '1:name=systemd:/docker/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\n0::/shared.slice\n',
      '0::/shared.slice\n',
    ];
    const procs = texts.map((t, i) => ({ ...proc(i + 1, 100), cgroup: procCgroup(t) }));
    const naive = new Map<string, unknown>();
    for (const by of CGROUP_GROUP_BYS) for (const d of groupFigureDirs(procs.map((p) => p.cgroup), by).values()) if (d) naive.set(dirsKey(d), d);
    expect(cgroupDirsOf(procs)).toEqual(naive);
    expect(naive.size).toBeGreaterThan(2);
  });
});
