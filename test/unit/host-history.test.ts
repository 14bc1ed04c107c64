// Memory history, leak suspicion and snapshots on the host side: the HistoryFeed on its own,
// and fed through the PanelController by a helper that replays the captured loop fixture.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpDir } from '../support';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import { History, MAX_CAPACITY } from '../../src/core/history';
import { Reporter } from '../../src/core/report';
import type { GroupBy, GroupRow, Report, Sample } from '../../src/core/types';
import { HISTORY_CSV_COLUMNS, groupHistoryCsv } from '../../src/host/exportSnapshot';
import { capacityFor, HistoryFeed, type LeakSummary } from '../../src/host/historyFeed';
import type { LaunchFn } from '../../src/host/helperSession';
import { PanelController } from '../../src/host/panelController';
import { readLeakSettings, SettingsStore } from '../../src/host/settings';
import { snapshotJson } from '../../src/shared/snapshot';
import { DEFAULT_PANEL_SETTINGS, SPARK_POINTS, type GroupHistory, type HistoryStamp, type LeakInfo, type SparkSeries } from '../../src/shared/webviewProtocol';
import { replayRoots } from '../../src/cli/cli';
import { Sampler } from '../../src/sampler/sampler';
import { FakeHelper, recordingLog } from './host-fakes';
import { resetStub, stub, Uri, type FakePanel } from './vscode-stub';
import { groupOfProcs, procRow as row } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

const LOOP_A = join(__dirname, '..', '..', 'fixtures', 'loop-a');


function report(time: number, rows: GroupRow[], groupBy: GroupBy = 'exe'): Report {
  const total = row('TOTALS', rows.reduce((a, r) => a + r.mem.ptotal, 0), 'T');
  return {
    options: reportOptions({ groupBy }),
    detail: false,
    total,
    rows,
    leader: {
      time,
      memTotal: 1,
      used: 1,
      avail: 1,
      oth: null,
      shTmp: 0,
      dirty: 0,
      pidsShown: rows.length,
      pidsTotal: rows.length,
      inaccessible: 0,
      search: '',
      kernelCpu: 0,
      topKernelThreads: [],
      zram: null,
      majfaultsPerSec: 0,
    },
  };
}

