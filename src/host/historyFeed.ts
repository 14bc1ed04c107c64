// The host's memory history behind the panel: the core History (typed-array rings per
// process, summed into groups), the reported deltas of each group (for the chart's markers),
// and the LeakTracker. Fed one Report per sample; a new grouping re-derives the groups from
// the same processes (the webview is told to fetch them again); resized, keeping what fits,
// when the loop interval or the leak window changes.
// No vscode here: the controller posts what this computes.
import { History, historyCapacity, MAX_CAPACITY } from '../core/history';
import { judgeGroup, LeakTracker, type LeakOptions, type LeakVerdict } from '../core/leaks';
import { MEM_KEYS, type GroupBy, type MemKey, type Report, type RowType } from '../core/types';
import { SPARK_POINTS, type GroupHistory, type HistoryStamp, type LeakInfo, type SparkSeries } from '../shared/webviewProtocol';

/** Samples to keep: an hour at the loop interval (core budget), but at least the leak window and a sparkline. */
export function capacityFor(loopSecs: number, leak: LeakOptions): number {
  return Math.min(MAX_CAPACITY, Math.max(historyCapacity(loopSecs), leak.samples + 1, SPARK_POINTS));
}

/** A group that has just become a leak suspect. */
export interface LeakFlag {
  key: string;
  info: string;
  ptotal: number;
  verdict: LeakVerdict;
}

/** A current suspect with the figures the status bar shows. */
export interface LeakSummary extends LeakInfo {
  info: string;
  ptotal: number;
}

/** A suspect as the webview gets it (no names: the webview has them in the report). */
export function leakInfo({ key, growthKb, seconds, rises, falls, steps, procs }: LeakInfo): LeakInfo {
  return { key, growthKb, seconds, rises, falls, steps, procs };
}

interface Mark {
  seq: number;
  type: RowType;
}

const isMarked = (t: RowType) => t === 'A' || t.startsWith('+') || t.startsWith('-');

export class HistoryFeed {
  private history: History;
  private readonly tracker: LeakTracker;
  private readonly marks = new Map<string, Mark[]>();
  private readonly infos = new Map<string, { info: string; ptotal: number }>();
  private seq = -1;
  private start = 0;
  private groupBy: GroupBy | null = null;
  private loopSecs: number;
  /** The next sample starts a new history. */
  private restart = true;

  constructor(loopSecs: number, leak: LeakOptions) {
    this.loopSecs = loopSecs;
    this.tracker = new LeakTracker({ ...leak });
    this.history = new History(capacityFor(loopSecs, leak));
  }

  get capacity(): number {
    return this.history.capacity;
  }

  /** The grouping of the history's keys (null before the first sample). */
  get grouping(): GroupBy | null {
    return this.groupBy;
  }

  get leakOptions(): LeakOptions {
    return { ...this.tracker.opts };
  }

  /** Where the newest sample stands (null before the first). */
  stamp(): HistoryStamp | null {
    return this.seq < 0 ? null : { start: this.start, seq: this.seq };
  }

  /** Record one report (keyed by its own grouping); returns its stamp and the groups flagged as leak suspects just now. */
  add(report: Report): { stamp: HistoryStamp; flagged: LeakFlag[] } {
    const { groupBy, cmdlen } = report.options;
    const regrouped = this.groupBy !== null && groupBy !== this.groupBy;
    if (regrouped) {
      // Keys change meaning: marks go, the suspects are judged anew; a new start one behind
      // this sample is a gap to the webview, which asks for the re-derived series.
      this.marks.clear();
      this.tracker.clear();
    }
    this.groupBy = groupBy;
    this.seq++;
    if (this.restart) this.start = this.seq;
    else if (regrouped) this.start = this.seq - 1;
    this.restart = false;
    this.history.add(report.leader.time, report.rows, groupBy, cmdlen);
    this.infos.clear();
    for (const r of report.rows) {
      if (r.type === 'x') continue;
      this.infos.set(r.key, { info: r.info, ptotal: r.mem.ptotal });
      if (!isMarked(r.type)) continue;
      let list = this.marks.get(r.key);
      if (!list) this.marks.set(r.key, (list = []));
      list.push({ seq: this.seq, type: r.type });
    }
    const oldest = this.seq - this.history.capacity;
    for (const [key, list] of this.marks) {
      if (!this.history.has(key)) this.marks.delete(key);
      else while (list.length && list[0].seq <= oldest) list.shift();
    }
    const flagged: LeakFlag[] = [];
    for (const { key, verdict } of this.tracker.update(this.history)) {
      const i = this.infos.get(key);
      flagged.push({ key, info: i?.info ?? key, ptotal: i?.ptotal ?? 0, verdict });
    }
    return { stamp: { start: this.start, seq: this.seq }, flagged };
  }

