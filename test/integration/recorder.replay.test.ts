// Replay is exact: what `pmemstat replay --at` prints for a recorded sample is what the live
// report of that same sample showed. Against the live /proc (in process, real SQLite file) and a
// captured loop (the real commands, as a user runs them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIso } from '../../src/core/isotime';
import { Reporter } from '../../src/core/report';
import type { GroupBy, GroupRow, Report } from '../../src/core/types';
import { cgroupReader } from '../../src/proc/cgroupfs';
import { parseCliArgs } from '../../src/cli/cliargs';
import { Sampler } from '../../src/sampler/sampler';
import { openDb, RECORDING_FILE } from '../../src/recorder/db';
import { EventWatcher } from '../../src/recorder/events';
import { RecordingReader } from '../../src/recorder/reader';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../../src/recorder/recorder';
import { replayReport } from '../../src/recorder/replayCommand';
import type { RecordTick, TickSource } from '../../src/recorder/source';
import { RecordingWriter } from '../../src/recorder/writer';
import { REPO } from '../support';
import { reportOptions } from '../../src/shared/engineOptions';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pmemstat-rec-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A row's figures: everything but how it changed since the report before (the type and delta). */
const figures = (r: GroupRow) => ({ ...r, type: r.type === 'x' ? 'x' : '', delta: 0 });
const same = (r: Report) => ({ leader: r.leader, detail: r.detail, total: figures(r.total), rows: r.rows.map(figures) });

describe('replay against the live report of the same sample (live /proc)', () => {
  const live: { t: number; reports: Map<GroupBy, Report> }[] = [];
  const groupings: GroupBy[] = ['exe', 'pid', 'cmd', 'unit'];
  let file = '';

  beforeAll(async () => {
    const dir = tmp();
    file = join(dir, RECORDING_FILE);
    const sampler = new Sampler({ root: '/', cgroups: true, kernelCpu: true });
    let clock = 0;
    // The live views of each sample, one Reporter per grouping, as the CLI's loop keeps one.
    const reporters = new Map(groupings.map((g) => [g, new Reporter(reportOptions({ groupBy: g, riseToTop: false }), cgroupReader(() => '/'))]));
    const source: TickSource = {
      done: false,
      async tick(): Promise<RecordTick> {
        // A clock of a second a sample, whatever a sample takes here: whole frames every 2.5 s
        // are then the first and the fourth, and the others are replayed from changes.
        const sample = await sampler.sampleAsync(clock++ * 1000 + Date.UTC(2026, 0, 1));
        live.push({ t: sample.time, reports: new Map([...reporters].map(([g, r]) => [g, r.report(sample)])) });
        return { sample, newSuspects: [] };
      },
      close: () => sampler.close(),
    };
    const db = await openDb(file, true);
    const writer = new RecordingWriter(db);
    writer.beginSession(Date.now());
    const rec = new Recorder(source, writer, new EventWatcher('/'), cgroupReader(() => '/'), { ...DEFAULT_RECORDER_OPTIONS, fullEverySecs: 2.5 });
    for (let i = 0; i < 6; i++) {
      await rec.step();
      await new Promise((r) => setTimeout(r, 700));
    }
    source.close();
    db.close();
  });

  it('gives every sample, under every grouping but cgroup ones, exactly as the live report had it', async () => {
    const db = await openDb(file, false);
    const reader = new RecordingReader(db);
    expect(reader.times()).toEqual(live.map((l) => l.t));
    expect(db.prepare('SELECT full FROM ticks ORDER BY t').pluck().all()).toEqual([1, 0, 0, 1, 0, 0]);
    for (const { t, reports } of live) {
      for (const g of ['exe', 'pid', 'cmd'] as const) {
        const o = parseCliArgs(['-g', g, '-R']);
        expect(same(replayReport(reader, t, o))).toEqual(same(reports.get(g)!));
      }
    }
    db.close();
  });

  it('groups by unit as live did; the kernel figures are those read when the sample was recorded', async () => {
    const db = await openDb(file, false);
    const reader = new RecordingReader(db);
    let both = 0;
    for (const { t, reports } of live) {
      const r = replayReport(reader, t, parseCliArgs(['-g', 'unit', '-R']));
      const l = reports.get('unit')!;
      // The live report read the cgroups' files a moment before the recorder did: a cgroup's
      // usage moves between the two reads (and a short-lived one may come or go).
      const strip = (x: Report) => same({ ...x, rows: x.rows.map((row) => ({ ...row, kernel: undefined })) });
      expect(strip(r)).toEqual(strip(l));
      for (const row of r.rows) {
        const was = l.rows.find((x) => x.key === row.key)?.kernel;
        if (!row.kernel || !was) continue;
        both++;
        expect([row.kernel.dir, row.kernel.limit]).toEqual([was.dir, was.limit]);
      }
    }
    expect(both).toBeGreaterThan(0);
    db.close();
  });
});

