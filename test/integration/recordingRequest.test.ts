// The helper's `recording` (and `recordingSeries`) request on real recording files made by the real `pmemstat record`:
// the helper bundle alone in a directory (no node_modules: better-sqlite3 cannot load, as under
// VS Code's runtime) reads them with its bundled WebAssembly SQLite, read-only — a finished
// recording, and one the recorder is still writing — and refuses what is not a regular file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIso } from '../../src/core/isotime';
import { RECORDING_FILE } from '../../src/recorder/db';
import { fromWireReport, type Reply } from '../../src/shared/protocol';
import type { Report } from '../../src/core/types';
import { RawHelper, waitUntil } from './helperSetup';
import { REPO, tmpDir, titled, unmet } from '../support';

const bin = join(REPO, 'bin', 'pmemstat');
const work = tmpDir('recreq');
const needs = unmet('sqlite3');
const alone = join(work, 'helper');
const done = join(work, 'done');
const live = join(work, 'live');
let helper: RawHelper;
let recorder: ChildProcess | null = null;
let times: number[] = [];
let nextId = 1;
const sql = (file: string, q: string) => spawnSync('sqlite3', [file, q], { encoding: 'utf8' });
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

beforeAll(async () => {
  if (needs) return;
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  mkdirSync(alone);
  for (const f of ['sampler.js', 'procworker.js', 'node-sqlite3-wasm.wasm']) copyFileSync(join(REPO, 'dist', f), join(alone, f));
  const rec = spawnSync(process.execPath, [bin, 'record', '--dir', done, '--root', join(REPO, 'fixtures', 'loop-a'), '--interval', '0.1'], { encoding: 'utf8', timeout: 60_000 });
  expect(rec.status, rec.stderr).toBe(0);
  const file = join(done, RECORDING_FILE);
  times = sql(file, 'SELECT t FROM ticks ORDER BY t').stdout.trim().split('\n').map(Number);
  expect(sql(file, `INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (${times[1]}, 'oom-kill', 4242, 'hog', '/test.slice', '{}')`).status).toBe(0);
  helper = new RawHelper(join(alone, 'sampler.js'));
  await helper.waitFor(1);
}, 120_000);

afterAll(async () => {
  helper?.close();
  if (recorder && recorder.exitCode === null) {
    recorder.kill('SIGTERM');
    await new Promise((r) => recorder?.once('exit', r));
  }
});

async function ask(path: string, at: number | null, timeline: boolean): Promise<Reply> {
  return helper.request({ id: nextId++, type: 'recording', path, at, timeline });
}
function ok(r: Reply): { at: number; report: Report; times?: number[]; events?: { t: number; kind: string; pid: number | null; name: string | null; cgroup: string | null }[] } {
  if (r.type !== 'recording' || !r.result.ok) throw new Error(`not a recording: ${JSON.stringify(r).slice(0, 300)}`);
  return { ...r.result, report: fromWireReport(r.result.report) };
}
function refused(r: Reply): string {
  if (r.type !== 'recording' || r.result.ok) throw new Error(`not refused: ${JSON.stringify(r).slice(0, 300)}`);
  return r.result.message;
}

