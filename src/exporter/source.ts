// Where the exporter's reports come from: the engine's Monitor, one tick per sample, with the
// leak verdicts of its groups. The exporter never samples on a scrape; it only calls tick().
import type { MetricGroupBy } from '../core/metrics';
import type { Report } from '../core/types';
import { Monitor } from '../engine/monitor';
import type { EngineOptions } from '../shared/engineOptions';

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

export interface ReportSource {
  tick(): Promise<Frame>;
  close(): void;
}

export interface SourceOptions {
  root: string;
  /** The engine's options; groupBy is one of the exporter's groupings (args.ts checks it). */
  engine: EngineOptions;
}

/** Processes whose history the leak verdicts follow. */
export const EXPORTER_HISTORY_PROCS = 50_000;

/**
 * A Monitor of the tree. On its own thread and in no hurry, it reads without worker threads
 * of its own (each would hold a heap for a while). It keeps only the history its leak verdicts
 * read, and so has room for every process of a big machine (the panel's default keeps an hour
 * of 1,000): 50,000 × 14 samples × 28 bytes is the panel's 20 MB at most.
 */
export function monitorSource(o: SourceOptions): ReportSource {
  const e = o.engine;
  const m = new Monitor(e, { roots: [o.root], workers: 0, historySeconds: e.loopSeconds * (2 * e.leakSamples + 2), historyProcs: EXPORTER_HISTORY_PROCS });
  return {
    async tick(): Promise<Frame> {
      const report = await m.tick();
      const stats = m.lastStats;
      return { report, grouping: report.options.groupBy as MetricGroupBy, suspects: new Set(m.suspects()), walked: stats.walkedPids.length, walkMs: stats.walkMs };
    },
    close(): void {
      m.close();
    },
  };
}
