// The Prometheus metrics of one Report (docs/exporter.md): names, labels and values, pure.
// The exporter (src/exporter/) renders them with prom-client. Base units (bytes, seconds,
// ratios), one quantity per metric, bounded cardinality: the top N groups by PSS and one
// group "other" holding the rest, so that sums over `group` stay exact. Never a pid label.
import { containerIdOf, type CgroupFigures } from './cgroup';
import { figure, FIGURES, isMemFigure, memFigure } from './figures';
import { addMem, zeroMem, type GroupBy, type GroupRow, type Mem, type Report } from './types';

export type Labels = Record<string, string>;

export interface MetricSample {
  labels: Labels;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: MetricSample[];
}

/** The group that holds every group beyond the top N. */
export const OTHER_GROUP = 'other';
/** The groupings the exporter accepts: `pid` would be a series per process. */
export const METRIC_GROUP_BYS = ['exe', 'cmd', 'unit', 'container', 'cgroup'] as const satisfies readonly GroupBy[];
export type MetricGroupBy = (typeof METRIC_GROUP_BYS)[number];
export const DEFAULT_METRICS_TOP = 50;

const KB = 1024;

/** The sampling work done so far: the exporter's own counters. */
export interface SamplingCounters {
  samples: number;
  sampleSeconds: number;
  /** Processes whose page tables were walked (smaps_rollup or smaps read). */
  walks: number;
  /** What those walks took (summed over the threads that did them). */
  walkSeconds: number;
  lastSampleSeconds: number;
}

/** Everything the metrics of one sample are made of. */
export interface MetricsInput {
  report: Report;
  grouping: MetricGroupBy;
  top: number;
  /** Keys of the groups judged leak suspects. */
  suspects: ReadonlySet<string>;
}

/** The container id and pod uid of a container group, from its cgroup directory (empty when not known). */
export function containerLabels(kernel: CgroupFigures | undefined): { container_id: string; pod_uid: string } {
  const c = kernel ? containerIdOf(kernel.dir) : null;
  if (!c) return { container_id: '', pod_uid: '' };
  // A pod-level group (pause container, pod cgroup itself) has the pod's uid for id.
  return { container_id: c.pod !== null && c.id === c.pod ? '' : c.id, pod_uid: c.pod ?? '' };
}

/** Pss alone (the registry's `pss`, src/core/figures.ts). */
const pssKb = (m: Mem): number => memFigure(m, 'pss');

/** The memory figures the registry exports per group (Pss, USS, SwapPss). */
const MEMORY_METRICS = FIGURES.flatMap((f) => (f.metric !== null && isMemFigure(f) ? [{ key: f.key, metric: f.metric }] : []));

/**
 * The top `n` live groups by PSS (ties by key, so the set is stable), and the rest summed into
 * one row keyed OTHER_GROUP (null when nothing is left over). Vanished (`x`) rows are not groups.
 */