describe.skipIf(needs !== '')(titled('the helper reads a recording (without better-sqlite3)', needs), () => {
  it('gives the timeline, the events and the report of a moment, as replay --at --json does', async () => {
    const file = join(done, RECORDING_FILE);
    const before = hash(file);
    const last = ok(await ask(file, null, true));
    expect(last.at).toBe(times[2]);
    expect(last.times).toEqual(times);
    expect(last.events).toEqual([{ t: times[1], kind: 'oom-kill', pid: 4242, name: 'hog', cgroup: '/test.slice' }]);
    for (const i of [0, 1, 2]) {
      const m = ok(await ask(file, times[i] + 50, false));
      expect(m.at).toBe(times[i]);
      expect(m.times).toBeUndefined();
      const cli = spawnSync(process.execPath, [bin, 'replay', '--dir', done, '--at', localIso(times[i]), '--json'], { encoding: 'utf8' });
      const want = JSON.parse(cli.stdout) as Report;
      expect(m.report.leader).toEqual(want.leader);
      expect(m.report.total).toEqual(want.total);
      expect(m.report.rows.map((r) => [r.key, r.type, r.mem.ptotal, r.count])).toEqual(want.rows.map((r) => [r.key, r.type, r.mem.ptotal, r.count]));
    }
    expect(refused(await ask(file, times[0] - 1, false))).toContain('nothing recorded at or before');
    // Read-only: the file is as it was, and the reader's lock is gone.
    expect(hash(file)).toBe(before);
    expect(readdirSync(done).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('reads a recording the recorder is writing, without stopping it', async () => {
    recorder = spawn(process.execPath, [bin, 'record', '--dir', live, '--interval', '0.2'], { stdio: 'ignore' });
    const file = join(live, RECORDING_FILE);
    const count = () => Number(sql(file, 'SELECT count(*) FROM ticks').stdout.trim() || 0);
    expect(await waitUntil(() => existsSync(file) && count() >= 3, 20_000)).toBe(true);
    const first = ok(await ask(file, null, true));
    expect(first.times!.length).toBeGreaterThanOrEqual(3);
    expect(first.report.total.count).toBeGreaterThan(0);
    expect(await waitUntil(() => count() >= first.times!.length + 3, 20_000)).toBe(true);
    const second = ok(await ask(file, null, true));
    expect(second.times!.length).toBeGreaterThan(first.times!.length);
    expect(second.at).toBeGreaterThan(first.at);
    expect(recorder.exitCode).toBeNull();
    recorder.kill('SIGTERM');
    const code = await new Promise((r) => recorder?.once('exit', r));
    expect(code).toBe(0);
    expect(readdirSync(live).filter((f) => f.endsWith('.lock'))).toEqual([]);
  }, 60_000);

  it('refuses what is not a regular file, and creates nothing', async () => {
    const file = join(done, RECORDING_FILE);
    const link = join(work, 'link.db');
    symlinkSync(file, link);
    expect(refused(await ask(link, null, false))).toContain('is a symbolic link');
    expect(refused(await ask(done, null, false))).toContain('is not a regular file');
    const fifo = join(work, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(refused(await ask(fifo, null, false))).toContain('is not a regular file');
    expect(refused(await ask('/dev/zero', null, false))).toContain('is not a regular file');
    const missing = join(work, 'nowhere', RECORDING_FILE);
    expect(refused(await ask(missing, null, false))).toContain('no such file');
    expect(existsSync(join(work, 'nowhere'))).toBe(false);
    expect(refused(await ask('/etc/hostname', null, false))).toMatch(/not a pmemstat recording|not a database/);
    const other = join(work, 'other.db');
    expect(sql(other, 'CREATE TABLE t (x); INSERT INTO t VALUES (1);').status).toBe(0);
    expect(refused(await ask(other, null, false))).toContain('is not a pmemstat recording');
  });

  it('without its .wasm beside it the helper still serves, and says what is missing', async () => {
    const bare = join(work, 'bare');
    mkdirSync(bare);
    for (const f of ['sampler.js', 'procworker.js']) copyFileSync(join(REPO, 'dist', f), join(bare, f));
    const h = new RawHelper(join(bare, 'sampler.js'));
    try {
      await h.waitFor(1);
      const ping = await h.request({ id: 1, type: 'ping' });
      expect(ping.type).toBe('ping');
      const r = await h.request({ id: 2, type: 'recording', path: join(done, RECORDING_FILE), at: null, timeline: false });
      if (r.type !== 'recording' || r.result.ok) throw new Error(`not refused: ${JSON.stringify(r).slice(0, 200)}`);
      expect(r.result.message).toContain('cannot load the WebAssembly SQLite');
    } finally {
      h.close();
    }
  });

  it('gives a group\u2019s memory over the recording (recordingSeries), as the replayed reports\u2019 rows, answered while a moment is read too', async () => {
    const file = join(done, RECORDING_FILE);
    const reports = [0, 1, 2].map((i) => JSON.parse(spawnSync(process.execPath, [bin, 'replay', '--dir', done, '--at', localIso(times[i]), '--json'], { encoding: 'utf8' }).stdout) as Report);
    const key = reports[2].rows[0].key;
    // Asked at once with a moment: the helper serves both (one reader at a time holds the file).
    const [series, moment] = await Promise.all([
      helper.request({ id: nextId++, type: 'recordingSeries', path: file, key, from: null, to: null, points: 100 }),
      ask(file, times[1], false),
    ]);
    expect(ok(moment).at).toBe(times[1]);
    if (series.type !== 'recordingSeries' || !series.result.ok) throw new Error(`no series: ${JSON.stringify(series).slice(0, 300)}`);
    expect(series.result.series.times).toEqual(times);
    expect(series.result.series.mem.ptotal).toEqual(reports.map((r) => r.rows.find((x) => x.key === key && x.type !== 'x')?.mem.ptotal ?? 0));
    const bad = await helper.request({ id: nextId++, type: 'recordingSeries', path: file, key, from: times[2], to: times[0], points: 100 });
    expect(bad.type === 'error' && bad.code).toBe('invalid');
    const link = await helper.request({ id: nextId++, type: 'recordingSeries', path: done, key, from: null, to: null, points: 100 });
    expect(link.type === 'recordingSeries' && !link.result.ok && link.result.message).toContain('is not a regular file');
  });

  it('rejects a relative path, a .. and a bad moment as invalid requests', async () => {
    for (const [path, at, why] of [
      ['pmemstat.db', null, 'must be an absolute path'],
      [`${done}/../done/${RECORDING_FILE}`, null, 'must not contain ..'],
      [join(done, RECORDING_FILE), -5, 'at'],
      [join(done, RECORDING_FILE), 'yesterday', 'at'],
    ] as const) {
      const r = await helper.request({ id: nextId++, type: 'recording', path, at, timeline: false });
      expect(r.type).toBe('error');
      if (r.type === 'error') {
        expect(r.code).toBe('invalid');
        expect(r.message).toContain(why);
      }
    }
  });
});
