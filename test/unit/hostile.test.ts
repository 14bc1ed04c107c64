// Terminal escape injection: a crafted tree (fixtures/hostile) whose command lines, comm and
// exe links hold C0 and C1 controls, ESC [2J, OSC 52 clipboard writes, invalid UTF-8 and
// bidi controls, fed through every output pmemstat has. None may carry such a character
// raw; each must show that the text was there (as an escape), not drop it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import { compareReports, compareText } from '../../src/core/compare';
import { MEM_KEYS, type GroupBy, type Report, type Sample } from '../../src/core/types';
import { groupHistoryCsv, snapshotCsv } from '../../src/host/exportSnapshot';
import { confirmText, planKill } from '../../src/shared/killPlan';
import { createLog } from '../../src/host/log';
import type { LaunchFn } from '../../src/host/helperSession';
import { PanelController } from '../../src/host/panelController';
import { SettingsStore } from '../../src/host/settings';
import { glanceTextWithLeaks, glanceTooltip, leakAccessibility } from '../../src/host/statusBar';
import { runCli } from '../../src/cli/cli';
import { Sampler } from '../../src/sampler/sampler';
import { parseSnapshot, snapshotJson } from '../../src/shared/snapshot';
import { DEFAULT_PANEL_SETTINGS, type GroupHistory } from '../../src/shared/webviewProtocol';
import { FakeHelper } from './host-fakes';
import { expectPrintable, expectPrintableLines, HOSTILE, hostileReport, SEEN } from './hostile-tree';
import { proc, reporter } from './webview-fixtures';
import { resetStub, stub, Uri } from './vscode-stub';

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['-U', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  expect(err).toEqual([]);
  expect(code).toBe(0);
  return out.join('\n');
}

/** Every string anywhere in a JSON value. */
function strings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) for (const v of x) strings(v, out);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) strings(v, out);
  return out;
}

const GROUPINGS: GroupBy[] = ['exe', 'cmd', 'pid'];

describe('the CLI report of a hostile tree', () => {
  for (const g of GROUPINGS) {
    it(`-g ${g}: one shot, and the loop with the busiest kernel threads in its leader line`, async () => {
      const once = await cli(['--root', join(HOSTILE, '0'), '-g', g, '-u', 'KB']);
      expectPrintableLines(once, `-g ${g}`);
      const loop = await cli(['--root', HOSTILE, '-g', g, '-o', '-n', '-k', '-1']);
      expectPrintableLines(loop, `-g ${g} loop`);
      const leader = loop.split('\n').find((l) => l.includes('%/ker '));
      expect(leader).toContain(`${SEEN.clear}\\x1b]52;c;a3Q=${SEEN.bel}=`); // kthreadd's comm
      expect(leader).toContain(`kworker${SEEN.c1}${SEEN.bidi}${SEEN.replacement}`);
      if (g !== 'exe') for (const seen of Object.values(SEEN)) expect(once).toContain(seen);
    });
  }

  it('-g exe: a key taken from a hostile exe link is shown escaped', async () => {
    const out = await cli(['--root', join(HOSTILE, '0'), '-g', 'exe']);
    expect(out).toContain(`evil\\x1b]52;c;bGluaw==\\x07${SEEN.bidi}gpj.exe`);
  });

  it('--json: no control, C1 or bidi character raw, in the text or in the strings it parses to', async () => {
    for (const g of GROUPINGS) {
      const text = await cli(['--root', HOSTILE, '-g', g, '--json']);
      for (const line of text.split('\n')) {
        expectPrintable(line, `--json -g ${g}`);
        for (const s of strings(JSON.parse(line))) expectPrintable(s, `--json -g ${g} string`);
      }
      expect(text).toContain('\\\\x1b]52;c;'); // the escape itself, JSON-quoted
    }
  });
});

