// A recording of the older schema (1: names inline, no `reads`) still replays with this
// pmemstat, and the recorder refuses to go on in it with a clear message; a newer schema is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_FILE } from '../../src/recorder/db';
import { REPO } from '../support';

const bin = join(REPO, 'bin', 'pmemstat');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pmemstat-schema-'));
  dirs.push(d);
  return d;
};
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Schema 1 as pmemstat 0.1 wrote it (the tables replay reads).
const SCHEMA_1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE ticks (t INTEGER PRIMARY KEY, full INTEGER NOT NULL, mem_total INTEGER NOT NULL, mem_available INTEGER NOT NULL, swap_used INTEGER NOT NULL, shmem INTEGER NOT NULL, pressure_some REAL, procs INTEGER NOT NULL, sys TEXT NOT NULL);
CREATE TABLE places (id INTEGER PRIMARY KEY, cgroup TEXT NOT NULL UNIQUE);
CREATE TABLE procs (id INTEGER PRIMARY KEY, pid INTEGER NOT NULL, starttime INTEGER NOT NULL, exe TEXT NOT NULL, cmd TEXT NOT NULL, cgroup TEXT, place INTEGER, start_t INTEGER NOT NULL, end_t INTEGER);
CREATE TABLE figs (proc INTEGER NOT NULL, t INTEGER NOT NULL, pss INTEGER NOT NULL, data INTEGER NOT NULL, text INTEGER NOT NULL, shoth INTEGER NOT NULL, shsysv INTEGER NOT NULL, stack INTEGER NOT NULL, pswap INTEGER NOT NULL, uss INTEGER NOT NULL, epss INTEGER NOT NULL, pss_shmem INTEGER NOT NULL, cpu REAL NOT NULL, oom INTEGER, as_of INTEGER, PRIMARY KEY (t, proc)) WITHOUT ROWID;
CREATE TABLE cgroups (dirs TEXT NOT NULL, t INTEGER NOT NULL, current INTEGER, limit_kb INTEGER, peak INTEGER, swap INTEGER, pressure REAL, PRIMARY KEY (t, dirs)) WITHOUT ROWID;
CREATE TABLE events (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, kind TEXT NOT NULL, pid INTEGER, name TEXT, cgroup TEXT, detail TEXT NOT NULL);
`;
const T0 = Date.UTC(2026, 0, 1, 3);
const SYS = { meminfo: { memTotal: 8_000_000, memAvailable: 4_000_000, shmem: 0, dirty: 0, swapTotal: 0, swapFree: 0 }, cpu: { totalTicks: 1, ncpu: 2 }, pgmajfault: 0, zram: null, totalUserProcs: 2, inaccessible: 0, inaccessibleProcs: [], filtered: 0, kernelCpu: 0, topKernelThreads: [], majfaultsPerSec: 0, detail: false, pressure: null };

function schema1(dir: string, version = '1'): void {
  const db = new Database(join(dir, RECORDING_FILE));
  db.exec(SCHEMA_1);
  db.prepare("INSERT INTO meta VALUES ('schema', ?)").run(version);
  const tick = db.prepare('INSERT INTO ticks VALUES (?, ?, 8000000, 4000000, 0, 0, NULL, 2, ?)');
  tick.run(T0, 1, JSON.stringify(SYS));
  tick.run(T0 + 5000, 0, JSON.stringify(SYS));
  db.prepare('INSERT INTO procs VALUES (1, 100, 1000, ?, ?, NULL, NULL, ?, NULL)').run('old-daemon', 'old-daemon --serve', T0);
  db.prepare('INSERT INTO procs VALUES (2, 200, 2000, ?, ?, NULL, NULL, ?, NULL)').run('old-worker', 'old-worker -j4', T0);
  const fig = db.prepare('INSERT INTO figs VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?, 0, 0.0, NULL, ?)');
  fig.run(1, T0, 5000, 5000, 5000, 5000, null);
  fig.run(2, T0, 7000, 7000, 7000, 7000, null);
  // Schema 1 wrote a row when only the read time moved: at the second sample, read at the first.
  fig.run(1, T0 + 5000, 5000, 5000, 5000, 5000, T0);
  db.close();
}

describe('the schema version', () => {
  let dir = '';
  beforeAll(() => {
    const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    dir = tmp();
    schema1(dir);
  });

  it('replays a schema 1 recording, read times as it kept them', () => {
    const r = run(['replay', '--dir', dir, '--at', new Date(T0 + 5000).toISOString(), '--json', '-g', 'pid']);
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { rows: { pid: number; mem: { ptotal: number }; members: { cmd: string; asOf?: number }[] }[] };
    const rows = new Map(rep.rows.map((x) => [x.pid, x]));
    expect(rows.get(100)?.members[0].cmd).toBe('old-daemon --serve');
    expect(rows.get(100)?.mem.ptotal).toBe(5000);
    expect(rows.get(100)?.members[0].asOf).toBe(T0);
    expect(rows.get(200)?.members[0].cmd).toBe('old-worker -j4');
    expect(rows.get(200)?.mem.ptotal).toBe(7000);
    // Schema 1: no row since the first sample said read then, at every sample up to the next row.
    expect(rows.get(200)?.members[0].asOf).toBeUndefined();
  });

  it('refuses to record on in it, saying replay still reads it', () => {
    const r = run(['record', '--dir', dir, '--root', join(REPO, 'fixtures', 'loop-a'), '--interval', '0.1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is a recording of schema 1; this pmemstat writes schema 2 \(replay still reads it\)/);
    const db = new Database(join(dir, RECORDING_FILE), { readonly: true });
    // Nothing of the new schema was added to it.
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('names', 'reads', 'proc')").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a recording of a newer schema, in replay and in record', () => {
    const d = tmp();
    schema1(d, '99');
    const r = run(['replay', '--dir', d, '--at', 'now']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is a recording of schema 99, written by a newer pmemstat');
    const w = run(['record', '--dir', d, '--root', join(REPO, 'fixtures', 'loop-a'), '--interval', '0.1']);
    expect(w.status).toBe(2);
    expect(w.stderr).toContain('written by a newer pmemstat');
  });
});
