import { readFileSync } from 'node:fs';
import { tmpDir } from '../support';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import type { Report } from '../../src/core/types';
import { MAX_FAILURES } from '../../src/host/helperSession';
import { PanelController } from '../../src/host/panelController';
import { SettingsStore } from '../../src/host/settings';
import type { TopGroups } from '../../src/host/statusBar';
import type { HelperState } from '../../src/shared/webviewProtocol';
import { FakePanel, resetStub, stub, Uri } from './vscode-stub';
import { fakeLauncher, recordingLog, type FakeLauncher } from './host-fakes';

const EXT = Uri.file('/ext');

let controller: PanelController | null = null;
let settings: SettingsStore | null = null;

function setup(l: FakeLauncher = fakeLauncher()) {
  settings = new SettingsStore();
  const tops: Array<TopGroups | null> = [];
  controller = new PanelController({
    extensionUri: EXT as never,
    launch: l.launch,
    settings,
    log: recordingLog(),
    version: '0.1.0-test',
    onTopGroups: (t) => tops.push(t),
  });
  return { controller, l, tops };
}

/** Open the panel and wait for its first report. */
async function openPanel(l?: FakeLauncher) {
  const s = setup(l);
  s.controller.open();
  const panel = stub.panels[0];
  await vi.waitFor(() => expect(panel.sentOf('report').length).toBeGreaterThan(0));
  return { ...s, panel };
}

const lastReport = (p: FakePanel) => p.sentOf('report').at(-1)?.report as Report;
const lastHelper = (p: FakePanel) => p.sentOf('helper').at(-1)?.helper as HelperState;

beforeEach(() => resetStub());
afterEach(() => {
  vi.useRealTimers();
  controller?.dispose();
  settings?.dispose();
  controller = null;
  settings = null;
});