export function topGroups(rows: readonly GroupRow[], n: number): { top: GroupRow[]; other: GroupRow | null } {
  const live = rows.filter((r) => r.type !== 'x' && r.type !== 'T' && r.type !== 'O');
  live.sort((a, b) => pssKb(b.mem) - pssKb(a.mem) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const top = live.slice(0, Math.max(0, n));
  const rest = live.slice(top.length);
  if (rest.length === 0) return { top, other: null };
  const mem = zeroMem();
  let count = 0;
  for (const r of rest) {
    addMem(mem, r.mem);
    count += r.count;
  }
  return { top, other: { key: OTHER_GROUP, info: OTHER_GROUP, type: '', delta: 0, mem, cpu: 0, count, pid: null, members: [] } };
}

function family(name: string, help: string, samples: MetricSample[], type: 'gauge' | 'counter' = 'gauge'): MetricFamily {
  return { name, help, type, samples };
}

/** A group named `other` by a user's program would be summed with the real other: it gets a mark. */
function groupLabel(key: string): string {
  return key === OTHER_GROUP ? `${OTHER_GROUP} (a group)` : key;
}

/** The per-group metrics: top N by PSS plus `other`. */
export function groupFamilies(inp: MetricsInput): MetricFamily[] {
  const { top, other } = topGroups(inp.report.rows, inp.top);
  const rows = other ? [...top, other] : top;
  const isContainer = inp.grouping === 'container';
  const labelsOf = (r: GroupRow): Labels => {
    const l: Labels = { grouping: inp.grouping, group: r === other ? OTHER_GROUP : groupLabel(r.key) };
    if (isContainer) Object.assign(l, r === other ? { container_id: '', pod_uid: '' } : containerLabels(r.kernel));
    return l;
  };
  const labels = rows.map(labelsOf);
  const each = (f: (r: GroupRow) => number): MetricSample[] => rows.map((r, i) => ({ labels: labels[i], value: f(r) }));
  const out = [
    ...MEMORY_METRICS.map((f) => family(f.metric.name, f.metric.help, each((r) => memFigure(r.mem, f.key) * KB))),
    family('pmemstat_group_processes', 'Processes in a group.', each((r) => r.count)),
    family(
      'pmemstat_group_leak_suspect',
      'Whether the processes present throughout the leak window kept growing (1) or not (0).',
      top.map((r, i) => ({ labels: labels[i], value: inp.suspects.has(r.key) ? 1 : 0 })),
    ),
  ];
  const withKernel = top.map((r, i) => ({ k: r.kernel, labels: labels[i], pss: pssKb(r.mem) })).filter((x): x is { k: CgroupFigures; labels: Labels; pss: number } => x.k !== undefined);
  if (withKernel.length > 0) {
    const kern = (f: (k: CgroupFigures, pss: number) => number | null): MetricSample[] =>
      withKernel.flatMap((x) => {
        const v = f(x.k, x.pss);
        return v === null ? [] : [{ labels: x.labels, value: v * KB }];
      });
    out.push(
      family(USAGE.name, USAGE.help, kern((k) => k.current)),
      family('pmemstat_group_cgroup_limit_bytes', "The memory limit of the group's cgroup (absent when it has none).", kern((k) => k.limit)),
      family('pmemstat_group_cgroup_peak_bytes', "The peak memory usage of the group's cgroup (absent where the kernel does not keep it).", kern((k) => k.peak)),
      family(
        'pmemstat_group_cgroup_unaccounted_bytes',
        "The part of the cgroup's usage that no process's Pss accounts for (page cache, kernel memory, tmpfs), not below 0.",
        kern((k, pss) => Math.max(0, k.current - pss)),
      ),
    );
  }
  return out;
}

/** The cgroup figure's gauge: the kernel's usage. */
const USAGE = figure('cgroup').metric;

/** When the oldest figure of the report was read (ms epoch): figures left for later by the walk budget carry their time. */
export function oldestFigureTime(report: Report): number {
  let t = report.leader.time;
  for (const r of report.rows) if (r.type !== 'x' && r.asOf !== undefined && r.asOf < t) t = r.asOf;
  return t;
}

/** The machine-wide metrics of a report (the leader's figures). */
export function systemFamilies(report: Report): MetricFamily[] {
  const l = report.leader;
  const one = (value: number): MetricSample[] => [{ labels: {}, value }];
  const out = [
    family('pmemstat_memory_total_bytes', 'MemTotal of /proc/meminfo.', one(l.memTotal * KB)),
    family('pmemstat_memory_used_bytes', 'Used memory: MemTotal - MemAvailable.', one(l.used * KB)),
    family('pmemstat_memory_available_bytes', 'MemAvailable of /proc/meminfo.', one(l.avail * KB)),
    family('pmemstat_pss_bytes', 'Pss of every process read.', one(pssKb(report.total.mem) * KB)),
    family(
      'pmemstat_unaccounted_bytes',
      'Used memory no process Pss and no unmapped shared memory accounts for (kernel, page tables, slab, unreadable processes).',
      one((l.oth ?? 0) * KB),
    ),
    family('pmemstat_shmem_unmapped_bytes', 'Shared memory (tmpfs, /dev/shm, SysV) that no process read maps.', one(l.shTmp * KB)),
    family('pmemstat_processes', 'User processes on the machine.', one(l.pidsTotal)),
    family('pmemstat_processes_inaccessible', 'User processes whose memory could not be read (permissions).', one(l.inaccessible)),
    family('pmemstat_stale_processes', 'Processes whose figures are from an earlier sample (left for later by the walk budget).', one(l.stale ?? 0)),
  ];
  if (l.pressure) {
    out.push(family('pmemstat_memory_pressure_some_ratio', 'Share of time some task stalled on memory (PSI some avg10).', one(l.pressure.some / 100)));
    if (l.pressure.full !== null) {
      out.push(family('pmemstat_memory_pressure_full_ratio', 'Share of time all non-idle tasks stalled on memory (PSI full avg10).', one(l.pressure.full / 100)));
    }
  }
  return out;
}

/** The exporter's own work: samples and page-table walks. */
export function samplingFamilies(c: SamplingCounters, sampleTime: number): MetricFamily[] {
  const one = (value: number): MetricSample[] => [{ labels: {}, value }];
  return [
    family('pmemstat_samples_total', 'Samples taken (in the background, never by a scrape).', one(c.samples), 'counter'),
    family('pmemstat_sample_duration_seconds_total', 'Time spent taking samples.', one(c.sampleSeconds), 'counter'),
    family('pmemstat_page_table_walks_total', 'Processes whose page tables were walked (smaps_rollup or smaps read).', one(c.walks), 'counter'),
    family('pmemstat_page_table_walk_duration_seconds_total', 'Time spent walking page tables (summed over the threads that walked).', one(c.walkSeconds), 'counter'),
    family('pmemstat_last_sample_duration_seconds', 'How long the last sample took.', one(c.lastSampleSeconds)),
    family('pmemstat_last_sample_timestamp_seconds', 'When the last sample was taken (Unix time).', one(sampleTime / 1000)),
  ];
}

/** How old the oldest figure served is at `now` (seconds): the time since the last sample, or more for figures it kept. */
export function ageFamily(oldest: number, now: number): MetricFamily {
  return family('pmemstat_oldest_figure_age_seconds', 'Age of the oldest figure served (since its page tables were walked).', [
    { labels: {}, value: Math.max(0, now - oldest) / 1000 },
  ]);
}

export function buildInfoFamily(version: string, node: string): MetricFamily {
  return family('pmemstat_build_info', 'The pmemstat exporter running: its version and Node.js runtime.', [{ labels: { version, nodejs: node }, value: 1 }]);
}
