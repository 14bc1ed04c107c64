// `pmemstat replay`: the report as it was at a moment, or the events of a recording.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localIso } from '../core/isotime';
import { jsonText, printable, printableReport } from '../core/printable';
import { applyView, Reporter } from '../core/report';
import type { CgroupReader } from '../core/cgroup';
import type { Report, Sample } from '../core/types';
import { formatKb } from '../core/units';
import { reportOptionsOf, type EngineOptions } from '../shared/engineOptions';
import { reportLines, type CliIO } from '../cli/cli';
import { parseCliArgs, UsageError, type CliOptions } from '../cli/cliargs';
import { parseReplayArgs, REPLAY_HELP, type ReplayArgs } from './args';
import { openDb, RECORDING_FILE, StoreError } from './db';
import { RecordingReader } from './reader';
import type { RecordedEvent } from './writer';
import { RecordingSource } from './replayWindow';
import { runWindow, wantsWindow } from '../cli/window/window';

/** The live command's filter (pids and exe keys) and --oom, applied to a recorded sample. */
function asLive(s: Sample, o: EngineOptions): Sample {
  const f = o.filter;
  const procs = s.procs.filter((p) => f.length === 0 || f.includes(String(p.pid)) || f.includes(p.exe));
  return {
    ...s,
    filtered: s.filtered + s.procs.length - procs.length,
    procs: procs.map((p) => {
      if (o.showOom || p.oom === undefined) return p;
      const { oom: _oom, ...rest } = p;
      return rest;
    }),
  };
}

/**
 * The reports of the recorded samples `times` in turn, as the live loop made them (row types
 * say what changed since the report before); the first is preceded by the sample before it, so
 * its types too say what changed.
 */
export function* replayReports(reader: RecordingReader, times: readonly number[], o: EngineOptions): Generator<Report> {
  let cgroups: CgroupReader = () => ({ current: null, limit: null, peak: null, swap: null, pressure: null });
  const reporter = new Reporter(reportOptionsOf(o), (w) => cgroups(w));
  const reportAt = (t: number) => {
    cgroups = reader.cgroupsAt(t);
    return reporter.report(asLive(reader.sampleAt(t), o));
  };
  const prev = times.length > 0 ? reader.before(times[0]) : null;
  if (prev !== null) reportAt(prev);
  // A recording is a file anyone with the rights may have edited: its strings are made printable
  // again, as a snapshot's are.
  for (const t of times) yield printableReport(reportAt(t));
}

/** The report at the recorded sample `t`. */
export function replayReport(reader: RecordingReader, t: number, o: CliOptions): Report {
  return replayReports(reader, [t], o).next().value as Report;
}

function eventLine(e: RecordedEvent, units: CliOptions['units']): string {
  const parts = [localIso(e.t), e.kind.padEnd(8)];
  if (e.pid !== null) parts.push(`pid ${e.pid}`);
  if (e.name !== null) parts.push(printable(e.name));
  if (e.cgroup !== null) parts.push(`cgroup ${printable(e.cgroup)}`);
  const v = e.detail.victim as { mem?: { ptotal?: unknown } } | undefined;
  if (typeof v?.mem?.ptotal === 'number') parts.push(`last ptotal ${formatKb(v.mem.ptotal, units)}`);
  if (e.kind === 'pressure') parts.push(`PSI some ${String(e.detail.some)}%`);
  if (e.kind === 'limit') parts.push(`${String(e.detail.currentKb)} of ${String(e.detail.limitKb)} KB`);
  if (e.kind === 'leak') parts.push(`grew ${String(e.detail.growthKb)} KB in ${String(e.detail.seconds)} s`);
  if (e.kind === 'oom-kill' && e.detail.victimFrom === 'vanished') parts.push('(victim: the process of that cgroup that vanished)');
  return parts.join('  ');
}

