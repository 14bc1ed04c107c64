// Where the exporter's reports come from: one background sample per tick, grouped, with the
// leak verdicts of its groups. The exporter never samples on a scrape; it only calls tick().
import { History, historyCapacity } from '../core/history';
import { LeakTracker } from '../core/leaks';
import type { MetricGroupBy } from '../core/metrics';
import { Reporter } from '../core/report';
import { isCgroupGrouping, type Report } from '../core/types';
import { cgroupReader } from '../proc/cgroupfs';
import { Sampler } from '../sampler/sampler';

/** One tick's result. */
export interface Frame {
  report: Report;
  grouping: MetricGroupBy;
  /** Keys of the groups judged leak suspects. */
  suspects: ReadonlySet<string>;
  /** Processes whose page tables this tick walked, and what that took (ms). */
  walked: number;
  walkMs: number;
}

/** Processes whose history the leak verdicts follow. */
export const EXPORTER_HISTORY_PROCS = 50_000;

export interface ReportSource {
  tick(): Promise<Frame>;
  close(): void;
}

export interface SourceOptions {
  root: string;
  grouping: MetricGroupBy;
  loopSecs: number;
  detail: boolean;
  walkBudgetMs: number;
  maxAgeSeconds: number;
  filter: string[];
  leakSamples: number;
  leakGrowthKb: number;
}

/**
 * The sampler, reporter, history and leak tracker of one loop. On its own thread and in no
 * hurry, it reads without extra worker threads: each would hold a heap of its own for a while.
 */
export function samplerSource(o: SourceOptions): ReportSource {
  const sampler = new Sampler({
    root: o.root,
    detail: o.detail,
    kernelCpu: false,
    filter: o.filter,
    oneShot: false,
    walkBudgetMs: o.walkBudgetMs,
    maxAgeSeconds: o.maxAgeSeconds,
    cgroups: isCgroupGrouping(o.grouping),
  });
  const reporter = new Reporter({ groupBy: o.grouping, sortBy: 'mem', minDeltaKb: 1000, rise: false, cmdlen: 96, search: '' }, cgroupReader(() => sampler.opts.root));
  // The leak window (and the quarter more a newcomer waits) is all the history the verdicts read;
  // so short a history has room for every process of a big machine (the panel's default keeps
  // an hour of 1,000): 50,000 × 14 samples × 28 bytes is the panel's 20 MB at most.
  const history = new History(Math.min(historyCapacity(o.loopSecs), 2 * o.leakSamples + 2), EXPORTER_HISTORY_PROCS);
  const leaks = new LeakTracker({ samples: o.leakSamples, minGrowthKb: o.leakGrowthKb });
  return {
    async tick(): Promise<Frame> {
      const report = reporter.report(await sampler.sampleAsync());
      history.add(report.leader.time, report.rows, o.grouping, 96);
      leaks.update(history);
      return { report, grouping: o.grouping, suspects: new Set(leaks.suspects()), walked: sampler.lastStats.walkedPids.length, walkMs: sampler.lastStats.walkMs };
    },
    close(): void {
      sampler.close();
    },
  };
}