describe('replay of a captured loop through the commands (pmemstat record, replay --at --json)', () => {
  const bin = join(REPO, 'bin', 'pmemstat');
  const root = join(REPO, 'fixtures', 'loop-a');
  const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  });

  it('prints for each recorded sample the report the live --json printed for it', () => {
    const dir = tmp();
    const rec = run(['record', '--dir', dir, '--root', root, '--interval', '0.1']);
    expect(rec.status, rec.stderr).toBe(0);
    expect(statSync(join(dir, RECORDING_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const liveOut = run(['--root', root, '--json', '-W', '-U', '-R', '-g', 'cmd']);
    expect(liveOut.status, liveOut.stderr).toBe(0);
    const lives = liveOut.stdout.trim().split('\n').map((l) => JSON.parse(l) as Report);
    const times = spawnSync('sqlite3', [join(dir, RECORDING_FILE), 'SELECT t FROM ticks ORDER BY t'], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
    expect(times.length).toBe(lives.length);
    times.forEach((t, i) => {
      const out = run(['replay', '--dir', dir, '--at', localIso(t), '--json', '-R', '-g', 'cmd']);
      expect(out.status, out.stderr).toBe(0);
      const replayed = JSON.parse(out.stdout) as Report;
      expect(replayed.leader.time).toBe(t);
      const norm = (r: Report) => same({ ...r, leader: { ...r.leader, time: 0 } });
      expect(norm(replayed)).toEqual(norm(lives[i]));
    });
    // --from: every sample, as the live loop printed them, row types and all.
    const range = run(['replay', '--dir', dir, '--from', localIso(times[0]), '--json', '-R', '-g', 'cmd']);
    expect(range.status, range.stderr).toBe(0);
    const all = range.stdout.trim().split('\n').map((l) => JSON.parse(l) as Report);
    const noTime = (r: Report) => ({ ...r, leader: { ...r.leader, time: 0 } });
    expect(all.map(noTime)).toEqual(lives.map(noTime));
    // Text too: the same report, under its time.
    const text = run(['replay', '--dir', dir, '--at', localIso(times[1])]);
    expect(text.stdout.split('\n')[0]).toBe(`recorded at ${localIso(times[1])}`);
    expect(text.stdout).toContain('TOTALS');
  });

  it('says so when nothing was recorded by then, or there is no recording', () => {
    const dir = tmp();
    expect(run(['record', '--dir', dir, '--root', root, '--interval', '0.1']).status).toBe(0);
    const early = run(['replay', '--dir', dir, '--at', '2001-01-01T00:00']);
    expect(early.status).toBe(2);
    expect(early.stderr).toMatch(/nothing recorded at or before 2001-01-01T00:00:00.000 \(it starts at /);
    const none = run(['replay', '--dir', join(dir, 'nowhere'), '--at', 'now']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no recording in');
    const bad = run(['replay', '--dir', dir, '--at', 'yesterday']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('expected an ISO 8601 time');
  });
});

