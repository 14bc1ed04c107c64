// The cgroup figures, the oom column and system pressure through every path a column takes:
// the Reporter (pure, with the /sys reader as its boundary), the helper's wire, a snapshot file,
// Compare and the CLI's text.
import { describe, expect, it } from 'vitest';
import { procCgroup, type CgroupCounters, type FigureDirs } from '../../src/core/cgroup';
import { compareReports, compareText } from '../../src/core/compare';
import { headerLine, leaderLines, rowLine, type FormatOptions } from '../../src/core/format';
import { Reporter, UNKNOWN_CGROUP } from '../../src/core/report';
import type { GroupBy, ProcSample, Report } from '../../src/core/types';
import { fromWireReport, parseReply, toWireReport } from '../../src/shared/protocol';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/options';
import { parseSnapshot, snapshotJson } from '../../src/shared/snapshot';
import { proc, sample } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

const at = (p: ProcSample, text: string, oom?: number): ProcSample => ({ ...p, cgroup: procCgroup(text), ...(oom === undefined ? {} : { oom }) });
const DOCKER = '3f1e2d4c5b6a79880f1e2d3c4b5a69788f9e0d1c2b3a49586f7e8d9c0b1a2934';

function procs(): ProcSample[] {
  return [
    at(proc(100, 'nginx', 40_000), '0::/system.slice/nginx.service\n', 10),
    at(proc(101, 'nginx', 30_000), '0::/system.slice/nginx.service\n', 12),
    at(proc(200, 'node', 300_000), `0::/system.slice/docker-${DOCKER}.scope\n`, 40),
    at(proc(300, 'bash', 5_000), '0::/user.slice/user-1000.slice/session-3.scope\n', 0),
    proc(400, 'captured', 1_000), // from a tree without /proc/PID/cgroup
  ];
}

const SYS: Record<string, CgroupCounters> = {
  '/system.slice/nginx.service': { current: 95 * 1024, limit: 100 * 1024, peak: 99 * 1024, swap: 0, pressure: 1.5 },
  [`/system.slice/docker-${DOCKER}.scope`]: { current: 500 * 1024, limit: null, peak: null, swap: null, pressure: null },
  '/user.slice/user-1000.slice/session-3.scope': { current: 6 * 1024, limit: null, peak: 7 * 1024, swap: 0, pressure: 0 },
};
const reads: FigureDirs[] = [];
const read = (w: FigureDirs): CgroupCounters => {
  reads.push(w);
  return SYS[w.dir] ?? { current: null, limit: null, peak: null, swap: null, pressure: null };
};

function report(groupBy: GroupBy, list = procs()): Report {
  return new Reporter(reportOptions({ groupBy, riseToTop: false }), read).report(
    sample(list, { pressure: { some: 2.5, full: 0.25 } }),
  );
}

describe('the Reporter grouping by cgroup', () => {
  it.each([
    ['unit', ['docker-' + DOCKER + '.scope', 'nginx.service', 'session-3.scope', UNKNOWN_CGROUP]],
    ['container', ['docker:3f1e2d4c5b6a', 'host', UNKNOWN_CGROUP]],
    ['cgroup', [`/system.slice/docker-${DOCKER}.scope`, '/system.slice/nginx.service', '/user.slice/user-1000.slice/session-3.scope', UNKNOWN_CGROUP]],
  ] as const)('-g %s keys', (by, keys) => {
    expect(report(by).rows.map((r) => r.key)).toEqual(keys);
  });

  it('reads the kernel figures per group only when grouping by cgroup, and a group of many cgroups has none', () => {
    reads.length = 0;
    report('exe');
    expect(reads).toEqual([]);
    const r = report('container');
    // host is many cgroups: no one figure fits it.
    expect(r.rows.find((x) => x.key === 'host')?.kernel).toBeUndefined();
    expect(r.rows.find((x) => x.key === 'docker:3f1e2d4c5b6a')?.kernel?.current).toBe(500 * 1024);
    const u = report('unit').rows.find((x) => x.key === 'nginx.service');
    expect(u?.kernel).toEqual({ dir: '/system.slice/nginx.service', current: 97280, limit: 102400, peak: 101376, swap: 0, pressure: 1.5, nearLimit: true });
    expect(u?.oom).toBe(12);
    expect(u?.members.map((m) => m.oom)).toEqual([10, 12]);
  });

  it('puts system pressure in the leader', () => {
    expect(report('exe').leader.pressure).toEqual({ some: 2.5, full: 0.25 });
  });
});

describe('the wire, a snapshot and Compare', () => {
  it('carry the kernel figures, oom and pressure', () => {
    const r = report('unit');
    const parsed = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: toWireReport(r), ms: 1 }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.reply.type !== 'sample') return;
    expect(fromWireReport(parsed.reply.report)).toEqual(r);
    const snap = parseSnapshot(snapshotJson(r, { mode: 'root', settings: DEFAULT_PANEL_SETTINGS, version: '0.1.0' }));
    expect(snap.ok && snap.snapshot.report).toEqual(r);
  });

  it('refuses a malformed kernel figure or oom on the wire', () => {
    const w = toWireReport(report('unit'));
    const bad = structuredClone(w);
    (bad.rows[0] as unknown as { kernel: unknown }).kernel = { dir: '/x', current: 'lots' };
    const p = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: bad, ms: 1 }));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(/kernel/);
    const badOom = structuredClone(w);
    (badOom.rows[0].members[0] as unknown[]).push('high');
    const q = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: badOom, ms: 1 }));
    expect(q.ok).toBe(false);
    if (!q.ok) expect(q.message).toMatch(/oom/);
  });

  it('Compare shows the cgroup\u2019s usage then and now', () => {
    const base = report('unit');
    const grown = procs();
    grown[0] = { ...grown[0], mem: { ...grown[0].mem, data: 90_000, ptotal: 90_000 } };
    const text = compareText(compareReports(base, report('unit', grown), 1000), { units: 'MB', heading: [], notes: [] });
    expect(text).toMatch(/nginx\.service {2}\(cgroup 95 -> 95\)$/m);
  });
});

describe('the CLI text', () => {
  const f: FormatOptions = { units: 'MB', detail: false, showCpu: false, numbers: false, groupBy: 'unit', showOom: true };
  it('adds the oom column, the kernel figures after the info, and limit? near the limit', () => {
    const r = report('unit');
    expect(headerLine(f)).toMatch(/ptotal {3}oom {5}type/);
    const nginx = r.rows.find((x) => x.key === 'nginx.service')!;
    expect(rowLine(nginx, f)).toMatch(/ {4}12 +A +2x nginx\.service {2}cg=95\.0M\/100\.0M\(95%\) peak=99\.0M swap=0 psi=1\.50 limit\?$/);
    const docker = r.rows.find((x) => x.key.startsWith('docker-'))!;
    expect(rowLine(docker, f)).toMatch(/ cg=500\.0M$/);
    expect(leaderLines(r.leader, false)[0]).toMatch(/ PSI some=2\.50% full=0\.25%$/);
  });
});
