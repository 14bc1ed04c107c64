/// <reference types="mocha" />
// The extension's own suite, run inside a real extension host (code-server's Node host in CI,
// desktop VS Code with @vscode/test-electron elsewhere): activation, contributions, and the real
// sampler helper started by the real host's Node runtime.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Api } from '../../src/extension';

const EXT_ID = 'pmemstat.pmemstat';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function meminfoKb(key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Children of `ppid` whose command line contains `needle`. */
function childrenWith(ppid: number, needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== ppid) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

suite('pmemstat in a real extension host', () => {
  let api: Api;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXT_ID);
    assert.ok(ext, `${EXT_ID} is not installed in this host`);
    api = await ext.activate();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('pmemstat').update('groupBy', undefined, vscode.ConfigurationTarget.Global);
  });

  test('runs in a Node extension host on Linux that can read /proc', () => {
    console.log(
      `environment: uiKind=${vscode.UIKind[vscode.env.uiKind]} appName=${vscode.env.appName} vscode=${vscode.version} node=${process.version} electron=${process.versions.electron ?? '-'} uid=${process.getuid?.()}`,
    );
    assert.equal(process.platform, 'linux');
    assert.ok(process.versions.node);
    assert.ok(meminfoKb('MemTotal') > 0);
    assert.ok(readlinkSync('/proc/self/exe').length > 0);
  });

  test('activates and exposes its controller and status bar', () => {
    assert.ok(api, 'activate() returned nothing');
    assert.ok(api.controller, 'no panel controller (unsupported platform?)');
    assert.ok(api.statusBar, 'no status bar controller');
    assert.equal(api.statusBar.visible, true, 'the status-bar item is not shown');
  });

  test('every contributed command is registered', async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const have = new Set(await vscode.commands.getCommands(true));
    const wanted = pkg.contributes.commands.map((c) => c.command);
    assert.ok(wanted.includes('pmemstat.open'));
    for (const c of wanted) assert.ok(have.has(c), `command ${c} is not registered`);
  });

  test('settings have their documented defaults', () => {
    const c = vscode.workspace.getConfiguration('pmemstat');
    const defaults: Record<string, unknown> = {
      groupBy: 'exe',
      units: 'MB',
      detail: false,
      sortBy: 'mem',
      riseToTop: true,
      showCpu: true,
      cpuAvgSecs: 20,
      loopSeconds: 5,
      topPct: 100,
      lineNumbers: false,
      fitToWindow: false,
      runAsUser: false,
      'statusBar.enabled': true,
      'statusBar.interval': 5,
    };
    for (const [k, v] of Object.entries(defaults)) assert.deepEqual(c.inspect(k)?.defaultValue, v, `pmemstat.${k}`);
  });

  test('pmemstat.open starts the sampler helper with this host\'s Node and gets real reports', async () => {
    const controller = api.controller!;
    await vscode.commands.executeCommand('pmemstat.open');
    assert.equal(controller.hasPanel, true);
    const report = await waitFor('the first report', () => controller.lastReport, 30_000);
    const helpers = await waitFor('the helper process', () => {
      const p = childrenWith(process.pid, 'sampler.js');
      return p.length ? p : null;
    });
    console.log(`helper: mode=${controller.privilege} pids=${helpers.join(',')}`);
    if (process.getuid?.() === 0) assert.equal(controller.privilege, 'root');
    assert.equal(report.leader.memTotal, meminfoKb('MemTotal'));
    assert.equal(report.total.type, 'T');
    assert.ok(report.total.count > 0, 'no processes in the total');
    assert.ok(report.rows.length > 0, 'no groups');
    // This very host is a process of the report (its own Node).
    const mine = report.rows.flatMap((r) => r.members).find((m) => m.pid === process.pid);
    assert.ok(mine, `the extension host (pid ${process.pid}) is not in the report`);
    assert.ok(mine.mem.ptotal > 0);
  });

  test('a setting change reaches the helper: groupBy pid gives one row per process', async () => {
    const controller = api.controller!;
    await vscode.workspace.getConfiguration('pmemstat').update('groupBy', 'pid', vscode.ConfigurationTarget.Global);
    const row = await waitFor('a row keyed by this host\'s pid', () => controller.lastReport?.rows.find((r) => r.key === String(process.pid)), 30_000);
    assert.equal(row.count, 1);
    assert.match(row.info, new RegExp(`^${process.pid} `));
    await vscode.workspace.getConfiguration('pmemstat').update('groupBy', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('exe grouping again', () => controller.lastReport?.rows.every((r) => !/^\d+$/.test(r.key)), 30_000);
  });

  test('pmemstat.refresh samples again', async () => {
    const controller = api.controller!;
    const before = controller.lastReport!.leader.time;
    await vscode.commands.executeCommand('pmemstat.refresh');
    await waitFor('a newer report', () => (controller.lastReport?.leader.time ?? 0) > before, 15_000);
  });

  test('closing the panel stops the helper', async () => {
    const controller = api.controller!;
    const helpers = childrenWith(process.pid, 'sampler.js');
    assert.ok(helpers.length > 0, 'no helper before closing');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to close', () => !controller.hasPanel, 15_000);
    await waitFor('the helper to exit', () => childrenWith(process.pid, 'sampler.js').length === 0, 15_000);
    assert.equal(controller.lastReport, null);
  });
});