describe('the panel', () => {
  it('opens a webview with a strict CSP, a nonce and asWebviewUri resources, without retainContextWhenHidden', () => {
    const { controller } = setup();
    controller.open();
    expect(stub.panels).toHaveLength(1);
    const p = stub.panels[0];
    expect(p.viewType).toBe('pmemstat.panel');
    expect(p.createOptions.retainContextWhenHidden).toBe(false);
    expect(p.webview.options.enableScripts).toBe(true);
    const html = p.webview.html;
    const nonce = /script-src 'nonce-([A-Za-z0-9]{32})'/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<script nonce="${nonce}" src="https://fake.vscode-cdn.net/ext/dist/webview.js">`);
    expect(html).toContain('href="https://fake.vscode-cdn.net/ext/dist/webview.css"');
    expect(html).toContain("default-src 'none'");
    // Opening again reveals the same panel.
    controller.open();
    expect(stub.panels).toHaveLength(1);
    expect(p.reveals).toBe(1);
  });

  it('starts the helper without prompting, configures it, and streams real reports', async () => {
    const { panel, l, tops } = await openPanel();
    expect(l.calls).toHaveLength(1);
    expect(l.calls[0]).toMatchObject({ elevate: false, runAsUser: false });
    expect(stub.inputBoxes).toHaveLength(0);
    expect(l.helpers[0].configured[0]).toEqual({
      groupBy: 'exe',
      sortBy: 'mem',
      detail: false,
      minDeltaKb: 1000,
      riseToTop: true,
      cmdlen: 4096,
      cpuAvgSecs: 20,
      showCpu: true,
      showOom: false,
      showThp: false,
      showKsm: false,
      walkBudgetMs: 10,
      maxAgeSeconds: 60,
    });
    const r = lastReport(panel);
    expect(r.rows.map((x) => x.key)).toEqual(['firefox', 'code', 'bash', 'sleep']);
    expect(r.total.count).toBe(7);
    expect(tops.at(-1)?.rows.map((x) => x.key)).toEqual(['firefox', 'code', 'bash', 'sleep']);
    expect(lastHelper(panel)).toMatchObject({ status: 'running', mode: 'user', canElevate: true });
  });

  it('answers ready with init (settings, helper state, the last report)', async () => {
    const { panel } = await openPanel();
    panel.fromWebview({ type: 'ready' });
    const init = panel.sentOf('init').at(-1);
    expect(init?.settings).toMatchObject({ groupBy: 'exe', units: 'MB', loopSeconds: 5 });
    expect(init?.helper).toMatchObject({ status: 'running', mode: 'user' });
    expect((init?.report as Report).rows).toHaveLength(4);
  });

  it('pauses sampling while hidden and resumes when shown', async () => {
    // Fake time: "no sample while hidden" holds however slow the machine, and means 20 loops.
    vi.useFakeTimers();
    stub.config.set('pmemstat.loopSeconds', 0.5);
    const { panel, l } = await openPanel();
    const h = l.helpers[0];
    const shown = h.samples;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.samples - shown).toBeGreaterThanOrEqual(3); // visible: one every 0.5 s
    panel.setVisible(false);
    const n = h.samples;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.samples).toBe(n);
    expect(h.disposed).toBe(false); // the helper (and its caches) stays
    panel.setVisible(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.samples).toBeGreaterThan(n);
  });

  it('the serializer restores a panel after a reload', async () => {
    const { controller, l } = setup();
    const p = new FakePanel('pmemstat.panel', 'old title');
    controller.restore(p as never);
    expect(p.title).toBe('pmemstat');
    expect(p.webview.html).toContain('dist/webview.js');
    await vi.waitFor(() => expect(p.sentOf('report').length).toBeGreaterThan(0));
    expect(l.calls).toHaveLength(1);
  });

  it('closing the panel stops the helper and clears the status-bar groups', async () => {
    const { panel, l, tops } = await openPanel();
    panel.dispose();
    expect(l.helpers[0].disposed).toBe(true);
    expect(tops.at(-1)).toBeNull();
    expect(controller?.hasPanel).toBe(false);
  });

  it('a helper that dies is restarted, and after repeated failures it stops with one error', async () => {
    vi.useFakeTimers();
    const { panel, l } = await openPanel();
    l.failWith = 'spawn failed';
    l.helpers[0].exit('exit code 1');
    await vi.waitFor(() => expect(stub.messages.some((m) => m.level === 'error')).toBe(true), { timeout: 5000 });
    const calls = l.calls.length;
    expect(calls).toBe(MAX_FAILURES); // the first launch, then restarts until the limit
    expect(stub.messages.filter((m) => m.level === 'error')).toHaveLength(1);
    expect(stub.messages.find((m) => m.level === 'error')?.items).toEqual(['Retry', 'Show Log']);
    expect(lastHelper(panel)).toMatchObject({ status: 'error' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(l.calls.length).toBe(calls); // no loop, not even after ten minutes
    l.failWith = null;
    panel.fromWebview({ type: 'refresh' });
    await vi.waitFor(() => expect(lastHelper(panel)).toMatchObject({ status: 'running' }));
  });
});

describe('settings both ways', () => {
  it('an option changed in the panel is written to the settings and reaches the helper', async () => {
    const { panel, l } = await openPanel();
    panel.fromWebview({ type: 'setOptions', options: { units: 'KB' } });
    await vi.waitFor(() => expect(stub.configWrites).toEqual([['pmemstat.units', 'KB', 1]]));
    await vi.waitFor(() => expect(panel.sentOf('settings').at(-1)?.settings).toMatchObject({ units: 'KB' }));
    // KB units make the automatic min delta 100 KB.
    await vi.waitFor(() => expect(l.helpers[0].configured.at(-1)).toMatchObject({ minDeltaKb: 100 }));
  });

  it('a change in the Settings editor reaches the panel and the helper, and re-samples at once', async () => {
    const { panel, l } = await openPanel();
    const before = l.helpers[0].samples;
    expect(lastReport(panel).options.groupBy).toBe('exe'); // each report names its grouping (the panel's "regrouping…")
    stub.setConfig('pmemstat.groupBy', 'pid');
    await vi.waitFor(() => expect(panel.sentOf('settings').at(-1)?.settings).toMatchObject({ groupBy: 'pid' }));
    await vi.waitFor(() => expect(l.helpers[0].configured.at(-1)).toMatchObject({ groupBy: 'pid' }));
    await vi.waitFor(() => expect(l.helpers[0].samples).toBeGreaterThan(before));
    await vi.waitFor(() => expect(lastReport(panel).rows[0].key).toBe('100'));
    expect(lastReport(panel).options.groupBy).toBe('pid');
    // A view-only option (units) does not bother the helper.
    const n = l.helpers[0].configured.length;
    stub.setConfig('pmemstat.lineNumbers', true);
    await vi.waitFor(() => expect(panel.sentOf('settings').at(-1)?.settings).toMatchObject({ lineNumbers: true }));
    expect(l.helpers[0].configured.length).toBe(n);
  });

  it('writes where the setting is defined, and rejects malformed options', async () => {
    const { panel } = await openPanel();
    panel.fromWebview({ type: 'setOptions', options: { units: 'GB' } });
    panel.fromWebview({ type: 'setOptions', options: { runAsUser: true } });
    panel.fromWebview({ type: 'rm -rf' });
    // Messages are handled in order: once a valid one has been written, the three before it were done with.
    panel.fromWebview({ type: 'setOptions', options: { units: 'KB' } });
    await vi.waitFor(() => expect(stub.configWrites).toHaveLength(1));
    expect(stub.configWrites).toEqual([['pmemstat.units', 'KB', 1]]);
    expect(stub.logs.filter((m) => m.includes('malformed'))).toHaveLength(3);
  });

  it('switching runAsUser restarts the helper as the user', async () => {
    const { l } = await openPanel();
    stub.setConfig('pmemstat.runAsUser', true);
    await vi.waitFor(() => expect(l.calls).toHaveLength(2));
    expect(l.calls[1]).toMatchObject({ elevate: false, runAsUser: true });
    expect(l.helpers[0].disposed).toBe(true);
  });
});

describe('the mappings drill-down', () => {
  it('asks the helper for the mappings of pid + start time and posts its answer, or why there is none', async () => {
    const { panel, l } = await openPanel();
    panel.fromWebview({ type: 'getMaps', pid: 100, starttime: 1000 });
    await vi.waitFor(() => expect(panel.sentOf('maps')).toHaveLength(1));
    expect(l.helpers[0].mapsCalls).toEqual([{ pid: 100, starttime: 1000 }]);
    expect(panel.sentOf('maps')[0]).toMatchObject({ pid: 100, starttime: 1000, result: { ok: true, maps: { ptotal: 712 } } });
    l.helpers[0].mapsResult = () => {
      throw new Error('helper gone');
    };
    panel.fromWebview({ type: 'getMaps', pid: 100, starttime: 1000 });
    await vi.waitFor(() => expect(panel.sentOf('maps')).toHaveLength(2));
    expect(panel.sentOf('maps')[1]).toMatchObject({ result: { ok: false, outcome: 'failed', message: 'helper gone' } });
    panel.fromWebview({ type: 'getMaps', pid: -1, starttime: 1000 }); // malformed: ignored
    panel.fromWebview({ type: 'getMaps', pid: 101, starttime: 1010 }); // answered after it, in order
    await vi.waitFor(() => expect(panel.sentOf('maps')).toHaveLength(3));
    expect(l.helpers[0].mapsCalls.map((c) => c.pid)).toEqual([100, 100, 101]);
    expect(panel.sentOf('maps')[2]).toMatchObject({ pid: 101 });
  });
});

describe('kill flow', () => {
  it('asks a modal confirmation naming pids and commands, then kills by pid + start time with escalation', async () => {
    const { panel, l } = await openPanel();
    stub.answer.warning = (_m, items) => (items.includes('Kill') ? 'Kill' : undefined);
    panel.fromWebview({
      type: 'kill',
      targets: [
        { pid: 100, starttime: 1000 },
        { pid: 101, starttime: 1010 },
        { pid: 1, starttime: 0 },
        { pid: 102, starttime: 99 }, // start time does not match: a reused pid
      ],
    });
    await vi.waitFor(() => expect(panel.sentOf('killDone')).toHaveLength(1));
    const confirm = stub.messages.find((m) => m.items.includes('Kill'));
    expect(confirm?.message).toBe('Kill these 2 processes?');
    expect(confirm?.options).toMatchObject({ modal: true });
    const detail = (confirm?.options as { detail: string }).detail;
    expect(detail).toContain('100  firefox --new-window');
    expect(detail).toContain('101  firefox -contentproc -childID 1');
    expect(detail).toContain('SIGKILL');
    expect(detail).toMatch(/Left alone: 1 .*102 \(that pid now belongs to another process\)/);
    expect(l.helpers[0].killCalls).toEqual([
      {
        targets: [
          { pid: 100, starttime: 1000 },
          { pid: 101, starttime: 1010 },
        ],
        escalate: true,
        signal: 'SIGTERM',
      },
    ]);
    const results = panel.sentOf('killDone')[0].results as Array<{ pid: number; outcome: string }>;
    expect(results.map((r) => [r.pid, r.outcome])).toEqual([
      [100, 'gone'],
      [101, 'gone'],
      [1, 'refused'],
      [102, 'pid-reused'],
    ]);
    expect(stub.messages.at(-1)).toMatchObject({ level: 'warning' });
    expect(stub.messages.at(-1)?.message).toContain('gone: 100, 101;');
    expect(stub.messages.at(-1)?.message).toContain('102 pid reused');
  });

  it('offers every signal as a button of the confirmation, and sends the one chosen, unescalated but for TERM', async () => {
    const { panel, l } = await openPanel();
    l.helpers[0].killOutcome = () => 'stopped';
    stub.answer.warning = (_m, items) => (items.includes('Stop (STOP)') ? 'Stop (STOP)' : undefined);
    panel.fromWebview({ type: 'kill', targets: [{ pid: 100, starttime: 1000 }] });
    await vi.waitFor(() => expect(panel.sentOf('killDone')).toHaveLength(1));
    const confirm = stub.messages.find((m) => (m.options as { modal?: boolean } | undefined)?.modal);
    expect(confirm?.items).toEqual(['Kill', 'Interrupt (INT)', 'Hang Up (HUP)', 'Kill Now (KILL)', 'Stop (STOP)', 'Continue (CONT)']);
    expect((confirm?.options as { detail: string }).detail).toContain('only that signal');
    expect(l.helpers[0].killCalls).toEqual([{ targets: [{ pid: 100, starttime: 1000 }], escalate: true, signal: 'SIGSTOP' }]);
    // A stopped process is what was asked for: an information message, not a warning.
    expect(stub.messages.at(-1)).toMatchObject({ level: 'info', message: 'pmemstat kill: 100 stopped' });
  });

  it('cancelling the confirmation kills nothing', async () => {
    const { panel, l } = await openPanel();
    panel.fromWebview({ type: 'kill', targets: [{ pid: 300, starttime: 3000 }] });
    await vi.waitFor(() => expect(panel.sentOf('killDone')).toHaveLength(1));
    expect(stub.messages[0].message).toBe('Kill process 300?');
    expect(l.helpers[0].killCalls).toHaveLength(0);
  });

  it('reports processes that still run, and offers Run as Root when permission was missing', async () => {
    const { panel, l } = await openPanel();
    l.helpers[0].killOutcome = (pid) => (pid === 200 ? 'not-permitted' : 'gone');
    stub.answer.warning = (_m, items) => (items.includes('Kill') ? 'Kill' : undefined);
    panel.fromWebview({ type: 'kill', targets: [{ pid: 200, starttime: 2000 }, { pid: 201, starttime: 2010 }] });
    await vi.waitFor(() => expect(panel.sentOf('killDone')).toHaveLength(1));
    const result = stub.messages.at(-1);
    expect(result?.level).toBe('warning');
    expect(result?.message).toContain('gone: 201');
    expect(result?.message).toContain('200 not permitted');
    expect(result?.items).toEqual(['Run as Root\u2026']);
  });

  it('never asks about pid 1, the extension host or the helper itself', async () => {
    const { panel, l } = await openPanel();
    panel.fromWebview({ type: 'kill', targets: [{ pid: 1, starttime: 0 }, { pid: process.pid, starttime: 5 }, { pid: l.helpers[0].hello.pid, starttime: 5 }] });
    await vi.waitFor(() => expect(panel.sentOf('killDone')).toHaveLength(1));
    expect(stub.messages.some((m) => (m.options as { modal?: boolean } | undefined)?.modal)).toBe(false);
    expect(l.helpers[0].killCalls).toHaveLength(0);
    expect(stub.messages[0].message).toContain('refused');
  });
});

describe('Run as Root', () => {
  it('asks with a password box; cancelling keeps user mode with one message and no loop', async () => {
    const { panel, l } = await openPanel(fakeLauncher({ password: 'secret', inaccessible: 9 }));
    const userHelper = l.helpers[0];
    panel.fromWebview({ type: 'runAsRoot' });
    await vi.waitFor(() => expect(stub.messages.length).toBe(1));
    expect(stub.inputBoxes).toHaveLength(1);
    expect(stub.inputBoxes[0]).toMatchObject({ password: true, ignoreFocusOut: true, prompt: '[sudo] password for tester:' });
    expect(stub.messages[0]).toMatchObject({ level: 'info' });
    expect(stub.messages[0].message).toContain('keeps running as your user');
    expect(stub.messages[0].message).toContain('cancelled');
    expect(userHelper.disposed).toBe(false); // the running helper stays
    expect(l.helpers[1].disposed).toBe(true); // the fallback one is not needed
    await vi.waitFor(() => expect(lastHelper(panel)).toMatchObject({ status: 'running', mode: 'user', canElevate: true }));
    // Sampling goes on as the user, and nothing asks again by itself.
    const n = userHelper.samples;
    panel.fromWebview({ type: 'refresh' });
    await vi.waitFor(() => expect(userHelper.samples).toBeGreaterThan(n));
    expect(lastReport(panel).leader.inaccessible).toBe(9);
    expect(stub.inputBoxes).toHaveLength(1);
    expect(stub.messages.filter((m) => m.level === 'error')).toHaveLength(0);
  });

  it('a wrong password is asked again; the right one switches to a root helper', async () => {
    const { panel, l } = await openPanel(fakeLauncher({ password: 'secret', inaccessible: 9 }));
    const answers = ['wrong-pass', 'secret'];
    stub.answer.inputBox = () => answers.shift();
    panel.fromWebview({ type: 'runAsRoot' });
    await vi.waitFor(() => expect(lastHelper(panel)).toMatchObject({ status: 'running', mode: 'sudo-S', canElevate: false }));
    expect(stub.inputBoxes).toHaveLength(2);
    expect(stub.inputBoxes[1]).toMatchObject({ password: true, ignoreFocusOut: true, prompt: 'Sorry, try again.' });
    expect(String(stub.inputBoxes[1].title)).toContain('try 2');
    expect(l.helpers[0].disposed).toBe(true); // the user helper made way
    const root = l.helpers[1];
    expect(root.configured).toHaveLength(1);
    await vi.waitFor(() => expect(root.samples).toBeGreaterThan(0));
    await vi.waitFor(() => expect(lastReport(panel).leader.inaccessible).toBe(0));
    // The password never reaches the log.
    expect(stub.logs.join('\n')).not.toMatch(/secret|wrong-pass/);
    // Asking again says it already runs as root.
    await controller?.runAsRoot();
    expect(stub.messages.at(-1)?.message).toBe('pmemstat already runs as root.');
    expect(stub.inputBoxes).toHaveLength(2);
  });

  it('three wrong passwords fall back to user mode once', async () => {
    const { panel, l } = await openPanel(fakeLauncher({ password: 'secret' }));
    stub.answer.inputBox = () => 'nope';
    panel.fromWebview({ type: 'runAsRoot' });
    await vi.waitFor(() => expect(stub.messages).toHaveLength(1));
    expect(stub.inputBoxes).toHaveLength(3);
    expect(stub.messages[0].message).toContain('3 incorrect password attempts');
    expect(l.helpers[0].disposed).toBe(false);
    expect(lastHelper(panel)).toMatchObject({ mode: 'user', canElevate: true });
  });

  it('a launcher error is one warning, and the user helper keeps running', async () => {
    const { panel, l } = await openPanel();
    l.failWith = 'sudo exploded';
    panel.fromWebview({ type: 'runAsRoot' });
    await vi.waitFor(() => expect(stub.messages).toHaveLength(1));
    expect(stub.messages[0]).toMatchObject({ level: 'warning' });
    expect(stub.messages[0].message).toContain('sudo exploded');
    expect(l.helpers[0].disposed).toBe(false);
    await vi.waitFor(() => expect(lastHelper(panel)).toMatchObject({ status: 'running', mode: 'user' }));
  });

  it('Run as User restarts the helper without privilege', async () => {
    const { l } = await openPanel(fakeLauncher({ password: 'secret' }));
    stub.answer.inputBox = () => 'secret';
    await controller?.runAsRoot();
    expect(controller?.privilege).toBe('sudo-S');
    await controller?.runAsUser();
    expect(controller?.privilege).toBe('user');
    expect(l.calls.at(-1)).toMatchObject({ elevate: false, runAsUser: true });
  });
});

describe('export snapshot', () => {
  it('writes CSV or JSON of the current sample', async () => {
    const { panel } = await openPanel();
    const dir = tmpDir('export');
    stub.answer.saveDialog = () => Uri.file(join(dir, 'snap.csv'));
    panel.fromWebview({ type: 'exportSnapshot' });
    await vi.waitFor(() => expect(stub.written).toHaveLength(1));
    const csv = readFileSync(join(dir, 'snap.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('level,type,delta_kb,key,pid,starttime,count,cpu_pct,pswap_kb,shSYSV_kb,shOth_kb,stack_kb,text_kb,data_kb,other_kb,ptotal_kb,uss_kb,pss_swap_kb,info');
    expect(csv[1]).toMatch(/^total,total,,TOTALS,,,7,/);
    expect(csv[2]).toMatch(/^group,new,,firefox,,,3,16\.5,0,0,0,0,0,1400000,0,1400000,0,0,firefox$/);
    expect(csv[3]).toBe('process,,,firefox,100,1000,1,12.5,0,0,0,0,0,900000,0,900000,0,0,firefox --new-window');
    expect(stub.saveDialogs[0]).toMatchObject({ filters: { JSON: ['json'], CSV: ['csv'] } });

    stub.answer.saveDialog = () => Uri.file(join(dir, 'snap.json'));
    await controller?.exportSnapshot();
    const json = JSON.parse(readFileSync(join(dir, 'snap.json'), 'utf8')) as { tool: string; report: Report; mode: string };
    expect(json.tool).toBe('pmemstat');
    expect(json.mode).toBe('user');
    expect(json.report.rows.map((r) => r.key)).toEqual(['firefox', 'code', 'bash', 'sleep']);
  });

  it('without a sample it offers to open the panel', async () => {
    const { controller } = setup();
    await controller.exportSnapshot();
    expect(stub.messages[0].message).toContain('no sample');
    expect(stub.messages[0].items).toEqual(['Open']);
    expect(stub.saveDialogs).toHaveLength(0);
  });
});
