// The engine behind every view: one Monitor takes the one option object
// (src/shared/engineOptions.ts) and owns the Sampler, the Reporter, the History and the
// LeakTracker, with the walk budget and max age. The helper (src/sampler/serve.ts), the
// `pmemstat` report loop and the terminal window (src/cli/) each hold one, and none of them
// builds a Sampler or a Reporter; so the same options give the same Reports in every view.
import { needsOf, shownFigures } from '../core/figures';
import { History, historyCapacity } from '../core/history';
import { judgeGroup, LeakTracker, type LeakVerdict } from '../core/leaks';
import { Reporter } from '../core/report';
import { isCgroupGrouping, type Report, type Sample } from '../core/types';
import { defaultEngineOptions, reportOptionsOf, validEngineOptions, type EngineOptions } from '../shared/engineOptions';
import { cgroupReader } from '../proc/cgroupfs';
import { defaultWorkerScript, ParallelReader } from '../sampler/parallel';
import { Sampler } from '../sampler/sampler';
import type { SamplerOptions } from '../sampler/samplerOptions';

/** Where and how a Monitor reads: what is not an option of the view but of its environment. */
export interface MonitorEnv {
  /**
   * The trees to read: ['/'] for the live system; a captured tree's root; several (DIR/0,
   * DIR/1, …) are a captured loop, replayed one per tick (then exactly: the walk budget is off).
   */
  roots: readonly string[];
  /** Worker threads for full samples (a first tick, a burst of new processes): a count, or 'auto' (the cores). Default 'auto'. */
  workers?: number | 'auto';
  /** The only sample (a one-shot report): read just what it shows; cpu% then means since each process started. */
  oneShot?: boolean;
  /** Keep the History and the LeakTracker (default true; the helper leaves them to the host). */
  history?: boolean;
  /** Seconds of history to keep (default an hour, within the memory budget of src/core/history.ts). */
  historySeconds?: number;
  /** Processes the history follows (default MAX_PROCS of src/core/history.ts); a short history has room for more. */
  historyProcs?: number;
  /** The clock of a sample (tests). */
  now?: () => number;
  /** Read every process's cgroup whatever the grouping (the recorder keeps what any grouping shows). */
  allCgroups?: boolean;
}

export interface LeakFlag {
  key: string;
  verdict: LeakVerdict;
}

export class Monitor {
  private opts: EngineOptions;
  private readonly sampler: Sampler;
  private readonly reporter: Reporter;
  private hist: History | null;
  private readonly tracker: LeakTracker | null;
  private last: Report | undefined;
  private lastSampleRead: Sample | undefined;
  private flaggedNow: LeakFlag[] = [];
  private next = 0;
  private ticks = 0;

  constructor(
    options: Partial<EngineOptions> = {},
    readonly env: MonitorEnv = { roots: ['/'] },
  ) {
    if (env.roots.length === 0) throw new Error('a Monitor needs a tree to read');
    this.opts = { ...defaultEngineOptions(), ...validEngineOptions(options) };
    this.sampler = new Sampler({ root: env.roots[0], oneShot: env.oneShot === true, ...this.samplerOptions(this.opts) });
    if (env.workers !== 0) {
      // Full samples are rare after the first: the workers end after each rather than hold a heap apiece.
      const workers = env.workers === undefined || env.workers === 'auto' ? undefined : env.workers;
      this.sampler.useParallel(new ParallelReader({ script: defaultWorkerScript(), idleMs: 0, ...(workers !== undefined ? { workers } : {}) }));
    }
    const sampler = this.sampler;
    this.reporter = new Reporter(reportOptionsOf(this.opts), cgroupReader(() => sampler.opts.root));
    const keep = env.history !== false;
    this.hist = keep ? new History(this.historyCapacity(), env.historyProcs) : null;
    this.tracker = keep ? new LeakTracker({ samples: this.opts.leakSamples, minGrowthKb: this.opts.leakMinGrowthKb }) : null;
  }

  /** The options in force. */
  get options(): Readonly<EngineOptions> {
    return this.opts;
  }

  /** Whether the roots are a captured loop being replayed. */
  get replay(): boolean {
    return this.env.roots.length > 1;
  }

  /** A replay has shown its last sample (a further tick re-reads that one). */
  get ended(): boolean {
    return this.replay && this.next >= this.env.roots.length;
  }

  /** The tree the next tick reads. */
  get root(): string {
    return this.env.roots[Math.min(this.next, this.env.roots.length - 1)];
  }

  /** Ticks taken. */
  get tickCount(): number {
    return this.ticks;
  }

