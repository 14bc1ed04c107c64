// Crash safety of a real recorder on a real SQLite file: kill -9 at any moment loses at most the
// sample being written, the file opens and replays afterwards, and a restarted recorder goes on
// in it; sqlite3 reads it while it records; SIGTERM ends cleanly (exit 0); a second recorder
// on the same directory refuses.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, RECORDING_FILE } from '../../src/recorder/db';
import { LOCK_FILE } from '../../src/recorder/lock';
import { REPO, sleep } from '../support';
import { reapedEnv } from '../support/reaped';

const bin = join(REPO, 'bin', 'pmemstat');
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-crash-'));
const file = join(dir, RECORDING_FILE);
const started: ChildProcess[] = [];
const INTERVAL = 0.3;

function record(): ChildProcess {
  const c = spawn(process.execPath, [bin, 'record', '--dir', dir, '--interval', String(INTERVAL)], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: reapedEnv() });
  started.push(c);
  return c;
}

const exited = (c: ChildProcess) => new Promise<{ code: number | null; signal: string | null; stderr: string }>((res) => {
  let stderr = '';
  c.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  c.once('exit', (code, signal) => res({ code, signal, stderr }));
});

async function ticks(): Promise<number[]> {
  if (!existsSync(file)) return [];
  const db = await openDb(file, false).catch(() => null);
  if (!db) return [];
  try {
    return db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
  } finally {
    db.close();
  }
}

async function until(n: number, timeoutMs = 30_000): Promise<number[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const t = await ticks();
    if (t.length >= n) return t;
    if (Date.now() > end) throw new Error(`only ${t.length} samples recorded`);
    await sleep(100);
  }
}

beforeAll(() => {
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
});

afterAll(() => {
  for (const c of started) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(-c.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('a recorder killed with SIGKILL', () => {
  it('loses at most the sample being written, each time, and its file opens, checks and replays', async () => {
    let before = 0;
    for (let round = 0; round < 4; round++) {
      const c = record();
      const gone = exited(c);
      const seen = await until(before + 3);
      // Any moment: a random point of the interval, mid-sample or mid-commit.
      await sleep(Math.floor(Math.random() * INTERVAL * 1000));
      const killedAt = Date.now();
      process.kill(c.pid!, 'SIGKILL');
      expect((await gone).signal).toBe('SIGKILL');

      const db = await openDb(file, false);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const t = db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
      db.close();
      // Nothing committed is lost…
      expect(t.slice(0, seen.length)).toEqual(seen);
      // …and what is lost is at most the sample in flight: the last one is within one step of the kill.
      const steps = t.slice(1).map((x, i) => x - t[i]);
      expect(killedAt - t[t.length - 1]).toBeLessThanOrEqual(Math.max(...steps) * 2);
      before = t.length;

      const replay = spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--at', 'now', '--json', '-g', 'pid'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(replay.status, replay.stderr).toBe(0);
      const pids = (JSON.parse(replay.stdout) as { rows: { pid: number | null }[] }).rows.map((r) => r.pid);
      expect(pids).toContain(process.pid);
    }
  });

  it('is followed by one that goes on in the same file, closing what the killed one left open', async () => {
    const before = await ticks();
    const c = record();
    const gone = exited(c);
    await until(before.length + 2);
    // A second recorder on the same directory refuses, naming the first.
    const second = spawnSync(process.execPath, [bin, 'record', '--dir', dir], { encoding: 'utf8', timeout: 20_000 });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`another recorder (pid ${c.pid}) is recording in ${dir}`);
    // Users' own queries while it records: sqlite3 reads the file (and its write-ahead log) as it grows.
    const count = () => {
      const q = spawnSync('sqlite3', ['-readonly', file, 'SELECT count(*) FROM ticks'], { encoding: 'utf8' });
      expect(q.status, q.stderr).toBe(0);
      return Number(q.stdout.trim());
    };
    const n0 = count();
    await until(n0 + 2);
    expect(count()).toBeGreaterThanOrEqual(n0 + 2);
    // SIGTERM: the sample being written ends, then exit 0, the lock released.
    process.kill(c.pid!, 'SIGTERM');
    const end = await gone;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).toMatch(/continuing a recording that ends/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const db = await openDb(file, false);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // This test's own process lived through every session: one row per session, each closed
    // just after the last sample of its session but the newest.
    const rows = db.prepare('SELECT start_t, end_t FROM procs WHERE pid = ? ORDER BY start_t').all(process.pid) as { start_t: number; end_t: number | null }[];
    expect(rows.length).toBe(5);
    expect(rows[4].end_t).toBeNull();
    for (const r of rows.slice(0, 4)) {
      const last = db.prepare('SELECT max(t) FROM ticks WHERE t < ?').pluck().get(r.end_t) as number;
      expect(r.end_t).toBe(last + 1);
    }
    db.close();
  });
});
