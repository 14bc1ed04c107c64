// OOM kills on the host side: the panel's log says each one once, the sample it is first seen,
// fed by a helper that reads (stand-in) cgroup figures through the real Reporter.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import { procCgroup, type CgroupCounters } from '../../src/core/cgroup';
import type { Report } from '../../src/core/types';
import { PanelController } from '../../src/host/panelController';
import { SettingsStore } from '../../src/host/settings';
import { FakeHelper, handSamples, recordingLog } from './host-fakes';
import { resetStub, stub, Uri, type FakePanel } from './vscode-stub';
import { baseProcs } from './webview-fixtures';

let controller: PanelController | null = null;
let settings: SettingsStore | null = null;

beforeEach(() => resetStub());
afterEach(() => {
  controller?.dispose();
  settings?.dispose();
  controller = null;
  settings = null;
});

const lastReport = (p: FakePanel) => p.sentOf('report').at(-1)?.report as Report;

async function openPanel(helper: FakeHelper): Promise<FakePanel> {
  settings = new SettingsStore();
  controller = new PanelController({
    extensionUri: Uri.file('/ext') as never,
    launch: async () => ({ client: helper, mode: 'user', reason: 'test' }),
    settings,
    log: recordingLog(),
    version: '0.1.0-test',
  });
  controller.open();
  const panel = stub.panels[0];
  await vi.waitFor(() => expect(panel.sentOf('report').length).toBeGreaterThan(0));
  return panel;
}

describe('OOM kills in the log', () => {
  it('an OOM kill in a group\u2019s cgroup is logged once, the sample it is seen', async () => {
    let kills = 3; // before the view: not news
    const read = (): CgroupCounters => ({
      current: 1000,
      limit: 2000,
      peak: null,
      swap: null,
      pressure: null,
      events: { low: 0, high: 0, max: 5, oom: kills, oomKill: kills },
    });
    const procs = () => baseProcs().map((p) => ({ ...p, cgroup: procCgroup('0::/system.slice/app.service\n') }));
    const helper = new FakeHelper(handSamples(0, procs), { cgroups: read });
    stub.config.set('pmemstat.groupBy', 'cgroup');
    const panel = await openPanel(helper);
    await vi.waitFor(() => expect(lastReport(panel).rows[0].kernel?.events?.oomKill).toBe(0));
    const logged = () => stub.logs.filter((l) => l.includes('OOM kill'));
    expect(logged()).toEqual([]);
    kills = 4;
    panel.fromWebview({ type: 'refresh' });
    await vi.waitFor(() => expect(logged()).toEqual(['[warn] OOM kill in /system.slice/app.service: a process was killed (1 since the view started)']));
    const n = helper.samples;
    panel.fromWebview({ type: 'refresh' });
    await vi.waitFor(() => expect(helper.samples).toBeGreaterThan(n));
    expect(logged()).toHaveLength(1);
  });
});

