// Where a cgroup's memory goes: memory.stat (v2 and v1), events and limits parsed from captured
// trees, the waterfall adding up to the usage, the events counted from the view's start, and the
// way out through the CLI (`--cgroup`, `--json`), the wire and the schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EventBaselines,
  eventChanges,
  OomWatch,
  oomKillText,
  parseMemoryEvents,
  parseMemoryStatV1,
  parseMemoryStatV2,
  parseV1Events,
  PART_KEYS,
  waterfall,
  type CgroupParts,
} from '../../src/core/cgroupMemory';
import { cgroupMounts, locateCgroup, readCgroupCounters } from '../../src/proc/cgroupfs';
import { runCli } from '../../src/cli/cli';
import { parseCliArgs, UsageError } from '../../src/cli/cliargs';
import { fromWireReport, parseReply, toWireReport } from '../../src/shared/protocol';
import type { Report } from '../../src/core/types';

const FIX = join(__dirname, '..', '..', 'fixtures', 'cgroup');
const V1 = join(FIX, 'waterfall-v1');
const V2 = join(FIX, 'waterfall-v2');
const V1_DIR = join(V1, 'sys/fs/cgroup/memory/wf-v1');
const V2_DIR = join(V2, 'sys/fs/cgroup/system.slice/app.service');
const read = (p: string) => readFileSync(p, 'utf8');
const sum = (p: CgroupParts) => PART_KEYS.reduce((n, k) => n + p[k], 0);
const MB = 1024;

