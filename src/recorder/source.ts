// Where the recorder's samples come from: the sampler (exactly what the live views sample),
// with leak suspects judged over the exe grouping as the live views judge them.
import { History, historyCapacity } from '../core/history';
import { LeakTracker, DEFAULT_LEAK_OPTIONS, type LeakVerdict } from '../core/leaks';
import { Reporter } from '../core/report';
import type { Sample } from '../core/types';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_WALK_BUDGET_MS } from '../core/walkbudget';
import { defaultWorkerScript, ParallelReader } from '../sampler/parallel';
import { Sampler } from '../sampler/sampler';

export interface RecordTick {
  sample: Sample;
  /** Groups (exe key) that became leak suspects with this sample. */
  newSuspects: { key: string; verdict: LeakVerdict }[];
}

export interface TickSource {
  tick(): Promise<RecordTick>;
  /** A captured loop (DIR/0, DIR/1, …) has given its last sample. */
  readonly done: boolean;
  close(): void;
}

/** Samples the live system (roots ['/']) or a captured tree or loop, one root per tick. */
export function samplerSource(roots: readonly string[], intervalSecs: number): TickSource {
  const replay = roots.length > 1;
  const sampler = new Sampler({
    root: roots[0],
    // What any grouping needs (cgroups) and the leader's kernel threads; not the oom score (a
    // file more per process per sample, and figures that change with every page).
    cgroups: true,
    oom: false,
    kernelCpu: true,
    walkBudgetMs: replay ? 0 : DEFAULT_WALK_BUDGET_MS,
    maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
  });
  sampler.useParallel(new ParallelReader({ script: defaultWorkerScript(), idleMs: 0 }));
  const reporter = new Reporter();
  const history = new History(Math.max(historyCapacity(intervalSecs), DEFAULT_LEAK_OPTIONS.samples + 2));
  const leaks = new LeakTracker(DEFAULT_LEAK_OPTIONS);
  let next = 0;
  return {
    get done() {
      return replay && next >= roots.length;
    },
    async tick() {
      if (replay) sampler.setOptions({ root: roots[Math.min(next, roots.length - 1)] });
      next++;
      const sample = await sampler.sampleAsync();
      const report = reporter.report(sample);
      history.add(report.leader.time, report.rows, 'exe');
      return { sample, newSuspects: leaks.update(history) };
    },
    close() {
      sampler.useParallel(null);
      sampler.close();
    },
  };
}
