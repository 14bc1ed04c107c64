// `pmemstat record`: sample every --interval seconds into DIR/pmemstat.db until SIGTERM or
// SIGINT, which end the sample being written and exit 0.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { localIso } from '../core/isotime';
import { coarse, EXACT } from '../core/recording';
import { DEFAULT_RETENTION } from '../core/retention';
import { cgroupReader } from '../proc/cgroupfs';
import type { CliIO } from '../cli/cli';
import { replayRoots } from '../cli/cli';
import { UsageError } from '../cli/cliargs';
import { parseRecordArgs, RECORD_HELP, type RecordArgs } from './args';
import { openDb, RECORDING_FILE, StoreError, type Db } from './db';
import { EventWatcher } from './events';
import { RecorderLock } from './lock';
import { Recorder } from './recorder';
import { monitorSource } from './source';
import { RecordingWriter } from './writer';

const DAY_MS = 86_400_000;

export async function runRecord(argv: readonly string[], io: CliIO): Promise<number> {
  let a: RecordArgs;
  try {
    a = parseRecordArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`pmemstat record: error: ${e.message}`);
    io.err('Try `pmemstat record --help`.');
    return 2;
  }
  if (a.help) {
    io.out(RECORD_HELP);
    return 0;
  }
  const roots = replayRoots(a.root);
  if (roots.length === 0) {
    io.err(`pmemstat record: error: --root ${a.root}: no proc/ directory there (nor numbered samples holding one)`);
    return 2;
  }
  // The recording holds every user's command lines: readable by its owner only (docs/recorder.md).
  process.umask(0o077);
  try {
    if (!existsSync(a.dir)) {
      mkdirSync(a.dir, { recursive: true, mode: 0o700 });
      chmodSync(a.dir, 0o700);
    }
  } catch (e) {
    io.err(`pmemstat record: cannot create ${a.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return 2;
  }
  const lock = RecorderLock.take(a.dir);
  if (!(lock instanceof RecorderLock)) {
    io.err(`pmemstat record: another recorder${lock.heldBy ? ` (pid ${lock.heldBy})` : ''} is recording in ${a.dir}; stop it first, or record elsewhere with --dir`);
    return 2;
  }
  let db: Db;
  try {
    db = await openDb(join(a.dir, RECORDING_FILE), true);
  } catch (e) {
    lock.release();
    io.err(`pmemstat record: ${e instanceof StoreError ? e.message : String(e)}`);
    return 2;
  }
  const writer = new RecordingWriter(db);
  const last = writer.beginSession(Date.now());
  const source = monitorSource(roots, a.intervalSecs);
  const events = new EventWatcher(roots[0], { pressurePct: a.pressurePct });
  const rec = new Recorder(source, writer, events, cgroupReader(() => roots[0]), {
    fullEverySecs: a.fullEverySecs,
    maintainEverySecs: Math.max(60, Math.min(300, a.intervalSecs * 12)),
    thresholds: a.thresholdKb > 0 ? coarse(a.thresholdKb) : EXACT,
    retention: { ...DEFAULT_RETENTION, retainMs: a.retainDays * DAY_MS },
    maxBytes: a.maxSizeMb * 1024 * 1024,
  });

  let stopping = false;
  let wake: (() => void) | null = null;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  // This command's own ends replace the entry point's (an exit at once would lose the sample being written).
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  io.err(`pmemstat record: recording to ${join(a.dir, RECORDING_FILE)} every ${a.intervalSecs} s${last !== null ? ` (continuing a recording that ends ${localIso(last)})` : ''}; SIGTERM or Ctrl-C stops`);
  let samples = 0;
  let status = 0;
  let wasPaused = false;
  try {
    while (!stopping) {
      const began = Date.now();
      const r = await rec.step();
      if (r.kind === 'paused') {
        if (!wasPaused) io.err(`pmemstat record: the disk holding ${a.dir} is full (${r.message}): recording paused; nothing recorded before is lost, and it resumes when space returns`);
        wasPaused = true;
      } else {
        if (wasPaused) io.err(`pmemstat record: space again: recording resumed at ${localIso(Date.now())}`);
        wasPaused = false;
        samples++;
        rec.maintain(Date.now());
      }
      if (rec.done) break;
      const wait = Math.max(0, a.intervalSecs * 1000 - (Date.now() - began));
      if (!stopping) await new Promise<void>((res) => {
        const timer = setTimeout(res, wait);
        wake = () => {
          clearTimeout(timer);
          res();
        };
      });
      wake = null;
    }
    rec.maintain(Date.now(), true);
  } catch (e) {
    io.err(`pmemstat record: error: ${e instanceof Error ? e.message : String(e)}`);
    status = 3;
  } finally {
    source.close();
    events.close();
    db.close();
    lock.release();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  io.err(`pmemstat record: stopped after ${samples} samples`);
  return status;
}
