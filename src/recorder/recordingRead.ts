// The helper's `recording` request: a recorded moment and the recording's timeline, read
// read-only from a file the host names (docs/protocol.md#recording, docs/threat-model.md). The
// helper may be root: the file must be a regular file (not a symlink, a device or a FIFO),
// SQLite opens it read-only, and nothing is created in its place when it is missing.
import { lstatSync } from 'node:fs';
import type { EngineOptions } from '../shared/engineOptions';
import { MAX_EVENTS, MAX_TIMELINE, recordingPathProblem, type RecordingQuery, type RecordingResult } from '../shared/recordingSchema';
import { indexAtOrBefore, type TimelineEvent } from '../core/timeline';
import { printable } from '../core/printable';
import { localIso } from '../core/isotime';
import type { Report } from '../core/types';
import { StoreError } from './db';
import type { ReadDb } from './readDb';
import { RecordingReader } from './reader';
import { replayReports } from './replayCommand';

/** Why `path` is not a file the helper reads, or null. */
export function recordingFileProblem(path: string): string | null {
  const p = recordingPathProblem(path);
  if (p) return `the recording path ${p}`;
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    return `cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}`;
  }
  if (st.isSymbolicLink()) return `${path} is a symbolic link: name the recording itself`;
  if (!st.isFile()) return `${path} is not a regular file`;
  return null;
}

function timelineEvent(e: TimelineEvent): TimelineEvent {
  return { t: e.t, kind: printable(e.kind).slice(0, 64), pid: e.pid, name: e.name === null ? null : printable(e.name).slice(0, 4096), cgroup: e.cgroup === null ? null : printable(e.cgroup).slice(0, 4096) };
}

function readOnce(db: ReadDb, q: RecordingQuery, o: EngineOptions): RecordingResult<Report> {
  const reader = new RecordingReader(db);
  const times = reader.times();
  if (times.length === 0) return { ok: false, message: `${q.path}: nothing is recorded yet` };
  const i = q.at === null ? times.length - 1 : indexAtOrBefore(times, q.at);
  if (i < 0) return { ok: false, message: `nothing recorded at or before ${localIso(q.at ?? 0)} (it starts at ${localIso(times[0])})` };
  const at = times[i];
  const report = replayReports(reader, [at], o).next().value as Report;
  if (!q.timeline) return { ok: true, at, report };
  // The newest part of a longer recording than a reply carries.
  return { ok: true, at, report, times: times.slice(-MAX_TIMELINE), events: reader.events().slice(-MAX_EVENTS).map(timelineEvent) };
}

/** Read the moment `q` asks for; `open` opens the file read-only (wasmDb.ts in the helper). Never throws. */
export function readRecording(q: RecordingQuery, o: EngineOptions, open: (file: string) => Promise<ReadDb>): Promise<RecordingResult<Report>> {
  return withRecording(q.path, open, (db) => readOnce(db, q, o));
}

/** The reads under way, one after the other (see withRecording). */
let reads: Promise<unknown> = Promise.resolve();

/**
 * Run `read` on the recording at `path`, checked and opened read-only; its result, or why not.
 * Never throws. One read at a time: the WebAssembly reader's lock (wasmDb.ts) is a directory
 * beside the file, and a second connection opened while the first holds it is refused as busy —
 * the panel asks for a moment and a group's series at once.
 */
export function withRecording<T extends { ok: true }>(path: string, open: (file: string) => Promise<ReadDb>, read: (db: ReadDb) => T | { ok: false; message: string }): Promise<T | { ok: false; message: string }> {
  const run = reads.then(() => readOnceLocked(path, open, read));
  reads = run.catch(() => undefined);
  return run;
}

async function readOnceLocked<T extends { ok: true }>(path: string, open: (file: string) => Promise<ReadDb>, read: (db: ReadDb) => T | { ok: false; message: string }): Promise<T | { ok: false; message: string }> {
  const bad = recordingFileProblem(path);
  if (bad) return { ok: false, message: bad };
  // A reader without SQLite's shared-memory locks may meet a checkpoint of the recorder
  // moving the log into the file: the query fails, and once more succeeds.
  let last = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    let db: ReadDb;
    try {
      db = await open(path);
    } catch (e) {
      return { ok: false, message: e instanceof StoreError ? e.message : `cannot open ${path}: ${String(e)}` };
    }
    try {
      return read(db);
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    } finally {
      db.close();
    }
  }
  return { ok: false, message: `${path}: cannot read it: ${last}` };
}
