// The `pmemstat` command: the original's terminal report (SPEC 4.4).
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { headerLine, leaderLines, rowLine, type FormatOptions } from '../core/format';
import { applyView, Reporter, type View } from '../core/report';
import type { Report } from '../core/types';
import { HELP, parseCliArgs, UsageError, type CliOptions } from './cliargs';
import { Sampler } from './sampler';

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
}

const stdio: CliIO = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** Render one report as text lines; `first` prints everything, later loops only what changed. */
export function reportLines(report: Report, view: View, o: CliOptions, first: boolean, showCpu: boolean): string[] {
  const f: FormatOptions = { units: o.units, detail: report.detail, showCpu, numbers: o.numbers, groupBy: o.groupBy };
  const leader = { ...report.leader, pidsShown: view.pidsShown };
  const lines = leaderLines(leader, showCpu);
  if (first) {
    lines.push(headerLine(f), rowLine(report.total, f));
    view.rows.forEach((r, i) => lines.push(rowLine(r, f, i + 1)));
    if (view.overflow) lines.push(rowLine(view.overflow, f, view.rows.length + 1));
  } else {
    view.rows.forEach((r, i) => {
      if (r.type !== '') lines.push(rowLine(r, f, i + 1));
    });
    lines.push('');
  }
  return lines;
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

  const looping = o.loopSecs > 0;
  const showCpu = o.cpu && looping;
  const sampler = new Sampler({ root: o.root, detail: o.detail, kernelCpu: showCpu, filter: o.filter });
  const reporter = new Reporter({
    groupBy: o.groupBy,
    sortBy: o.sortBy,
    minDeltaKb: o.minDeltaKb,
    rise: o.rise,
    cmdlen: o.cmdlen,
    search: o.search,
  });
  for (let first = true; ; first = false) {
    const started = Date.now();
    const report = reporter.report(sampler.sample());
    const view = applyView(report, { search: o.search, topPct: o.topPct, maxRows: 0 });
    if (first && view.pidsShown === 0 && (o.filter.length > 0 || o.search)) {
      io.out('DONE: no pids to report');
      return 0;
    }
    if (o.json) io.out(JSON.stringify({ ...report, rows: view.rows, overflow: view.overflow }));
    else for (const line of reportLines(report, view, o, first, showCpu)) io.out(line);
    if (!looping) return 0;
    await sleep(Math.max(0, o.loopSecs * 1000 - (Date.now() - started)));
  }
}