/** `terminal`: io is the process's own stdin/stdout, so that `--from` may open the window when they are a terminal. */
export async function runReplay(argv: readonly string[], io: CliIO, terminal = false): Promise<number> {
  let a: ReplayArgs;
  let o: CliOptions;
  try {
    a = parseReplayArgs(argv);
    o = parseCliArgs(a.report);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`pmemstat replay: error: ${e.message}`);
    io.err('Try `pmemstat replay --help`.');
    return 2;
  }
  if (a.help) {
    io.out(REPLAY_HELP);
    return 0;
  }
  const file = join(a.dir, RECORDING_FILE);
  if (!existsSync(file)) {
    io.err(`pmemstat replay: no recording in ${a.dir} (${RECORDING_FILE} is not there; --dir names another)`);
    return 2;
  }
  let db;
  try {
    db = await openDb(file, false);
  } catch (e) {
    io.err(`pmemstat replay: ${e instanceof StoreError ? e.message : String(e)}`);
    return 2;
  }
  try {
    const reader = new RecordingReader(db);
    if (a.events) {
      for (const e of reader.events(a.from ?? -Infinity, a.to ?? Infinity)) io.out(o.json ? jsonText({ ...e, time: localIso(e.t) }) : eventLine(e, o.units));
      return 0;
    }
    if (a.from !== null && terminal && wantsWindow(o, process.stdin.isTTY === true, process.stdout.isTTY === true)) return await replayWindow(reader, a.from, a.to ?? Date.now(), o, io);
    if (a.from !== null) return printRange(reader, a.from, a.to ?? Date.now(), o, io);
    const at = a.at ?? Date.now();
    const t = reader.atOrBefore(at);
    if (t === null) {
      const first = reader.times()[0];
      io.err(`pmemstat replay: nothing recorded at or before ${localIso(at)}${first === undefined ? ' (the recording is empty)' : ` (it starts at ${localIso(first)})`}`);
      return 2;
    }
    let report;
    try {
      report = replayReport(reader, t, o);
    } catch (e) {
      io.err(`pmemstat replay: the recording is damaged at ${localIso(t)}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
    const view = applyView(report, { search: o.search, topPct: o.topPct, maxRows: 0 });
    if (o.json) io.out(jsonText({ ...report, rows: view.rows, overflow: view.overflow }));
    else {
      io.out(`recorded at ${localIso(t)}`);
      for (const line of reportLines(report, view, o, true, o.showCpu, true)) io.out(line);
    }
    return 0;
  } finally {
    db.close();
  }
}

/** `--from T [--to T]` on a terminal: the window, standing at the first sample from T. */
async function replayWindow(reader: RecordingReader, from: number, to: number, o: CliOptions, io: CliIO): Promise<number> {
  const times = reader.times(from, to);
  if (times.length === 0) {
    io.err(`pmemstat replay: nothing recorded from ${localIso(from)} to ${localIso(to)}`);
    return 2;
  }
  // As the live window's engine: the search is the view's, not the leader's note (windowMonitor).
  return runWindow(o, [], new RecordingSource(reader, times, reader.events(from, to), { ...o, search: '' }));
}

/** `--from T [--to T]` printed: every recorded sample between, as the live loop prints them. */
function printRange(reader: RecordingReader, from: number, to: number, o: CliOptions, io: CliIO): number {
  const times = reader.times(from, to);
  if (times.length === 0) {
    io.err(`pmemstat replay: nothing recorded from ${localIso(from)} to ${localIso(to)}`);
    return 2;
  }
  let first = true;
  let t = times[0];
  try {
    for (const report of replayReports(reader, times, o)) {
      t = report.leader.time;
      const view = applyView(report, { search: o.search, topPct: o.topPct, maxRows: 0 });
      if (o.json) io.out(jsonText({ ...report, rows: view.rows, overflow: view.overflow }));
      else {
        io.out(`recorded at ${localIso(t)}`);
        for (const line of reportLines(report, view, o, first, o.showCpu, true)) io.out(line);
      }
      first = false;
    }
  } catch (e) {
    io.err(`pmemstat replay: the recording is damaged at ${localIso(t)}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  return 0;
}