describe('exports, snapshots and compare of a hostile tree', () => {
  it('snapshot JSON and CSV, and group-history CSV', () => {
    for (const g of GROUPINGS) {
      const report = hostileReport(g, true);
      const json = snapshotJson(report, { mode: 'root', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: g }, version: '1' });
      expectPrintableLines(json, `snapshot JSON -g ${g}`);
      for (const s of strings(JSON.parse(json))) expectPrintable(s, `snapshot JSON -g ${g} string`);
      const csv = snapshotCsv(report);
      expectPrintableLines(csv.replace(/\r\n/g, '\n'), `snapshot CSV -g ${g}`);
      expect(csv).toContain(SEEN.osc52);
      for (const r of report.rows) {
        const h: GroupHistory = {
          key: r.key,
          times: [report.leader.time],
          mem: Object.fromEntries(MEM_KEYS.map((k) => [k, [r.mem[k]]])) as GroupHistory['mem'],
          types: [r.type],
        };
        expectPrintableLines(groupHistoryCsv(h).replace(/\r\n/g, '\n'), `history CSV of ${r.key}`);
      }
    }
  });

  it('CSV made from a report with raw names (as another process could send) is printable too', () => {
    const raw = reporter()([proc(10, 'x\u001b]52;c;QQ==\u0007', 1000, 'x\u001b[2J\u202e\u0085')]);
    expectPrintableLines(snapshotCsv(raw).replace(/\r\n/g, '\n'), 'CSV of raw names');
  });

  it('a snapshot file with raw escapes in it loads printable, and compares printable', () => {
    // A file is untrusted like /proc: written by hand, or by an older pmemstat.
    const raw = reporter()([proc(10, 'evil\u001b[2J\u001b]52;c;QQ==\u0007', 1000, 'evil\u001b[2J \u202eabc\u0085'), proc(11, 'ok', 10)], {
      topKernelThreads: [{ pid: 3, comm: 'k\u009b\u001b[2J', cpu: 1 }],
    });
    const text = JSON.stringify({ tool: 'pmemstat', kind: 'snapshot', schema: 1, version: '9\u001b[2J', time: new Date(0).toISOString(), mode: 'root', settings: {}, report: raw });
    const parsed = parseSnapshot(text);
    if (!parsed.ok) throw new Error(parsed.error);
    for (const s of strings(parsed.snapshot)) expectPrintable(s, 'loaded snapshot');
    expect(parsed.snapshot.report.rows[0].key).toBe('evil\\x1b[2J\\x1b]52;c;QQ==\\x07');
    const now = hostileReport('exe');
    const shown = compareText(compareReports(parsed.snapshot.report, now, 0), { units: 'KB', heading: ['pmemstat: compare'], notes: [] });
    expectPrintableLines(shown, 'compare text');
    expect(shown).toContain('evil\\x1b[2J');
  });
});

describe('the status bar, the kill dialog and the log, with hostile names', () => {
  beforeEach(() => resetStub());

  it('tooltip, item text and accessibility label', () => {
    const report = hostileReport('cmd');
    const suspects = report.rows.map((r) => ({ info: r.info, growthKb: 5000, seconds: 60, ptotal: r.mem.ptotal }));
    const glance = { meminfo: { memTotal: 8_000_000, memAvailable: 6_000_000, shmem: 0, dirty: 0, swapTotal: 0, swapFree: 0 }, zram: null };
    const md = glanceTooltip(glance, { time: report.leader.time, rows: report.rows, leader: report.leader }, suspects);
    expectPrintableLines(md.value, 'tooltip');
    expect(md.value).toContain('x1b');
    expectPrintable(leakAccessibility(suspects), 'accessibility label');
    expectPrintable(glanceTextWithLeaks(glance.meminfo, suspects), 'item text');
  });

  it('the kill confirmation names each process on one printable line', () => {
    const report = hostileReport('exe');
    const targets = report.rows.flatMap((r) => r.members.map((m) => ({ pid: m.pid, starttime: m.starttime })));
    const { message, detail } = confirmText(planKill(targets, report, []));
    expectPrintable(message, 'kill title');
    expectPrintableLines(detail, 'kill detail');
    expect(detail.split('\n').filter((l) => /^\d+ {2}/.test(l))).toHaveLength(targets.length);
  });

  it('the log channel', () => {
    const log = createLog();
    log.info(`leak suspect: python3 \u001b[2J\u001b]52;c;QQ==\u0007 \u202e\u0085`);
    log.warn(`helper: \u009b2J\nforged line`);
    log.error(new Error('bad \u001b[31mred'));
    expect(stub.logs).toHaveLength(3);
    for (const l of stub.logs) expectPrintable(l, 'log');
    expect(stub.logs[0]).toContain('\\x1b]52;c;QQ==\\x07');
  });
});

