// The `pmemstat` command: the original's terminal report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { headerLine, leaderLines, rowLine, type FormatOptions } from '../core/format';
import { History, historyCapacity } from '../core/history';
import { leakLine, LeakTracker } from '../core/leaks';
import { jsonText } from '../core/printable';
import { applyView, Reporter, type View } from '../core/report';
import type { Report } from '../core/types';
import { HELP, parseCliArgs, UsageError, type CliOptions } from './cliargs';
import { defaultWorkerScript, ParallelReader } from './parallel';
import { Sampler } from './sampler';
import { runWindow, wantsWindow } from '../tui/window';

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
}

const stdio: CliIO = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** Render one report as text lines; `first` prints everything, later loops only what changed. */
export function reportLines(report: Report, view: View, o: CliOptions, first: boolean, showCpu: boolean, looping: boolean): string[] {
  const f: FormatOptions = { units: o.units, detail: report.detail, showCpu, numbers: o.numbers, groupBy: o.groupBy };
  const leader = { ...report.leader, pidsShown: view.pidsShown };
  const lines = leaderLines(leader, showCpu && looping, process.getuid?.() === 0 ? '' : 'run as root');
  if (first && showCpu && !looping) lines.push('cpu% since each process started, as ps shows it (a loop, -l N, measures over a moving window)');
  if (first) {
    lines.push(headerLine(f), rowLine(report.total, f));
    view.rows.forEach((r, i) => lines.push(rowLine(r, f, i + 1)));
    if (view.overflow) lines.push(rowLine(view.overflow, f, view.rows.length + 1));
    if (looping) lines.push('');
  } else {
    view.rows.forEach((r, i) => {
      if (r.type !== '') lines.push(rowLine(r, f, i + 1));
    });
    lines.push('');
  }
  return lines;
}

function hhmmss(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/**
 * Like the original, re-run under sudo when not root (unless -U). Returns the
 * child's exit status, or null to go on as the user (sudo missing or refused).
 */
function rerunUnderSudo(argv: readonly string[], io: CliIO): number | null {
  const script = process.argv[1];
  const r = spawnSync('sudo', ['--', process.execPath, script, ...argv], { stdio: 'inherit' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    io.err(`pmemstat: ${code === 'ENOENT' ? 'sudo is not installed' : `cannot run sudo (${code})`}; running as user (-U): only your own processes are readable`);
    return null;
  }
  if (r.signal) return 128 + (constants.signals[r.signal] ?? 0);
  // pmemstat itself exits 0, 2 or 3; sudo exits 1 when it refuses.
  if (r.status === 1) {
    io.err('pmemstat: sudo refused; running as user (-U): only your own processes are readable');
    return null;
  }
  return r.status ?? 3;
}

/**
 * The trees to read: `root` itself, or — for a captured loop sequence (DIR/0, DIR/1, …
 * each holding proc/) — every sample in order, replayed as a loop.
 */
export function replayRoots(root: string): string[] {
  if (root === '/' || existsSync(join(root, 'proc'))) return [root];
  let names: string[] = [];
  try {
    names = readdirSync(root).filter((n) => /^\d+$/.test(n) && existsSync(join(root, n, 'proc')));
  } catch {
    /* reported below as a missing tree */
  }
  return names.sort((a, b) => Number(a) - Number(b)).map((n) => join(root, n));
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export async function runCli(argv: readonly string[], io: CliIO = stdio): Promise<number> {
  let o: CliOptions;
  try {
    o = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`pmemstat: error: ${e.message}`);
    io.err('Try `pmemstat --help` for the options.');
    return 2;
  }
  if (o.help) {
    io.out(HELP.trimEnd());
    return 0;
  }
  if (!o.runAsUser && process.getuid?.() !== 0) {
    const status = rerunUnderSudo(argv, io);
    if (status !== null) return status;
  }

  const roots = replayRoots(o.root);
  if (roots.length === 0) {
    io.err(`pmemstat: error: --root ${o.root}: no proc/ directory there (nor numbered samples 0/, 1/, … holding one)`);
    return 2;
  }
  // Only the real terminal: a caller with its own io (tests, embedding) always gets reports.
  if (io === stdio && wantsWindow(o, process.stdin.isTTY === true, process.stdout.isTTY === true)) return runWindow(o, roots);
  const replay = roots.length > 1;
  const looping = o.loopSecs > 0 || replay;
  // One sample has no window to measure CPU over: sorting by cpu then uses (and shows) CPU since start.
  const sinceStart = !looping && o.sortBy === 'cpu';
  const showCpu = o.cpu && (looping || sinceStart);
  // A one-shot report reads everything exactly; so does a replay (captured trees differ
  // sample to sample in ways their stat files need not show).
  const sampler = new Sampler({
    root: roots[0],
    detail: o.detail,
    kernelCpu: showCpu && looping,
    filter: o.filter,
    oneShot: !looping,
    walkBudgetMs: replay ? 0 : o.walkBudgetMs,
    maxAgeSeconds: o.maxAgeSeconds,
    cpuSinceStart: sinceStart,
  });
  sampler.useParallel(new ParallelReader({ script: defaultWorkerScript(), idleMs: 0 }));
  const reporter = new Reporter({
    groupBy: o.groupBy,
    sortBy: o.sortBy,
    minDeltaKb: o.minDeltaKb,
    rise: o.rise,
    cmdlen: o.cmdlen,
    search: o.search,
  });
  const history = new History(historyCapacity(o.loopSecs || 1));
  const leaks = new LeakTracker({ samples: o.leakSamples, minGrowthKb: o.leakGrowthKb });
  if (o.leaks) {
    io.out(`watching for leaks: a group whose processes present throughout ${o.leakSamples} samples grew by >= ${o.leakGrowthKb} KB, rising in most`);
  }
  for (let first = true, n = 0; ; first = false, n++) {
    if (replay) {
      if (n === roots.length) return 0;
      sampler.setOptions({ root: roots[n] });
    }
    const started = Date.now();
    const report = reporter.report(await sampler.sampleAsync());
    const view = applyView(report, { search: o.search, topPct: o.topPct, maxRows: 0 });
    if (first && view.pidsShown === 0 && (o.filter.length > 0 || o.search)) {
      io.out('DONE: no pids to report');
      return 0;
    }
    if (o.leaks) {
      history.add(report.leader.time, report.rows, o.groupBy, o.cmdlen);
      for (const { key, verdict } of leaks.update(history)) {
        const row = report.rows.find((r) => r.key === key);
        if (row) io.out(`${hhmmss(report.leader.time)} ${leakLine(row.info, row.mem.ptotal, verdict, o.units)}`);
      }
    } else if (o.json) io.out(jsonText({ ...report, rows: view.rows, overflow: view.overflow }));
    else for (const line of reportLines(report, view, o, first, showCpu, looping)) io.out(line);
    if (!looping) return 0;
    if (!replay) await sleep(Math.max(0, o.loopSecs * 1000 - (Date.now() - started)));
  }
}
