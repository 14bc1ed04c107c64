// The `pmemstat` command: the original's terminal report.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { headerLine, hhmmss, leaderLines, rowLine, type FormatOptions } from '../core/format';
import { leakLine } from '../core/leaks';
import { jsonText, printable } from '../core/printable';
import { applyView, type View } from '../core/report';
import type { Report } from '../core/types';
import { Monitor } from '../engine/monitor';
import { engineOptionsOfCli, HELP, parseCliArgs, UsageError, type CliOptions } from './cliargs';
import { readProcessMaps } from '../sampler/maps';
import { mapsLines } from '../core/maps';
import { OomWatch, oomKillText } from '../core/cgroupMemory';
import { runCgroupView } from './cgroupCli';
import { runWindow, wantsWindow } from './window/window';
import { boundLoopHeap } from '../engine/heap';

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
  const f: FormatOptions = { units: o.units, detail: report.detail, showCpu, numbers: o.lineNumbers, groupBy: report.options.groupBy, showOom: o.showOom, showUss: o.showUss, showEpss: o.showEpss, showThp: o.showThp, showKsm: o.showKsm };
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

/**
 * Like the original, re-run under sudo when not root (unless -U). Returns the
 * child's exit status, or null to go on as the user (sudo missing or refused).
 */
function rerunUnderSudo(argv: readonly string[], io: CliIO): number | null {
  const asUser = (why: string): null => {
    io.err(`pmemstat: ${why}; running as user (-U): only your own processes are readable`);
    return null;
  };
  // Ask sudo first, quietly and without a prompt: a user it will never let in gets our one
  // line, not a password prompt followed by sudo's own two lines. (In the C locale: its words
  // are read below.)
  const probe = spawnSync('sudo', ['-n', '-v'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    timeout: 30_000,
  });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    return asUser(code === 'ENOENT' ? 'sudo is not installed' : `cannot run sudo (${code})`);
  }
  const verdict = sudoVerdict(probe.status, probe.stderr);
  if (verdict.kind === 'refused') return asUser(`sudo refused (${verdict.said})`);
  const command = [process.execPath, process.argv[1], ...argv];
  if (verdict.kind === 'password' && !hasTerminal()) {
    // Nowhere to ask: a rule without a password for this command may still let us in.
    const n = spawnSync('sudo', ['-n', '--', ...command], { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    if (n.status === 1 && /a password is required/.test(n.stderr)) return asUser('sudo needs a password and there is no terminal to ask it on');
    if (n.stderr) process.stderr.write(n.stderr);
    if (n.error) return asUser(`cannot run sudo (${(n.error as NodeJS.ErrnoException).code})`);
    return n.signal ? 128 + (constants.signals[n.signal] ?? 0) : (n.status ?? 3);
  }
  const r = spawnSync('sudo', ['--', ...command], { stdio: 'inherit' });
  if (r.error) return asUser(`cannot run sudo (${(r.error as NodeJS.ErrnoException).code})`);
  if (r.signal) return 128 + (constants.signals[r.signal] ?? 0);
  // pmemstat itself exits 0, 2 or 3; sudo exits 1 when it refuses (e.g. a wrong password).
  if (r.status === 1) return asUser('sudo refused');
  return r.status ?? 3;
}

export type SudoVerdict = { kind: 'allowed' } | { kind: 'password' } | { kind: 'refused'; said: string };

/** What `sudo -n -v` (run in the C locale) says of this user: let in, asks a password, or never. */
export function sudoVerdict(status: number | null, stderr: string): SudoVerdict {
  if (status === 0) return { kind: 'allowed' };
  if (/a password is required/.test(stderr)) return { kind: 'password' };
  const line = stderr.split('\n').map((l) => l.replace(/^sudo:\s*/, '').trim()).find((l) => l !== '') ?? '';
  const said = printable(line.length > 120 ? `${line.slice(0, 119)}\u2026` : line);
  return { kind: 'refused', said: said || (status === null ? 'no answer' : `exit status ${status}`) };
}

/** Whether sudo could ask for a password: it reads it from the controlling terminal. */
function hasTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
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

/** `--maps PID`: the process's mappings, grouped (src/core/maps.ts). */
function printMaps(o: CliOptions, root: string, io: CliIO): number {
  const pid = o.maps ?? 0;
  const r = readProcessMaps(root, pid, null);
  if (!r.ok) {
    io.err(`pmemstat: --maps ${pid}: ${r.message}`);
    return 2;
  }
  if (o.json) io.out(jsonText({ pid: r.pid, starttime: r.starttime, ...r.maps }));
  else for (const line of mapsLines(pid, r.maps, o.units)) io.out(line);
  return 0;
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
  // A captured tree needs no privilege, and is read as untrusted input (src/proc/tree.ts).
  if (!o.runAsUser && o.root === '/' && process.getuid?.() !== 0) {
    const status = rerunUnderSudo(argv, io);
    if (status !== null) return status;
  }

  const roots = replayRoots(o.root);
  if (roots.length === 0) {
    io.err(`pmemstat: error: --root ${o.root}: no proc/ directory there (nor numbered samples 0/, 1/, … holding one)`);
    return 2;
  }
  if (o.maps !== null) return printMaps(o, roots[0], io);
  if (o.cgroup !== null) return runCgroupView(o, roots[0], io);
  if (io === stdio && (o.loopSeconds > 0 || roots.length > 1)) boundLoopHeap();
  // Only the real terminal: a caller with its own io (tests, embedding) always gets reports.
  if (io === stdio && wantsWindow(o, process.stdin.isTTY === true, process.stdout.isTTY === true)) return runWindow(o, roots);
  const replay = roots.length > 1;
  const looping = o.loopSeconds > 0 || replay;
  // One sample has no window to measure CPU over: sorting by cpu then uses (and shows) CPU since start.
  const sinceStart = !looping && o.sortBy === 'cpu';
  const showCpu = o.showCpu && (looping || sinceStart);
  // A one-shot report reads everything exactly (and only what it shows); so does a replay.
  // The history and the leak verdicts only for --leaks: a plain loop shows neither.
  const monitor = new Monitor(engineOptionsOfCli(o), { roots, oneShot: !looping, history: o.leaks });
  const ooms = new OomWatch();
  try {
    if (o.leaks) {
      io.out(`watching for leaks: a group whose processes present throughout ${o.leakSamples} samples grew by >= ${o.leakMinGrowthKb} KB, rising in most`);
    }
    for (let first = true; ; first = false) {
      if (replay && monitor.ended) return 0;
      const started = Date.now();
      const report = await monitor.tick();
      const view = applyView(report, { search: o.search, topPct: o.topPct, maxRows: 0 });
      if (first && view.pidsShown === 0 && (o.filter.length > 0 || o.search)) {
        io.out('DONE: no pids to report');
        return 0;
      }
      if (o.leaks) {
        for (const { key, verdict } of monitor.newSuspects()) {
          const row = report.rows.find((r) => r.key === key);
          if (row) io.out(`${hhmmss(report.leader.time)} ${leakLine(row.info, row.mem.ptotal, verdict, o.units, row.members.map((m) => m.pid))}`);
        }
      } else if (o.json) io.out(jsonText({ ...report, rows: view.rows, overflow: view.overflow }));
      else for (const line of reportLines(report, view, o, first, showCpu, looping)) io.out(line);
      if (looping && !o.json) for (const n of ooms.update(report.rows)) io.out(`${hhmmss(report.leader.time)} ${oomKillText(n)}`);
      if (!looping) return 0;
      if (!replay) await sleep(Math.max(0, o.loopSeconds * 1000 - (Date.now() - started)));
    }
  } finally {
    // A one-shot report of this process ends here: the kernel closes the kept fds at its exit
    // for less than closing them one by one (~10 ms at 5,000 processes). Workers ended after
    // their sample.
    if (looping || io !== stdio) monitor.close();
  }
}
