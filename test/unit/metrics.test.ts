// The exporter's metrics (src/core/metrics.ts) from real Reports: of captured trees read by
// the sampler, and of hand-built samples under the cgroup groupings. Rendered by prom-client
// (src/exporter/exposition.ts) where the text matters.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procCgroup, type CgroupCounters, type FigureDirs } from '../../src/core/cgroup';
import { ageFamily, groupFamilies, OTHER_GROUP, oldestFigureTime, systemFamilies, topGroups, type MetricFamily, type MetricGroupBy } from '../../src/core/metrics';
import { Reporter } from '../../src/core/report';
import type { GroupBy, ProcSample, Report } from '../../src/core/types';
import { renderFamilies } from '../../src/exporter/exposition';
import { Sampler } from '../../src/sampler/sampler';
import { proc, sample } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

const FIX = join(__dirname, '..', '..', 'fixtures');

function reportOf(root: string, groupBy: GroupBy): Report {
  const s = new Sampler({ root, oneShot: true });
  try {
    return new Reporter(reportOptions({ groupBy, riseToTop: false })).report(s.sample());
  } finally {
    s.close();
  }
}

const byName = (fs: MetricFamily[], name: string): MetricFamily => {
  const f = fs.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in ${fs.map((x) => x.name).join(', ')}`);
  return f;
};
const sum = (f: MetricFamily): number => f.samples.reduce((n, s) => n + s.value, 0);

describe('per-group metrics of a captured tree', () => {
  const report = reportOf(join(FIX, 'tree-a'), 'exe');
  const groups = report.rows.length;

  it('exports every group, in bytes, when they fit in --top', () => {
    const fs = groupFamilies({ report, grouping: 'exe', top: 1000, suspects: new Set() });
    const pss = byName(fs, 'pmemstat_group_pss_bytes');
    expect(pss.samples).toHaveLength(groups);
    expect(pss.samples.some((s) => s.labels.group === OTHER_GROUP)).toBe(false);
    const memtest = report.rows.find((r) => r.key === 'memtest');
    expect(memtest).toBeDefined();
    const s = pss.samples.find((x) => x.labels.group === 'memtest');
    expect(s?.value).toBe((memtest!.mem.epss - memtest!.mem.pswap) * 1024);
    expect(byName(fs, 'pmemstat_group_processes').samples.find((x) => x.labels.group === 'memtest')?.value).toBe(memtest!.count);
  });

  it.each([1, 2, 3])('keeps the top %i by Pss and sums the rest into group="other", exactly', (top) => {
    const fs = groupFamilies({ report, grouping: 'exe', top, suspects: new Set() });
    const all = groupFamilies({ report, grouping: 'exe', top: 1000, suspects: new Set() });
    for (const name of ['pmemstat_group_pss_bytes', 'pmemstat_group_uss_bytes', 'pmemstat_group_swap_pss_bytes', 'pmemstat_group_processes']) {
      const f = byName(fs, name);
      expect(f.samples).toHaveLength(top + 1);
      expect(f.samples[top].labels.group).toBe(OTHER_GROUP);
      expect(sum(f)).toBe(sum(byName(all, name)));
    }
    const pss = byName(fs, 'pmemstat_group_pss_bytes').samples.map((s) => s.value);
    const kept = pss.slice(0, top);
    const rest = byName(all, 'pmemstat_group_pss_bytes').samples.map((s) => s.value).sort((a, b) => b - a);
    expect(kept).toEqual(rest.slice(0, top));
    // the total Pss of the system figures is the same sum
    expect(sum(byName(fs, 'pmemstat_group_pss_bytes'))).toBe(byName(systemFamilies(report), 'pmemstat_pss_bytes').samples[0].value);
    // a leak verdict is about one group, never about "other"
    expect(byName(fs, 'pmemstat_group_leak_suspect').samples.map((s) => s.labels.group)).not.toContain(OTHER_GROUP);
  });

  it('never has a pid label, nor a group per process', () => {
    const fs = groupFamilies({ report: reportOf(join(FIX, 'tree-a'), 'cmd'), grouping: 'cmd', top: 5, suspects: new Set() });
    for (const f of fs) for (const s of f.samples) expect(Object.keys(s.labels).sort()).toEqual(['group', 'grouping']);
  });

  it('marks leak suspects 1 and the others 0', () => {
    const fs = groupFamilies({ report, grouping: 'exe', top: 1000, suspects: new Set(['memtest']) });
    const leak = byName(fs, 'pmemstat_group_leak_suspect');
    expect(leak.samples.filter((s) => s.value === 1).map((s) => s.labels.group)).toEqual(['memtest']);
    expect(leak.samples.filter((s) => s.value === 0)).toHaveLength(groups - 1);
  });

  it('drops a group that vanished (its x row) from the next sample', () => {
    const s = new Sampler({ root: join(FIX, 'loop-a', '0'), walkBudgetMs: 0 });
    const reporter = new Reporter(reportOptions({ groupBy: 'pid', riseToTop: false }));
    try {
      const first = reporter.report(s.sample());
      s.setOptions({ root: join(FIX, 'loop-a', '1') });
      const second = reporter.report(s.sample());
      const gone = second.rows.filter((r) => r.type === 'x').map((r) => r.key);
      expect(gone.length).toBeGreaterThan(0);
      expect(first.rows.map((r) => r.key)).toEqual(expect.arrayContaining(gone));
      // -g pid is refused by the exporter; the rows' keys stand in for any grouping here
      const exported = groupFamilies({ report: second, grouping: 'cmd', top: 1000, suspects: new Set() });
      const keys = byName(exported, 'pmemstat_group_pss_bytes').samples.map((x) => x.labels.group);
      for (const k of gone) expect(keys).not.toContain(k);
      expect(keys).toHaveLength(second.rows.length - gone.length);
    } finally {
      s.close();
    }
  });
});

describe('the cgroup groupings', () => {
  const POD = '1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90';
  const CID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const K8S = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD.replace(/-/g, '_')}.slice/cri-containerd-${CID}.scope\n`;
  const at = (p: ProcSample, text: string): ProcSample => ({ ...p, cgroup: procCgroup(text) });
  const procs = [
    at(proc(10, 'java', 300_000, 'java', 0, { epss: 300_000 }), K8S),
    at(proc(11, 'java', 100_000, 'java', 0, { epss: 100_000 }), K8S),
    at(proc(20, 'nginx', 50_000, 'nginx', 0, { epss: 50_000 }), '0::/system.slice/nginx.service\n'),
    at(proc(30, 'bash', 4_000, 'bash', 0, { epss: 4_000 }), '0::/user.slice/user-0.slice/session-1.scope\n'),
  ];
  const counters = (dir: string): CgroupCounters =>
    dir.includes('cri-containerd')
      ? { current: 450_000, limit: 512_000, peak: 470_000, swap: 0, pressure: 0 }
      : dir.endsWith('nginx.service')
        ? { current: 40_000, limit: null, peak: null, swap: null, pressure: null } // less than its Pss: page cache dropped, shared pages
        : { current: null, limit: null, peak: null, swap: null, pressure: null };
  const reportBy = (g: MetricGroupBy): Report =>
    new Reporter(reportOptions({ groupBy: g, riseToTop: false }), (w: FigureDirs) => counters(w.dir)).report(sample(procs));

  it('labels a Kubernetes container with its full container id and pod uid', () => {
    const fs = groupFamilies({ report: reportBy('container'), grouping: 'container', top: 10, suspects: new Set() });
    const pss = byName(fs, 'pmemstat_group_pss_bytes').samples;
    const k8s = pss.find((s) => s.labels.container_id === CID);
    expect(k8s?.labels).toEqual({ grouping: 'container', group: `k8s:${CID.slice(0, 12)}`, container_id: CID, pod_uid: POD });
    expect(k8s?.value).toBe(400_000 * 1024);
    expect(pss.find((s) => s.labels.group === 'host')?.labels).toEqual({ grouping: 'container', group: 'host', container_id: '', pod_uid: '' });
  });

  it("exports the kernel's usage, limit, peak and the usage no Pss accounts for", () => {
    const fs = groupFamilies({ report: reportBy('unit'), grouping: 'unit', top: 10, suspects: new Set() });
    const v = (name: string, group: string): number | undefined => byName(fs, name).samples.find((s) => s.labels.group.includes(group))?.value;
    expect(v('pmemstat_group_cgroup_usage_bytes', 'cri-containerd')).toBe(450_000 * 1024);
    expect(v('pmemstat_group_cgroup_limit_bytes', 'cri-containerd')).toBe(512_000 * 1024);
    expect(v('pmemstat_group_cgroup_peak_bytes', 'cri-containerd')).toBe(470_000 * 1024);
    expect(v('pmemstat_group_cgroup_unaccounted_bytes', 'cri-containerd')).toBe(50_000 * 1024);
    // no limit, no peak: absent, not 0; usage below Pss: 0 unaccounted, not negative
    expect(v('pmemstat_group_cgroup_limit_bytes', 'nginx')).toBeUndefined();
    expect(v('pmemstat_group_cgroup_peak_bytes', 'nginx')).toBeUndefined();
    expect(v('pmemstat_group_cgroup_unaccounted_bytes', 'nginx')).toBe(0);
    // a group without a memory cgroup has no kernel figures at all
    expect(v('pmemstat_group_cgroup_usage_bytes', 'session-1')).toBeUndefined();
  });

  it('has no kernel figures under the process groupings', () => {
    const fs = groupFamilies({ report: reportBy('exe'), grouping: 'exe', top: 10, suspects: new Set() });
    expect(fs.map((f) => f.name).filter((n) => n.includes('cgroup'))).toEqual([]);
  });
});