  /**
   * Change options: checked once, here, against the catalogue (an OptionError names the bad
   * one, and nothing changes). A new grouping restarts the +NK/-NK baselines; the history
   * regroups what it remembers.
   */
  configure(partial: Partial<EngineOptions>): Readonly<EngineOptions> {
    const p = validEngineOptions(partial);
    const before = this.opts;
    this.opts = { ...before, ...p, filter: p.filter ? [...p.filter] : before.filter };
    this.sampler.setOptions(this.samplerOptions(this.opts));
    this.reporter.setOptions(reportOptionsOf(this.opts));
    if (this.hist && (p.loopSeconds !== undefined || p.leakSamples !== undefined)) {
      const cap = this.historyCapacity();
      if (cap !== this.hist.capacity) this.hist = this.hist.resized(cap);
    }
    if (this.tracker) this.tracker.opts = { samples: this.opts.leakSamples, minGrowthKb: this.opts.leakMinGrowthKb };
    return this.opts;
  }

  /**
   * One sample within the walk budget, as a Report carrying its options; the history and the
   * leak verdicts are updated with it. One at a time: a tick waits for the one before.
   */
  tick(): Promise<Report> {
    const r = this.tickSoon();
    return r instanceof Promise ? r : Promise.resolve(r);
  }

  /**
   * `tick`, synchronously when the sample needs no worker threads (most ticks): the helper
   * answers a request at once then, in the order the requests came.
   */
  tickSoon(): Report | Promise<Report> {
    if (this.next < this.env.roots.length) {
      const root = this.env.roots[this.next++];
      if (root !== this.sampler.opts.root) this.sampler.setOptions({ root });
    }
    const s = this.sampler.sampleSoon(this.env.now?.());
    return s instanceof Promise ? s.then((x) => this.reportOf(x)) : this.reportOf(s);
  }

  private reportOf(s: Sample): Report {
    this.lastSampleRead = s;
    const report = this.reporter.report(s);
    this.ticks++;
    if (this.hist && this.tracker) {
      this.hist.add(report.leader.time, report.rows, report.options.groupBy, report.options.cmdlen);
      this.flaggedNow = this.tracker.update(this.hist);
    }
    this.last = report;
    return report;
  }

  /** The newest Report (undefined before the first tick). */
  latest(): Report | undefined {
    return this.last;
  }

  /** The Sample the newest Report was made of: every process's own figures (the recorder writes them). */
  get lastSample(): Sample | undefined {
    return this.lastSampleRead;
  }

  /** The history of every group under the current grouping (null: kept by someone else, env.history false). */
  get history(): History | null {
    return this.hist;
  }

  /** The groups flagged as leak suspects by the newest tick, for the first time. */
  newSuspects(): readonly LeakFlag[] {
    return this.flaggedNow;
  }

  /** The keys of the groups suspected now. */
  suspects(): string[] {
    return this.tracker?.suspects() ?? [];
  }

  /** The leak verdict of one group now (undefined: no history kept, or the group is unknown). */
  leakOf(key: string): LeakVerdict | undefined {
    if (!this.hist || !this.tracker || !this.hist.has(key)) return undefined;
    return judgeGroup(this.hist, key, this.tracker.opts);
  }

  /** What the last sample read (figures for benchmarks and tests). */
  get lastStats(): Sampler['lastStats'] {
    return this.sampler.lastStats;
  }

  /** Release the kept fds and the workers; the Monitor is not used after. */
  close(): void {
    this.sampler.useParallel(null);
    this.sampler.close();
  }

  private historyCapacity(): number {
    return Math.max(historyCapacity(this.opts.loopSeconds, this.env.historySeconds), this.opts.leakSamples + 2);
  }

  /** What the sampler reads: what the shown figures need (the registry, src/core/figures.ts), and the cgroups a grouping by them needs. */
  private samplerOptions(o: EngineOptions): Partial<SamplerOptions> {
    const oneShot = this.env.oneShot === true;
    const needs = needsOf(shownFigures(o));
    return {
      detail: needs.has('smaps'),
      // Kernel threads' CPU needs two samples: a one-shot report has no window to measure over.
      kernelCpu: needs.has('stat') && !oneShot,
      cpuAvgSecs: o.cpuAvgSecs,
      cpuSinceStart: oneShot && o.sortBy === 'cpu',
      filter: [...o.filter],
      // A replay reads each captured tree exactly (their stat files need not show what changed).
      walkBudgetMs: this.replay ? 0 : o.walkBudgetMs,
      maxAgeSeconds: o.maxAgeSeconds,
      oom: needs.has('oom_score'),
      thp: needs.has('thp'),
      ksm: needs.has('ksm_stat'),
      cgroups: this.env.allCgroups === true || needs.has('cgroup') || isCgroupGrouping(o.groupBy),
    };
  }
}

/** A Monitor (the same as `new Monitor`). */
export function createMonitor(options: Partial<EngineOptions> = {}, env: MonitorEnv = { roots: ['/'] }): Monitor {
  return new Monitor(options, env);
}