  /** Forget everything (the panel closed). The next sample starts a new history. */
  clear(): void {
    this.history.clear();
    this.tracker.clear();
    this.marks.clear();
    this.infos.clear();
    this.groupBy = null;
    this.restart = true;
  }

  /** A new loop interval or leak window: resize (keeping the newest samples) and re-judge. */
  configure(loopSecs: number, leak: LeakOptions): void {
    this.loopSecs = loopSecs;
    this.tracker.opts = { ...leak };
    const cap = capacityFor(loopSecs, leak);
    if (cap !== this.history.capacity) this.history = this.history.resized(cap);
    if (this.seq >= 0) this.tracker.update(this.history);
  }

  isSuspect(key: string): boolean {
    return this.tracker.isSuspect(key);
  }

  /** The current suspects, largest growth first. */
  leaks(): LeakSummary[] {
    const out: LeakSummary[] = [];
    const o = this.tracker.opts;
    for (const key of this.tracker.suspects()) {
      const v = judgeGroup(this.history, key, o);
      const i = this.infos.get(key);
      out.push({
        key,
        info: i?.info ?? key,
        ptotal: i?.ptotal ?? this.history.series(key, 'ptotal', 1).values[0] ?? 0,
        growthKb: v.growthKb,
        seconds: v.seconds,
        rises: v.rises,
        falls: v.falls,
        steps: v.steps,
        procs: v.procs,
      });
    }
    return out.sort((a, b) => b.growthKb - a.growthKb || a.key.localeCompare(b.key));
  }

  /** The leaks as the webview gets them. */
  leakInfos(): LeakInfo[] {
    return this.leaks().map(leakInfo);
  }

  /** Every group's newest ptotal figures, for the sparklines. */
  sparks(points = SPARK_POINTS): SparkSeries[] {
    return this.history.keys().map((key) => ({ key, values: this.history.series(key, 'ptotal', points).values }));
  }

  /** Groups with history, with their latest figures (for a quick pick), largest first. */
  groups(): Array<{ key: string; info: string; ptotal: number; samples: number; suspect: boolean }> {
    return this.history
      .keys()
      .map((key) => {
        const i = this.infos.get(key);
        return { key, info: i?.info ?? key, ptotal: i?.ptotal ?? 0, samples: this.history.length(key), suspect: this.tracker.isSuspect(key) };
      })
      .sort((a, b) => b.ptotal - a.ptotal || a.key.localeCompare(b.key));
  }

  /** One group's whole history (null: none kept for it); a vanished group's ends when it vanished. */
  group(key: string): GroupHistory | null {
    const span = this.history.spanOf(key);
    if (!span) return null;
    const n = span[1] - span[0] + 1;
    const end = this.seq - (this.history.newest - span[1]);
    const mem = {} as Record<MemKey, number[]>;
    let times: number[] = [];
    for (const f of MEM_KEYS) {
      const s = this.history.series(key, f);
      mem[f] = s.values;
      times = s.times;
    }
    const types: RowType[] = new Array<RowType>(n).fill('');
    for (const m of this.marks.get(key) ?? []) {
      const i = n - 1 - (end - m.seq);
      if (i >= 0 && i < n) types[i] = m.type;
    }
    return { key, times, mem, types };
  }

  /** Bytes held (the rings; marks and names are small). */
  bytes(): number {
    return this.history.bytes();
  }

  /** The loop interval the capacity was computed for. */
  get loopSeconds(): number {
    return this.loopSecs;
  }
}