describe('ages and the rendering', () => {
  it('takes the oldest figure from rows the walk budget left for later', () => {
    const report = reportOf(join(FIX, 'tree-a'), 'exe');
    expect(oldestFigureTime(report)).toBe(report.leader.time);
    const older = { ...report, rows: report.rows.map((r, i) => (i === 1 ? { ...r, asOf: report.leader.time - 42_000 } : r)) };
    expect(oldestFigureTime(older)).toBe(report.leader.time - 42_000);
    expect(ageFamily(oldestFigureTime(older), report.leader.time + 3_000).samples[0].value).toBe(45);
  });

  it('renders Prometheus text with escaped label values', async () => {
    const rows = [proc(1, 'evil"name\\with\nnewline', 1000, 'x', 0, { epss: 1000 })];
    const report = new Reporter(reportOptions({ riseToTop: false })).report(sample(rows));
    const text = await renderFamilies(groupFamilies({ report, grouping: 'exe', top: 5, suspects: new Set() }));
    expect(text).toContain('pmemstat_group_pss_bytes{grouping="exe",group="evil\\"name\\\\with\\nnewline"} 1024000\n');
  });

  it('tells a group named "other" from the sum of the rest', () => {
    const rows = ['a', 'b', 'other'].map((n, i) => proc(i + 1, n, 1000 * (3 - i), n, 0, { epss: 1000 * (3 - i) }));
    const report = new Reporter(reportOptions({ riseToTop: false })).report(sample(rows));
    expect(topGroups(report.rows, 1).other?.count).toBe(2);
    const labels = byName(groupFamilies({ report, grouping: 'exe', top: 5, suspects: new Set() }), 'pmemstat_group_pss_bytes').samples.map((s) => s.labels.group);
    expect(labels).toEqual(['a', 'b', 'other (a group)']);
  });
});