async function cli(args: string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runCli(['-W', '-U', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { status, out, err };
}

describe('memory.stat', () => {
  it('v1: cache, rss, mapped_file, shmem are read in their total_ forms (the group and its descendants), kmem from its own file', () => {
    const s = parseMemoryStatV1(read(join(V1_DIR, 'memory.stat')), read(join(V1_DIR, 'memory.kmem.usage_in_bytes')));
    // The capture: 2 × 50 MB anon (plus python's own), 64 MB on /dev/shm, 80 MB read.
    expect(s).toEqual({ file: 147460, fileMapped: 0, shmem: 64 * MB, anon: 116336, kernel: 584 });
    // The plain lines count only the group itself: a parent with all its pages in a child.
    const parent = 'cache 0\nrss 4096\nshmem 0\nmapped_file 0\ntotal_cache 8192\ntotal_rss 12288\ntotal_shmem 4096\ntotal_mapped_file 4096\n';
    expect(parseMemoryStatV1(parent, null)).toEqual({ file: 8, fileMapped: 4, shmem: 4, anon: 12, kernel: null });
    // A kernel before total_ existed, or a flat v1: the plain lines.
    expect(parseMemoryStatV1('cache 8192\nrss 4096\nshmem 0\nmapped_file 4096\n', 'junk')).toEqual({ file: 8, fileMapped: 4, shmem: 0, anon: 4, kernel: null });
  });

  it('v2: kernel is the kernel line plus sock; without a kernel line (before 5.18) its parts', () => {
    const s = parseMemoryStatV2(read(join(V2_DIR, 'memory.stat')));
    expect(s).toEqual({ file: 147460, fileMapped: 0, shmem: 64 * MB, anon: 116336, kernel: Math.floor((1431904 + 4096) / 1024) });
    const old = 'anon 4096\nfile 8192\nfile_mapped 0\nshmem 0\nslab 4096\nkernel_stack 8192\npagetables 4096\npercpu 2048\nsock 2048\n';
    expect(parseMemoryStatV2(old)?.kernel).toBe(20);
    expect(parseMemoryStatV2('anon 4096\nfile 8192\nfile_mapped 0\nshmem 0\n')?.kernel).toBeNull();
  });

  it('absent, truncated or malformed: no stat, nothing made up', () => {
    expect(parseMemoryStatV2(null)).toBeNull();
    expect(parseMemoryStatV1(null, '4096')).toBeNull();
    expect(parseMemoryStatV2('anon 4096\nfile 8192\nshmem 0\n')).toBeNull(); // no file_mapped
    expect(parseMemoryStatV2('anon 4096\nfile lots\nfile_mapped 0\nshmem 0\n')).toBeNull();
    expect(parseMemoryStatV1('total_cache 99999999999999999999999\ntotal_rss 0\ntotal_shmem 0\ntotal_mapped_file 0\n', null)).toBeNull();
  });
});

describe('the waterfall', () => {
  it('on the captured v1 group: 80 MB of page cache and 64 MB of shmem where they belong, the parts adding up to the usage', () => {
    const m = cgroupMounts(V1);
    const where = locateCgroup(m, '/wf-v1');
    expect(where).toEqual({ dir: '/wf-v1', v1: true, memory: '/wf-v1' });
    const c = readCgroupCounters(m, where!);
    const current = Math.floor(Number(read(join(V1_DIR, 'memory.usage_in_bytes'))) / 1024);
    expect(c.current).toBe(current);
    // The members' Pss as their smaps_rollup says (two python3 holding 50 MB each).
    const pss = [13264, 15108].reduce((n, pid) => n + Number(/^Pss:\s+(\d+)/m.exec(read(join(V1, 'proc', String(pid), 'smaps_rollup')))![1]), 0);
    const parts = waterfall(c.current!, c.stat!, { pss, pssShmem: 0 });
    expect(sum(parts)).toBe(current);
    expect(parts).toMatchObject({ pss, pageCache: 80 * MB + 4, shmem: 64 * MB, kernel: 584 });
    // python3's own file pages are charged to the cgroup that read them first (the root): they
    // are in the members' PSS but not in this usage, so the rest is below 0 by about as much.
    expect(parts.rest).toBeLessThan(0);
    expect(Math.abs(parts.rest + 4815)).toBeLessThan(1024);
  });

  it('shared memory and files a member maps are in its PSS and in neither shmem nor page cache', () => {
    // 16 MB of a file and 8 MB of /dev/shm mapped by the only member; 64 MB of tmpfs and 80 MB of cache nobody maps.
    const stat = { anon: 50 * MB, file: (16 + 8 + 64 + 80) * MB, fileMapped: 24 * MB, shmem: 72 * MB, kernel: 2 * MB };
    const current = (50 + 16 + 8 + 64 + 80 + 2) * MB;
    const parts = waterfall(current, stat, { pss: (50 + 16 + 8) * MB, pssShmem: 8 * MB });
    expect(parts).toEqual({ pss: 74 * MB, pageCache: 80 * MB, shmem: 64 * MB, kernel: 2 * MB, rest: 0 });
    // No kernel figure: it falls into the rest, which still closes the sum.
    const noKernel = waterfall(current, { ...stat, kernel: null }, { pss: 74 * MB, pssShmem: 8 * MB });
    expect(noKernel.rest).toBe(2 * MB);
    expect(sum(noKernel)).toBe(current);
  });

  it('on the pure-v2 tree: limits, events and parts from the v2 files', () => {
    const m = cgroupMounts(V2);
    expect(m).toEqual({ unified: join(V2, 'sys/fs/cgroup'), memory: null });
    const c = readCgroupCounters(m, locateCgroup(m, '/system.slice/app.service')!);
    expect(c.limits).toEqual({ min: 0, low: 64 * MB, high: null, max: 512 * MB, swapMax: null });
    expect(c.events).toEqual({ low: 0, high: 0, max: 7, oom: 2, oomKill: 2 });
    expect(c.limit).toBe(512 * MB);
    const parts = waterfall(c.current!, c.stat!, { pss: 121151, pssShmem: 0 });
    expect(sum(parts)).toBe(c.current);
    expect(parts.kernel).toBe(1402);
  });

  it('a v2 group with only memory.current (older kernel, or files not readable): figures without parts, events or stat', () => {
    const root = join(FIX, 'v2-root');
    const m = cgroupMounts(root);
    const c = readCgroupCounters(m, locateCgroup(m, '/system.slice/web.service')!);
    expect(c.current).toBe(102400);
    expect(c.stat).toBeNull();
    expect(c.events).toBeNull();
    expect(c.limits).toEqual({ max: 112640 }); // the only limit file this tree has
    expect(locateCgroup(m, '/system.slice/nothing.service')).toBeNull();
  });
});

describe('events', () => {
  it('v1: failcnt is max, oom_control\u2019s oom_kill the kills; the rest the kernel does not count', () => {
    expect(parseV1Events(read(join(V1_DIR, 'memory.oom_control')), read(join(V1_DIR, 'memory.failcnt')))).toEqual({
      low: null,
      high: null,
      max: 0,
      oom: null,
      oomKill: 0,
    });
    expect(parseV1Events('oom_kill_disable 0\nunder_oom 0\n', null)).toMatchObject({ max: null, oomKill: null }); // before 4.13
    expect(parseV1Events(null, null)).toBeNull();
    expect(parseV1Events(null, '99999999999999999999\n')).toMatchObject({ max: null });
    expect(parseMemoryEvents(null)).toBeNull();
    expect(parseMemoryEvents('low 1\nbogus\noom_kill 3\n')).toEqual({ low: 1, high: null, max: null, oom: null, oomKill: 3 });
    // A counter no number holds exactly is left out, not passed on to be refused with the whole report.
    expect(parseMemoryEvents('max 99999999999999999999\noom_kill 1\n')).toMatchObject({ max: null, oomKill: 1 });
  });

  it('count from the view\u2019s first sight of the group; a reset counter counts from 0', () => {
    const b = new EventBaselines();
    const at = (max: number, oomKill: number) => ({ low: 0, high: null, max, oom: oomKill, oomKill });
    expect(b.changes('/g', at(5, 2))).toEqual({ low: 0, high: null, max: 0, oom: 0, oomKill: 0 });
    expect(b.changes('/g', at(9, 3))).toEqual({ low: 0, high: null, max: 4, oom: 1, oomKill: 1 });
    expect(b.changes('/other', at(9, 3)).oomKill).toBe(0);
    expect(eventChanges(at(9, 3), at(1, 1))).toMatchObject({ max: 1, oomKill: 1 }); // the cgroup was made again
    b.clear();
    expect(b.changes('/g', at(9, 3)).oomKill).toBe(0);
  });

  it('an OOM kill is news once, when first seen', () => {
    const w = new OomWatch();
    const row = (n: number | null) => ({ key: '/g', info: '/g', kernel: { events: { low: null, high: null, max: null, oom: null, oomKill: n } } });
    expect(w.update([row(0)])).toEqual([]);
    const news = w.update([row(2)]);
    expect(news).toEqual([{ key: '/g', info: '/g', added: 2, total: 2 }]);
    expect(oomKillText(news[0])).toBe('OOM kill in /g: 2 processes were killed (2 since the view started)');
    expect(w.update([row(2)])).toEqual([]);
    expect(w.update([row(null), { key: '/h', info: '/h' }])).toEqual([]);
    expect(w.update([row(3)]).map(oomKillText)).toEqual(['OOM kill in /g: a process was killed (3 since the view started)']);
  });
});

describe('out through the CLI, the wire and the schema', () => {
  it('--cgroup PATH prints the waterfall, the limits and the events of a captured tree', async () => {
    const r = await cli(['--root', V2, '--cgroup', '/system.slice/app.service']);
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('cgroup /system.slice/app.service (cgroup v2): 2 processes read');
    expect(r.out.slice(1, 7).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['usage', 'pss', 'page cache', 'shmem', 'kernel', 'rest']);
    expect(r.out).toContain('limits: min=0 low=64.0M high=max max=512.0M swap.max=max');
    expect(r.out).toContain('events since the cgroup was made: low=0 high=0 max=7 oom=2 oom_kill=2');
    // v1 has no min or high: they are left out, not shown as no limit.
    const v1 = await cli(['--root', V1, '--cgroup', '/wf-v1']);
    expect(v1.out).toContain('limits: low=max max=max swap.max=max');
    const j = await cli(['--root', V1, '--cgroup', '/wf-v1', '--json']);
    const doc = JSON.parse(j.out[0]) as { v1: boolean; members: { pss: number }[]; kernel: { current: number; parts: CgroupParts } };
    expect(doc.v1).toBe(true);
    expect(doc.members.length).toBe(2);
    expect(sum(doc.kernel.parts)).toBe(doc.kernel.current);
    expect(doc.kernel.parts.pss).toBe(doc.members.reduce((n, m) => n + m.pss, 0));
  });

  it('--cgroup refuses a path that is no memory cgroup, or that climbs out of the mount', async () => {
    const r = await cli(['--root', V2, '--cgroup', '/system.slice/none.service']);
    expect(r.status).toBe(2);
    expect(r.err[0]).toMatch(/--cgroup \/system\.slice\/none\.service: no memory cgroup there/);
    for (const bad of ['system.slice', '/../../etc', '/a/./b']) expect(() => parseCliArgs(['--cgroup', bad])).toThrow(UsageError);
  });

  it('-g unit --json gives each cgroup group parts and events; they cross the wire and a bad one is refused', async () => {
    const r = await cli(['--root', V2, '-g', 'unit', '--json']);
    const rep = JSON.parse(r.out[0]) as Report;
    const k = rep.rows[0].kernel!;
    expect(rep.rows[0].key).toBe('app.service');
    expect(sum(k.parts!)).toBe(k.current);
    expect(k.events).toEqual({ low: 0, high: 0, max: 0, oom: 0, oomKill: 0 }); // since the view started
    expect(k.eventsTotal).toMatchObject({ max: 7, oomKill: 2 });
    const wire = toWireReport(rep);
    const ok = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: wire, ms: 1 }));
    expect(ok.ok && fromWireReport(ok.reply.type === 'sample' ? ok.reply.report : wire).rows[0].kernel).toEqual(k);
    const bad = structuredClone(wire);
    (bad.rows[0] as unknown as { kernel: { parts: unknown } }).kernel.parts = { pss: 'all' };
    const p = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: bad, ms: 1 }));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(/parts/);
  });
});
