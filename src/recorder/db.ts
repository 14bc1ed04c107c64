// The recording's SQLite file: its schema (documented for users' own queries in
// docs/recorder.md#the-schema) and how it is opened. better-sqlite3 is loaded only here and only
// when a recording is opened: the same bundle is the helper, which runs under VS Code's own
// runtime, where a native module built for node does not load (docs/recorder.md#the-store).
import type BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;

/** 2: names interned, a process's cgroup only through its place, figures read again unchanged in `reads`. */
export const SCHEMA_VERSION = 2;
/** The oldest schema `replay` still reads (1: the same tables, names inline, every read a figures row). */
export const OLDEST_READABLE_SCHEMA = 1;
export const RECORDING_FILE = 'pmemstat.db';

// Under churn most bytes were each new process's names and cgroup path written out again: the
// command lines of short-lived processes repeat, so they are kept once in `names`, and the view
// `procs` gives users' queries the columns they had. A figure read again unchanged (the walk
// budget re-reads every process at least once per max age) is one id in a `reads` row, not a
// figures row of its own (docs/recorder.md#the-schema). A name is found again by a hash of it
// (`h`): a UNIQUE index would hold every command line a second time, and a build's compiler runs
// each name a file of their own.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ticks (
  t INTEGER PRIMARY KEY,
  full INTEGER NOT NULL,
  mem_total INTEGER NOT NULL,
  mem_available INTEGER NOT NULL,
  swap_used INTEGER NOT NULL,
  shmem INTEGER NOT NULL,
  pressure_some REAL,
  procs INTEGER NOT NULL,
  sys TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticks_full ON ticks (t) WHERE full = 1;
CREATE TABLE IF NOT EXISTS places (id INTEGER PRIMARY KEY, cgroup TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY, h INTEGER NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_h ON names (h);
CREATE TABLE IF NOT EXISTS proc (
  id INTEGER PRIMARY KEY,
  pid INTEGER NOT NULL,
  starttime INTEGER NOT NULL,
  exe INTEGER NOT NULL,
  cmd INTEGER NOT NULL,
  place INTEGER,
  start_t INTEGER NOT NULL,
  end_t INTEGER
);
CREATE VIEW IF NOT EXISTS procs AS
  SELECT p.id, p.pid, p.starttime, e.name AS exe, c.name AS cmd, json_extract(pl.cgroup, '$.path') AS cgroup, p.place, p.start_t, p.end_t
  FROM proc p JOIN names e ON e.id = p.exe JOIN names c ON c.id = p.cmd LEFT JOIN places pl ON pl.id = p.place;
CREATE TABLE IF NOT EXISTS figs (
  proc INTEGER NOT NULL,
  t INTEGER NOT NULL,
  pss INTEGER NOT NULL,
  data INTEGER NOT NULL,
  text INTEGER NOT NULL,
  shoth INTEGER NOT NULL,
  shsysv INTEGER NOT NULL,
  stack INTEGER NOT NULL,
  pswap INTEGER NOT NULL,
  uss INTEGER NOT NULL,
  epss INTEGER NOT NULL,
  pss_shmem INTEGER NOT NULL,
  cpu REAL NOT NULL,
  oom INTEGER,
  as_of INTEGER,
  PRIMARY KEY (t, proc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reads (t INTEGER PRIMARY KEY, procs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cgroups (
  dirs TEXT NOT NULL,
  t INTEGER NOT NULL,
  current INTEGER,
  limit_kb INTEGER,
  peak INTEGER,
  swap INTEGER,
  pressure REAL,
  PRIMARY KEY (t, dirs)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  t INTEGER NOT NULL,
  kind TEXT NOT NULL,
  pid INTEGER,
  name TEXT,
  cgroup TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_t ON events (t);
`;

export class StoreError extends Error {}

async function sqlite(): Promise<typeof BetterSqlite3> {
  try {
    return (await import('better-sqlite3')).default;
  } catch (e) {
    throw new StoreError(
      `cannot load better-sqlite3, which recording needs (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): run pmemstat record/replay with the system's node, where \`npm install\` built it`,
    );
  }
}

/** Open (and for the recorder, create) the recording; a reader opens it read-only and never creates it. */
export async function openDb(file: string, write: boolean): Promise<Db> {
  const Database = await sqlite();
  let db: Db;
  try {
    db = new Database(file, write ? {} : { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new StoreError(`cannot open the recording ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    // A reader waits out the recorder's commit (a few ms) rather than fail.
    db.pragma('busy_timeout = 2000');
    if (write) {
      // Before any table exists: freed pages can then go back to the file system (the size cap).
      db.pragma('auto_vacuum = INCREMENTAL');
      // WAL: readers (sqlite3, replay) never block the recorder, and a commit is on disk when
      // it returns, so kill -9 loses at most the sample being written.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // An older recording is refused before any table of this schema is added to it.
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").pluck().get() !== undefined;
      const v = hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined) : undefined;
      if (v !== undefined && Number(v) !== SCHEMA_VERSION) {
        throw new StoreError(
          `${file} is a recording of schema ${v}; this pmemstat writes schema ${SCHEMA_VERSION}${Number(v) < SCHEMA_VERSION ? ' (replay still reads it): move it away, or record with another --dir' : ', written by a newer pmemstat'}`,
        );
      }
      db.exec(SCHEMA);
      if (v === undefined) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', String(SCHEMA_VERSION));
    } else {
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").pluck().get() !== undefined;
      const v = hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined) : undefined;
      if (v === undefined) throw new StoreError(`${file} is not a pmemstat recording`);
      if (Number(v) > SCHEMA_VERSION) throw new StoreError(`${file} is a recording of schema ${v}, written by a newer pmemstat; this one reads schemas ${OLDEST_READABLE_SCHEMA} to ${SCHEMA_VERSION}`);
    }
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return db;
}

/** SQLite's "disk full" (SQLITE_FULL) and the file system's ENOSPC. */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR') && /full|space/i.test(String(e)));
}
