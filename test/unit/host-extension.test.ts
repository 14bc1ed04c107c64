import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import type * as vscode from 'vscode';
import { activateWith, COMMANDS, type Api } from '../../src/extension';
import { readPanelSettings, readWalkSettings, SettingsStore } from '../../src/host/settings';
import { DEFAULT_PANEL_SETTINGS, PANEL_SETTING_KEYS } from '../../src/shared/webviewProtocol';
import { FakePanel, resetStub, stub, Uri } from './vscode-stub';
import { fakeLauncher } from './host-fakes';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  main: string;
  extensionKind: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, { default: unknown; scope?: string; enum?: unknown[] }> };
  };
};

function context(): vscode.ExtensionContext & { subscriptions: { dispose(): unknown }[] } {
  return {
    subscriptions: [],
    extensionUri: Uri.file(ROOT),
    extension: { packageJSON: { version: '9.9.9' } },
  } as unknown as vscode.ExtensionContext & { subscriptions: { dispose(): unknown }[] };
}

let ctx: ReturnType<typeof context> | null = null;
beforeEach(() => resetStub());
afterEach(() => {
  for (const d of ctx?.subscriptions ?? []) d.dispose();
  ctx = null;
});

describe('activation on Linux', () => {
  it('registers every command, the serializer and the status bar', async () => {
    ctx = context();
    const l = fakeLauncher();
    const api: Api = activateWith(ctx, { platform: 'linux', launch: l.launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    expect([...stub.commands.keys()].sort()).toEqual(Object.values(COMMANDS).sort());
    expect(stub.serializers.has('pmemstat.panel')).toBe(true);
    expect(stub.statusItems).toHaveLength(1);
    await vi.waitFor(() => expect(stub.statusItems[0].text).toBe('$(server) 0.5/23.5G 2%'));

    await stub.commands.get(COMMANDS.open)?.();
    expect(stub.panels).toHaveLength(1);
    await vi.waitFor(() => expect(stub.panels[0].sentOf('report').length).toBeGreaterThan(0));
    // The panel's groups reach the status-bar tooltip.
    await vi.waitFor(() => expect(String((stub.statusItems[0].tooltip as { value: string }).value)).toContain('firefox'));
    await stub.commands.get(COMMANDS.showLog)?.();
    expect(stub.logs).toContain('[show]');
    expect(api.controller?.hasPanel).toBe(true);
  });

  it('the status bar follows its settings', async () => {
    ctx = context();
    activateWith(ctx, { platform: 'linux', launch: fakeLauncher().launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    stub.setConfig('pmemstat.statusBar.enabled', false);
    expect(stub.statusItems[0].disposed).toBe(true);
    stub.setConfig('pmemstat.statusBar.enabled', true);
    expect(stub.statusItems).toHaveLength(2);
  });

  it('the leak warning follows pmemstat.leak.statusBarWarning; the history and compare commands run', async () => {
    ctx = context();
    const api = activateWith(ctx, { platform: 'linux', launch: fakeLauncher().launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    const sb = api.statusBar;
    sb?.setLeaks([{ info: 'memtest', growthKb: 4096, seconds: 40, ptotal: 9000 }]);
    expect(sb?.warnedSuspects).toHaveLength(1);
    stub.setConfig('pmemstat.leak.statusBarWarning', false);
    expect(sb?.warnedSuspects).toHaveLength(0);
    stub.setConfig('pmemstat.leak.statusBarWarning', true);
    expect(sb?.warnedSuspects).toHaveLength(1);
    await stub.commands.get(COMMANDS.exportGroupHistory)?.();
    expect(stub.messages.at(-1)?.message).toContain('no history to export yet');
    await stub.commands.get(COMMANDS.compareSnapshot)?.();
    expect(stub.openDialogs).toHaveLength(1); // cancelled: nothing else happens
    expect(stub.shownDocuments).toHaveLength(0);
  });

  it('the serializer restores the panel', async () => {
    ctx = context();
    const l = fakeLauncher();
    activateWith(ctx, { platform: 'linux', launch: l.launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    const p = new FakePanel('pmemstat.panel', 'pmemstat');
    await stub.serializers.get('pmemstat.panel')?.deserializeWebviewPanel(p, { v: 1 });
    await vi.waitFor(() => expect(p.sentOf('report').length).toBeGreaterThan(0));
  });
});

describe('activation elsewhere', () => {
  it('on a non-Linux host: no status item, commands explain, a restored panel shows a message', async () => {
    ctx = context();
    const l = fakeLauncher();
    activateWith(ctx, { platform: 'darwin', launch: l.launch });
    expect(stub.statusItems).toHaveLength(0);
    await stub.commands.get(COMMANDS.open)?.();
    expect(stub.panels).toHaveLength(0);
    expect(stub.messages[0].message).toMatch(/needs a Linux extension host .* darwin/);
    const p = new FakePanel('pmemstat.panel', 'pmemstat');
    await stub.serializers.get('pmemstat.panel')?.deserializeWebviewPanel(p, undefined);
    expect(p.webview.html).toContain('needs a Linux extension host');
    expect(p.webview.options.enableScripts).toBe(false);
    expect(l.calls).toHaveLength(0);
  });
});

describe('the manifest', () => {
  it('activates on startup (status bar) and when a panel is restored', () => {
    expect(pkg.activationEvents).toEqual(expect.arrayContaining(['onStartupFinished', 'onWebviewPanel:pmemstat.panel', 'onWebviewPanel:pmemstat.recording']));
    expect(pkg.main).toBe('./dist/extension.js');
    expect(pkg.extensionKind).toEqual(['workspace']);
  });
  it('contributes the commands in the pmemstat category', () => {
    const cmds = pkg.contributes.commands;
    expect(cmds.map((c) => c.command).sort()).toEqual(Object.values(COMMANDS).sort());
    expect(cmds.every((c) => c.category === 'pmemstat')).toBe(true);
    expect(cmds.find((c) => c.command === 'pmemstat.open')?.title).toBe('Open');
  });
  it('contributes every setting with the defaults the code uses', () => {
    const props = pkg.contributes.configuration.properties;
    for (const k of PANEL_SETTING_KEYS) expect(props[`pmemstat.${k}`]?.default).toEqual(DEFAULT_PANEL_SETTINGS[k]);
    expect(Object.keys(props).sort()).toEqual(
      [
        ...PANEL_SETTING_KEYS.map((k) => `pmemstat.${k}`),
        'pmemstat.runAsUser',
        'pmemstat.statusBar.enabled',
        'pmemstat.statusBar.interval',
        'pmemstat.leak.samples',
        'pmemstat.leak.minGrowthKb',
        'pmemstat.leak.statusBarWarning',
        'pmemstat.walkBudgetMs',
        'pmemstat.maxAgeSeconds',
        'pmemstat.notify.leakSuspects',
      ].sort(),
    );
    // Off unless asked for, as the code reads it (src/host/oomNotifier.ts).
    expect(props['pmemstat.notify.leakSuspects'].default).toBe(false);
    const walk = readWalkSettings(() => undefined);
    expect(props['pmemstat.walkBudgetMs'].default).toBe(walk.walkBudgetMs);
    expect(props['pmemstat.maxAgeSeconds'].default).toBe(walk.maxAgeSeconds);
    expect(props['pmemstat.runAsUser'].scope).toBe('machine');
    expect(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations).toContain('pmemstat.runAsUser');
  });
});

describe('settings', () => {
  it('reads the walk budget and age bound, clamped, falling back on invalid ones', () => {
    expect(readWalkSettings((k) => ({ walkBudgetMs: 25, maxAgeSeconds: 5 })[k])).toEqual({ walkBudgetMs: 25, maxAgeSeconds: 5 });
    expect(readWalkSettings((k) => ({ walkBudgetMs: -3, maxAgeSeconds: 0 })[k])).toEqual({ walkBudgetMs: 0, maxAgeSeconds: 1 });
    expect(readWalkSettings((k) => ({ walkBudgetMs: 'x', maxAgeSeconds: NaN })[k])).toEqual({ walkBudgetMs: 10, maxAgeSeconds: 60 });
  });
  it('reads valid values and falls back on invalid ones', () => {
    const raw: Record<string, unknown> = { groupBy: 'cmd', units: 'furlongs', loopSeconds: 2, cpuAvgSecs: 45, minDeltaKb: 'lots' };
    expect(readPanelSettings((k) => raw[k])).toEqual({ ...DEFAULT_PANEL_SETTINGS, groupBy: 'cmd', loopSeconds: 2, cpuAvgSecs: 45 });
  });
  it('writes a changed option to where it is defined', async () => {
    const s = new SettingsStore();
    await s.update({ units: 'KB', groupBy: 'exe' }); // groupBy is unchanged: not written
    expect(stub.configWrites).toEqual([['pmemstat.units', 'KB', 1]]);
    expect(s.panel.units).toBe('KB');
    s.dispose();
  });
});