describe('the panel path: a helper sampling the hostile tree, through the controller', () => {
  let controller: PanelController | null = null;
  let settings: SettingsStore | null = null;
  let sampler: Sampler | null = null;
  let dir = '';
  beforeEach(() => {
    resetStub();
    dir = mkdtempSync(join(tmpdir(), 'pmemstat-hostile-'));
  });
  afterEach(() => {
    controller?.dispose();
    settings?.dispose();
    sampler?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every message to the webview, the exports, Compare and the log are printable', async () => {
    stub.config.set('pmemstat.loopSeconds', 3600);
    stub.config.set('pmemstat.leak.samples', 2);
    stub.config.set('pmemstat.leak.minGrowthKb', 1);
    const s = new Sampler({ root: join(HOSTILE, '0'), detail: false, kernelCpu: true, cpuAvgSecs: 20, filter: [] });
    sampler = s;
    let n = 0;
    let t = Date.UTC(2026, 0, 1, 12, 0, 0);
    const source = (): Sample => {
      s.setOptions({ root: join(HOSTILE, String(Math.min(n++, 1))) });
      return { ...s.sample(), time: (t += 2000) };
    };
    const launch: LaunchFn = async () => ({ client: new FakeHelper(source), mode: 'root' });
    settings = new SettingsStore();
    const logged: string[] = [];
    const push = (m: string | Error) => logged.push(m instanceof Error ? m.message : m);
    controller = new PanelController({
      extensionUri: Uri.file('/ext') as never,
      launch,
      settings,
      log: { trace: push, debug: push, info: push, warn: push, error: push, show: () => {} },
      version: '0.1.0-test',
      onLeaks: () => {},
    });
    controller.open();
    const panel = stub.panels[0];
    await vi.waitFor(() => expect(panel.sentOf('report')).toHaveLength(1));
    await controller.tick();
    await controller.tick();
    expect(panel.sentOf('report').length).toBeGreaterThanOrEqual(2);
    for (const m of panel.sent) for (const str of strings(m)) expectPrintable(str, `message ${m.type}`);
    const last = panel.sentOf('report').at(-1) as unknown as { report: Report };
    expect(strings(last.report).join(' ')).toContain(SEEN.clear);

    stub.answer.saveDialog = () => Uri.file(join(dir, 'snap.json'));
    await controller.exportSnapshot();
    const json = readFileSync(join(dir, 'snap.json'), 'utf8');
    expectPrintableLines(json, 'exported snapshot');
    stub.answer.saveDialog = () => Uri.file(join(dir, 'snap.csv'));
    await controller.exportSnapshot();
    expectPrintableLines(readFileSync(join(dir, 'snap.csv'), 'utf8').replace(/\r\n/g, '\n'), 'exported CSV');

    writeFileSync(join(dir, 'old.json'), json);
    stub.answer.openDialog = () => [Uri.file(join(dir, 'old.json'))];
    await controller.compareSnapshot();
    expect(stub.shownDocuments).toHaveLength(1);
    expectPrintableLines(stub.shownDocuments[0].text, 'compare document');
    for (const l of logged) expectPrintable(l, 'log');
  });
});