describe('HistoryFeed', () => {
  it('keeps an hour at the loop interval, at least the leak window and a sparkline, within the budget', () => {
    expect(capacityFor(5, { samples: 20, minGrowthKb: 1024 })).toBe(720);
    expect(capacityFor(1, { samples: 20, minGrowthKb: 1024 })).toBe(MAX_CAPACITY);
    expect(capacityFor(600, { samples: 20, minGrowthKb: 1024 })).toBe(SPARK_POINTS);
    expect(capacityFor(600, { samples: 100, minGrowthKb: 1024 })).toBe(101);
    expect(capacityFor(600, { samples: 5000, minGrowthKb: 1024 })).toBe(MAX_CAPACITY);
  });

  it('stamps each sample; records the reported deltas; the group history lines them up', () => {
    const f = new HistoryFeed(5, { samples: 4, minGrowthKb: 100 });
    expect(f.stamp()).toBeNull();
    const types: GroupRow['type'][] = ['A', '', '+1000K', '', '-1000K'];
    const stamps: HistoryStamp[] = [];
    types.forEach((t, i) => stamps.push(f.add(report(1000 * i, [row('a', 5000 + i, t), row('b', 7000, i ? '' : 'A')], 'exe')).stamp));
    expect(stamps).toEqual([0, 1, 2, 3, 4].map((seq) => ({ start: 0, seq })));
    const g = f.group('a') as GroupHistory;
    expect(g.times).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(g.mem.ptotal).toEqual([5000, 5001, 5002, 5003, 5004]);
    expect(g.mem.text).toEqual([10, 10, 10, 10, 10]);
    expect(g.types).toEqual(types);
    expect(f.group('nope')).toBeNull();
    expect(f.sparks()).toEqual([
      { key: 'a', values: [5000, 5001, 5002, 5003, 5004] },
      { key: 'b', values: [7000, 7000, 7000, 7000, 7000] },
    ]);
    expect(f.groups().map((x) => [x.key, x.ptotal, x.samples])).toEqual([
      ['b', 7000, 5],
      ['a', 5004, 5],
    ]);
  });

  it('a new grouping re-derives the groups from the same processes: the past shows at once, the webview refetches', () => {
    const f = new HistoryFeed(5, { samples: 4, minGrowthKb: 100 });
    f.add(report(0, [groupOfProcs('a', [[100, 1], [101, 10]])], 'exe'));
    f.add(report(1, [groupOfProcs('a', [[100, 2], [101, 10]])], 'exe'));
    const { stamp } = f.add(report(2, [groupOfProcs('100', [[100, 3]]), groupOfProcs('101', [[101, 10]])], 'pid'));
    expect(stamp).toEqual({ start: 1, seq: 2 }); // a gap for the webview's copies: it asks for the series again
    expect(f.group('a')).toBeNull();
    expect(f.group('100')?.mem.ptotal).toEqual([1, 2, 3]);
    expect(f.sparks()).toEqual([
      { key: '100', values: [1, 2, 3] },
      { key: '101', values: [10, 10, 10] },
    ]);
    expect(f.grouping).toBe('pid');
    f.add(report(3, [groupOfProcs('a', [[100, 4], [101, 10]])], 'exe'));
    expect(f.group('a')?.mem.ptotal).toEqual([11, 12, 13, 14]);
  });

  it('a vanished group keeps its history (its chart stays readable) until its processes are forgotten', () => {
    const f = new HistoryFeed(5, { samples: 4, minGrowthKb: 100 });
    f.add(report(0, [row('a', 5), row('b', 7, 'A')], 'exe'));
    f.add(report(1, [row('a', 5), row('b', 8, '+1K')], 'exe'));
    f.add(report(2, [row('a', 5), row('b', 8, 'x')], 'exe')); // killed
    f.add(report(3, [row('a', 5)], 'exe'));
    expect(f.group('b')).toEqual({ key: 'b', times: [0, 1], mem: expect.objectContaining({ ptotal: [7, 8] }), types: ['A', '+1K'] });
    expect(f.sparks().map((s) => s.key)).toEqual(['a']);
  });

  it('judges leaks: a steadily growing group is flagged once, a steady one never', () => {
    const f = new HistoryFeed(2, { samples: 5, minGrowthKb: 1000 });
    const flagged: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = f.add(report(2000 * i, [row('memtest', 10_000 + 400 * i), row('sleep', 600 + (i % 2))], 'exe'));
      flagged.push(...r.flagged.map((x) => x.key));
    }
    expect(flagged).toEqual(['memtest']);
    const leaks = f.leaks();
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ key: 'memtest', info: 'memtest', growthKb: 2000, seconds: 10, rises: 5, falls: 0, steps: 5, ptotal: 14_400 });
    expect(f.leakInfos()).toEqual([{ key: 'memtest', growthKb: 2000, seconds: 10, rises: 5, falls: 0, steps: 5, procs: 1 }]);
    // A larger threshold: re-judged at once.
    f.configure(2, { samples: 5, minGrowthKb: 5000 });
    expect(f.leaks()).toEqual([]);
  });

  it('resizes on a new loop interval, keeping the newest samples aligned', () => {
    const h = new History(10);
    for (let i = 0; i < 8; i++) h.add(i, i < 3 ? [row('old', 100 + i)] : [row('old', 100 + i), row('young', 200 + i)]);
    const r = h.resized(4);
    expect(r.series('old')).toEqual({ times: [4, 5, 6, 7], values: [104, 105, 106, 107] });
    expect(r.series('young').values).toEqual([204, 205, 206, 207]);
    const big = h.resized(50);
    expect(big.series('young')).toEqual({ times: [3, 4, 5, 6, 7], values: [203, 204, 205, 206, 207] });
    expect(big.series('old', 'text').values).toEqual(Array(8).fill(10));

    const f = new HistoryFeed(5, { samples: 4, minGrowthKb: 100 });
    for (let i = 0; i < 30; i++) f.add(report(i, [row('a', i)], 'exe'));
    f.configure(3600, { samples: 4, minGrowthKb: 100 }); // an hour is one sample: the floor (a sparkline) stays
    expect(f.capacity).toBe(SPARK_POINTS);
    expect(f.group('a')?.mem.ptotal).toHaveLength(30);
    expect(f.add(report(30, [row('a', 30)], 'exe')).stamp).toEqual({ start: 0, seq: 30 });
  });
});

describe('leak settings', () => {
  it('defaults 20 samples / 1024 KB / warning on; out-of-range values are clamped or ignored', () => {
    expect(readLeakSettings(() => undefined)).toEqual({ samples: 20, minGrowthKb: 1024, statusBarWarning: true });
    const raw: Record<string, unknown> = { 'leak.samples': 1, 'leak.minGrowthKb': -5, 'leak.statusBarWarning': false };
    expect(readLeakSettings((k) => raw[k])).toEqual({ samples: 2, minGrowthKb: 1024, statusBarWarning: false });
    expect(readLeakSettings((k) => (k === 'leak.samples' ? 1e6 : undefined)).samples).toBe(MAX_CAPACITY - 1);
  });
});

describe('group history CSV', () => {
  it('a line per sample, every category in KB, the reported type', () => {
    const f = new HistoryFeed(5, { samples: 4, minGrowthKb: 100 });
    f.add(report(Date.UTC(2026, 0, 1, 12, 0, 0), [row('x,"y"', 5000, 'A')], 'exe'));
    f.add(report(Date.UTC(2026, 0, 1, 12, 0, 5), [row('x,"y"', 7000, '+2000K')], 'exe'));
    const csv = groupHistoryCsv(f.group('x,"y"') as GroupHistory).split('\r\n');
    expect(csv[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(csv[0]).toBe('time,unix_ms,pswap_kb,shSYSV_kb,shOth_kb,stack_kb,text_kb,data_kb,other_kb,ptotal_kb,reported,key');
    expect(csv[1]).toBe(`2026-01-01T12:00:00.000Z,${Date.UTC(2026, 0, 1, 12)},0,0,0,0,10,4990,10,5000,A,"x,""y"""`);
    expect(csv[2]).toBe(`2026-01-01T12:00:05.000Z,${Date.UTC(2026, 0, 1, 12, 0, 5)},0,0,0,0,10,6990,10,7000,'+2000K,"x,""y"""`);
    expect(csv[3]).toBe('');
    expect(csv).toHaveLength(4);
  });
});

// ---------------------------------------------------------------- through the controller

/** A helper that replays the captured loop (fixtures/loop-a: 3 samples), then stays on the last. */
function loopLauncher() {
  const roots = replayRoots(LOOP_A);
  const sampler = new Sampler({ root: roots[0], detail: false, kernelCpu: true, cpuAvgSecs: 20, filter: [] });
  let n = 0;
  let t = Date.UTC(2026, 0, 1, 12, 0, 0);
  const source = (): Sample => {
    sampler.setOptions({ root: roots[Math.min(n++, roots.length - 1)] });
    return { ...sampler.sample(), time: (t += 2000) };
  };
  const helpers: FakeHelper[] = [];
  const launch: LaunchFn = async () => {
    const h = new FakeHelper(source);
    helpers.push(h);
    return { client: h, mode: 'root' };
  };
  return { launch, helpers, roots, close: () => sampler.close() };
}

let controller: PanelController | null = null;
let settings: SettingsStore | null = null;
let closeFixture: (() => void) | null = null;
const leakCalls: Array<LeakSummary[] | null> = [];

async function openReplay(opts: { leakSamples?: number } = {}) {
  stub.config.set('pmemstat.loopSeconds', 3600); // samples only when asked (refresh/tick)
  stub.config.set('pmemstat.leak.samples', opts.leakSamples ?? 2);
  stub.config.set('pmemstat.leak.minGrowthKb', 1000);
  const l = loopLauncher();
  closeFixture = l.close;
  settings = new SettingsStore();
  leakCalls.length = 0;
  controller = new PanelController({
    extensionUri: Uri.file('/ext') as never,
    launch: l.launch,
    settings,
    log: recordingLog(),
    version: '0.1.0-test',
    onLeaks: (x) => leakCalls.push(x),
  });
  controller.open();
  const panel = stub.panels[0];
  await vi.waitFor(() => expect(panel.sentOf('report')).toHaveLength(1));
  for (let i = 1; i < l.roots.length; i++) await controller.tick();
  return { controller, panel, l };
}

type ReportMsg = { report: Report; history: HistoryStamp; leaks: LeakInfo[] };
const reports = (p: FakePanel) => p.sentOf('report') as unknown as ReportMsg[];

beforeEach(() => resetStub());
afterEach(() => {
  controller?.dispose();
  settings?.dispose();
  closeFixture?.();
  controller = null;
  settings = null;
  closeFixture = null;
});

describe('history through the controller (captured loop)', () => {
  it('every report carries its stamp and the leak suspects; memtest is flagged, sleep is not', async () => {
    const { panel } = await openReplay();
    const r = reports(panel);
    expect(r.map((m) => m.history)).toEqual([0, 1, 2].map((seq) => ({ start: 0, seq })));
    expect(r[0].leaks).toEqual([]);
    expect(r[2].leaks.map((x) => x.key)).toEqual(['memtest']);
    expect(r[2].leaks[0].growthKb).toBeGreaterThan(1000);
    expect(stub.logs.some((m) => /^\[info\] LEAK\? memtest: 2 processes present throughout grew by [\d,]+ KB in 4s \(up in 2 of 2 steps, down in 0\); ptotal now [\d,]+ KB$/.test(m))).toBe(true);
    const last = leakCalls.at(-1) as LeakSummary[];
    expect(last.map((x) => x.key)).toEqual(['memtest']);
    expect(last[0].ptotal).toBe(r[2].report.rows.find((x) => x.key === 'memtest')?.mem.ptotal);
    expect(controller?.history.isSuspect('sleep')).toBe(false);
  });

  it('ready gets init with the stamp and leaks, then every sparkline; a group history on request', async () => {
    const { panel } = await openReplay();
    panel.fromWebview({ type: 'ready' });
    const init = panel.sentOf('init').at(-1) as unknown as { history: HistoryStamp; leaks: LeakInfo[] };
    expect(init.history).toEqual({ start: 0, seq: 2 });
    expect(init.leaks.map((x) => x.key)).toEqual(['memtest']);
    const sparks = panel.sentOf('sparks').at(-1) as unknown as { history: HistoryStamp; series: SparkSeries[] };
    expect(sparks.history).toEqual({ start: 0, seq: 2 });
    const memtest = sparks.series.find((s) => s.key === 'memtest')?.values ?? [];
    expect(memtest).toEqual(reports(panel).map((m) => m.report.rows.find((x) => x.key === 'memtest')?.mem.ptotal));
    expect(memtest[2]).toBeGreaterThan(memtest[0]);

    panel.fromWebview({ type: 'getGroupHistory', key: 'memtest' });
    const gh = panel.sentOf('groupHistory').at(-1) as unknown as { key: string; capacity: number; group: GroupHistory };
    expect(gh.key).toBe('memtest');
    expect(gh.capacity).toBe(SPARK_POINTS); // an hour at a 3600 s loop is one sample: the floor
    expect(gh.group.mem.ptotal).toEqual(memtest);
    expect(gh.group.times).toEqual(reports(panel).map((m) => m.report.leader.time));
    expect(gh.group.types[0]).toBe('A');
    expect(gh.group.types.slice(1).every((t) => /^\+\d+K$/.test(t))).toBe(true); // grew past 1000 KB each time
    panel.fromWebview({ type: 'getGroupHistory', key: 'no such group' });
    expect(panel.sentOf('groupHistory').at(-1)).toMatchObject({ key: 'no such group', group: null });
  });

  it('regrouping keeps the history: the groups keyed by pid show the past at once', async () => {
    const { panel, l } = await openReplay();
    stub.setConfig('pmemstat.groupBy', 'pid');
    await vi.waitFor(() => expect(l.helpers[0].configured.at(-1)).toMatchObject({ groupBy: 'pid' }));
    await vi.waitFor(() => expect(reports(panel).length).toBeGreaterThanOrEqual(4));
    const m = reports(panel).at(-1) as ReportMsg;
    expect(m.history).toEqual({ start: 2, seq: 3 }); // a gap: the webview fetches the re-derived series
    expect(m.leaks).toEqual([]); // judged anew under the new keys
    expect(controller?.history.grouping).toBe('pid');
    expect(controller?.history.group('memtest')).toBeNull();
    const pid = m.report.rows.find((x) => x.info.includes('memtest'))?.key as string;
    expect(controller?.history.group(pid)?.times).toHaveLength(4);
  });

  it('closing the panel forgets the history and clears the status-bar leaks', async () => {
    const { panel } = await openReplay();
    expect(controller?.history.groups().length).toBeGreaterThan(0);
    panel.dispose();
    expect(controller?.history.groups()).toEqual([]);
    expect(leakCalls.at(-1)).toBeNull();
  });

  it('Export Group History from the panel writes the CSV; the command asks for the group first', async () => {
    const { panel } = await openReplay();
    const dir = tmpDir('hist');
    stub.answer.saveDialog = () => Uri.file(join(dir, 'memtest.csv'));
    panel.fromWebview({ type: 'exportGroupHistory', key: 'memtest' });
    await vi.waitFor(() => expect(stub.written).toHaveLength(1));
    expect(String(stub.saveDialogs[0].defaultUri)).toMatch(/pmemstat-history-memtest-\d{8}-\d{6}\.csv$/);
    const lines = readFileSync(join(dir, 'memtest.csv'), 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/,A,memtest$/);
    expect(lines[3]).toMatch(/,'\+\d+K,memtest$/);

    stub.answer.quickPick = (items) => items.find((i) => i.key === 'sleep');
    stub.answer.saveDialog = () => Uri.file(join(dir, 'sleep.csv'));
    await controller?.exportGroupHistory();
    const pick = stub.quickPicks[0];
    expect(pick.items[0]).toMatchObject({ label: expect.any(String), detail: '3 samples' });
    expect(pick.items.find((i) => i.key === 'memtest')?.description).toContain('$(warning) leak?');
    expect(readFileSync(join(dir, 'sleep.csv'), 'utf8').split('\r\n')).toHaveLength(5);
  });
});

describe('snapshots through the controller', () => {
  it('Export Snapshot writes the versioned JSON; Compare with Snapshot shows what changed since', async () => {
    const { panel } = await openReplay();
    const first = reports(panel)[0].report;
    const dir = tmpDir('snap');
    // The snapshot of the first sample, as Export Snapshot writes it.
    const file = join(dir, 'first.json');
    writeFileSync(file, snapshotJson(first, { mode: 'root', settings: { ...DEFAULT_PANEL_SETTINGS }, version: '0.1.0' }));
    stub.answer.saveDialog = () => Uri.file(join(dir, 'now.json'));
    await controller?.exportSnapshot();
    const now = JSON.parse(readFileSync(join(dir, 'now.json'), 'utf8')) as Record<string, unknown>;
    expect(now).toMatchObject({ tool: 'pmemstat', kind: 'snapshot', schema: 1, version: '0.1.0-test', mode: 'root' });

    stub.answer.openDialog = () => [Uri.file(file)];
    await controller?.compareSnapshot();
    expect(stub.openDialogs[0]).toMatchObject({ canSelectMany: false, filters: { 'pmemstat snapshot': ['json'] } });
    expect(stub.shownDocuments).toHaveLength(1);
    const doc = stub.shownDocuments[0];
    expect(doc.uri).toMatch(/^pmemstat-compare:\/\/\/Compare first\.json\.txt\?1$/);
    expect(doc.text).toContain('pmemstat: compare with snapshot first.json');
    const grown = doc.text.slice(doc.text.indexOf('Grown:'));
    expect(grown).toMatch(/\n\s+\+[\d,]+\s+[\d,]+\s+[\d,]+\s+2->2\s+memtest\n/);
    expect(doc.text).not.toContain('NOTE:');
  });

  it('a bad file gives one clear error and changes nothing', async () => {
    const { panel } = await openReplay();
    const dir = tmpDir('bad');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tool: 'pmemstat', schema: 1, report: { detail: false, rows: [] } }));
    const before = { groups: controller?.history.groups(), reports: reports(panel).length, stamp: controller?.history.stamp() };
    await controller?.compareSnapshot(Uri.file(bad) as never);
    expect(stub.messages).toHaveLength(1);
    expect(stub.messages[0]).toMatchObject({ level: 'error' });
    expect(stub.messages[0].message).toBe('pmemstat: bad.json is not a usable pmemstat snapshot: its "report" is not a pmemstat sample: report.leader is missing.');
    writeFileSync(bad, '{"tool": "pmemst');
    await controller?.compareSnapshot(Uri.file(bad) as never);
    expect(stub.messages[1].message).toMatch(/^pmemstat: bad\.json is not a usable pmemstat snapshot: it is not JSON \(/);
    await controller?.compareSnapshot(Uri.file(join(dir, 'missing.json')) as never);
    expect(stub.messages[2].message).toMatch(/^pmemstat: cannot read missing\.json \(/);
    expect(stub.shownDocuments).toHaveLength(0);
    expect({ groups: controller?.history.groups(), reports: reports(panel).length, stamp: controller?.history.stamp() }).toEqual(before);
    expect(controller?.hasPanel).toBe(true);
  });

  it('a snapshot in another grouping offers to switch, then compares with the first sample grouped that way', async () => {
    const { panel } = await openReplay();
    const pidReport = new Reporter(reportOptions({ groupBy: 'pid', cmdlen: 4096 }));
    const s = new Sampler({ root: replayRoots(LOOP_A)[0], detail: false, kernelCpu: false, cpuAvgSecs: 20, filter: [] });
    const base = pidReport.report(s.sample());
    s.close();
    const dir = tmpDir('pid');
    const file = join(dir, 'pid.json');
    writeFileSync(file, snapshotJson(base, { mode: 'user', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'pid' }, version: '0.1.0' }));
    stub.answer.warning = (_m, items) => items[0];
    await controller?.compareSnapshot(Uri.file(file) as never);
    expect(stub.messages[0].message).toContain('grouped by pid, the panel by exe');
    expect(stub.messages[0].items).toEqual(['Group by pid and Compare']);
    await vi.waitFor(() => expect(stub.shownDocuments).toHaveLength(1));
    expect(stub.config.get('pmemstat.groupBy')).toBe('pid');
    const text = stub.shownDocuments[0].text;
    expect(text).toContain('grouped by pid, sampled as your user');
    expect(text).toContain('NOTE: the snapshot was taken as your user (your processes only) and pmemstat runs as root now');
    expect(reports(panel).at(-1)?.history).toMatchObject({ start: 2, seq: 3 });
  });
});
