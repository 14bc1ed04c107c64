import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpDir } from '../support';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import {
  glanceLevel,
  glanceText,
  readGlance,
  StatusBarController,
  usedOfTotal,
} from '../../src/host/statusBar';
import { readStatusBarSettings } from '../../src/host/settings';
import type { MemInfo } from '../../src/core/types';
import { leaderLines } from '../../src/core/format';
import { resetStub, stub, type MarkdownString, type ThemeColor } from './vscode-stub';
import { proc, reporter } from './webview-fixtures';
import { recordingLog } from './host-fakes';

const FIXTURE = join(__dirname, '../../fixtures/tree-a');

const log = recordingLog();

/** A /proc (and /sys) tree with the given meminfo figures (KB) and optional zram device. */
function tree(m: Partial<MemInfo>, zram?: { disksize: number; mmStat: string }): string {
  const root = tmpDir('glance');
  mkdirSync(join(root, 'proc'));
  const mi = { memTotal: 24_641_536, memAvailable: 16_880_000, shmem: 1_258_291, dirty: 3_482, swapTotal: 0, swapFree: 0, ...m };
  writeFileSync(
    join(root, 'proc/meminfo'),
    `MemTotal:       ${mi.memTotal} kB\nMemFree:        100 kB\nMemAvailable:   ${mi.memAvailable} kB\nShmem:          ${mi.shmem} kB\nDirty:          ${mi.dirty} kB\nSwapTotal:      ${mi.swapTotal} kB\nSwapFree:       ${mi.swapFree} kB\n`,
  );
  if (zram) {
    const dev = join(root, 'sys/class/block/zram0');
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, 'disksize'), `${zram.disksize}\n`);
    writeFileSync(join(dev, 'mm_stat'), zram.mmStat);
  }
  return root;
}

let bar: StatusBarController | null = null;
beforeEach(() => resetStub());
afterEach(() => {
  bar?.dispose();
  bar = null;
});

async function glanceOf(root: string) {
  bar = new StatusBarController({ enabled: true, interval: 5 }, log, root);
  await bar.refresh();
  expect(stub.statusItems).toHaveLength(1);
  return stub.statusItems[0];
}

describe('the glance text', () => {
  it('used/total in the unit of the total, and percent', () => {
    expect(usedOfTotal(7_761_536, 24_641_536)).toBe('7.4/23.5G');
    expect(usedOfTotal(300_000, 900_000)).toBe('293.0/878.9M');
    const mi: MemInfo = { memTotal: 24_641_536, memAvailable: 16_880_000, shmem: 0, dirty: 0, swapTotal: 0, swapFree: 0 };
    expect(glanceText(mi)).toBe('$(server) 7.4/23.5G 31%');
  });
  it('warning under 10 % available, error under 5 %', () => {
    const at = (avail: number) => glanceLevel({ memTotal: 1000, memAvailable: avail, shmem: 0, dirty: 0, swapTotal: 0, swapFree: 0 });
    expect(at(100)).toBe('ok');
    expect(at(99)).toBe('warning');
    expect(at(50)).toBe('warning');
    expect(at(49)).toBe('error');
  });
});

describe('the status-bar item', () => {
  it('reads a captured /proc tree: id, name, command, text, accessibility', async () => {
    const item = await glanceOf(FIXTURE);
    expect(item.id).toBe('pmemstat.status');
    expect(item.alignment).toBe(1); // left
    expect(item.name).toBe('pmemstat');
    expect(item.command).toBe('pmemstat.open');
    expect(item.shown).toBe(true);
    expect(item.text).toBe('$(server) 0.5/23.5G 2%');
    expect(item.backgroundColor).toBeUndefined();
    expect(item.accessibilityInformation?.label).toMatch(/^Memory: 512\.6M of 23\.5G used, 2 percent; 23\.0G available/);
    const tip = (item.tooltip as MarkdownString).value;
    expect(tip).toContain('| Avail | 23.0G (98%) |');
    // No panel report: the kernel's Shmem, under its own name (Sh+Tmp needs the processes' Pss_Shmem).
    expect(tip).toContain('| Shmem | 9.7M |');
    expect(tip).not.toContain('Sh+Tmp');
    expect(tip).toContain('| Dirty | 42.9M |');
    expect(tip).toContain('| Swap | none |');
    expect(tip).not.toContain('zRAM'); // zram0 there has disksize 0: not active
    expect((item.tooltip as MarkdownString).isTrusted).toBe(false);
  });

  it('warning and error backgrounds', async () => {
    let item = await glanceOf(tree({ memTotal: 1_000_000, memAvailable: 80_000 }));
    expect((item.backgroundColor as ThemeColor).id).toBe('statusBarItem.warningBackground');
    bar?.dispose();
    resetStub();
    item = await glanceOf(tree({ memTotal: 1_000_000, memAvailable: 40_000 }));
    expect((item.backgroundColor as ThemeColor).id).toBe('statusBarItem.errorBackground');
    expect(item.text).toBe('$(server) 937.5/976.6M 96%');
  });

  it('tooltip: swap, zRAM when active, and the panel top groups (as plain text)', async () => {
    const item = await glanceOf(
      tree({ swapTotal: 8_388_608, swapFree: 6_291_456 }, { disksize: 8 * 1024 ** 3, mmStat: `${3 * 1024 ** 3} ${1024 ** 3} ${Math.round(1.1 * 1024 ** 3)} 0 0 0 0 0 0\n` }),
    );
    let tip = (item.tooltip as MarkdownString).value;
    expect(tip).toContain('| Swap | 2.0G of 8.0G |');
    expect(tip).toContain('| zRAM | 1.1G holds 3.0G (CR 3.0) |');
    expect(tip).not.toContain('Top groups');
    const report = reporter()([proc(10, 'firefox', 2_000_000), proc(11, '**bold** [x](command:evil)', 500_000), proc(12, 'bash', 1_000)]);
    bar?.setTopGroups({ time: report.leader.time, rows: report.rows, leader: report.leader });
    tip = (item.tooltip as MarkdownString).value;
    expect(tip).toContain('**Top groups**');
    expect(tip).toContain('- 1.9G firefox');
    expect(tip).toContain('\\*\\*bold\\*\\* \\[x\\]\\(command:evil\\)');
    bar?.setTopGroups(null);
    expect((item.tooltip as MarkdownString).value).not.toContain('Top groups');
  });

  it('Sh+Tmp is the leader\u2019s: Shmem less the Pss_Shmem the processes hold, the figure the CLI, the window and the panel show', async () => {
    const item = await glanceOf(FIXTURE);
    // 200,000 KB of Shmem (the fixture sample), of which a process maps 150,000 KB in its PSS.
    const report = reporter()([{ ...proc(10, 'postgres', 400_000), pssShmem: 150_000 }, proc(11, 'bash', 1_000)]);
    expect(report.leader.shTmp).toBe(50_000);
    bar?.setTopGroups({ time: report.leader.time, rows: report.rows, leader: report.leader });
    const tip = (item.tooltip as MarkdownString).value;
    const cli = /Sh\+Tmp=(\S+)/.exec(leaderLines(report.leader, false, '').join('\n'))?.[1];
    expect(cli).toBe('48.8M');
    expect(tip).toContain(`| Sh+Tmp | ${cli} |`);
  });

  it('can be switched off and on', async () => {
    bar = new StatusBarController({ enabled: false, interval: 5 }, log, FIXTURE);
    expect(stub.statusItems).toHaveLength(0);
    bar.update({ enabled: true, interval: 2 });
    expect(stub.statusItems).toHaveLength(1);
    await vi.waitFor(() => expect(stub.statusItems[0].text).toBe('$(server) 0.5/23.5G 2%'));
    bar.update({ enabled: false, interval: 2 });
    expect(stub.statusItems[0].disposed).toBe(true);
  });

  it('an unreadable /proc/meminfo shows "?" and logs once', async () => {
    const item = await glanceOf('/nonexistent-root');
    await bar?.refresh();
    expect(item.text).toBe('$(server) ?');
    expect(stub.logs.filter((l) => l.startsWith('[warn]'))).toHaveLength(1);
  });

  it('reads meminfo and zram devices', async () => {
    const g = await readGlance(tree({}, { disksize: 100, mmStat: '10 5 7 0 0 0 0\n' }));
    expect(g.zram).toEqual({ origDataSize: 10, comprDataSize: 5, memUsedTotal: 7, memLimit: 0, disksize: 100 });
    expect((await readGlance(FIXTURE)).zram).toBeNull();
  });

  it('settings: interval clamped, enabled by default', () => {
    expect(readStatusBarSettings(() => undefined)).toEqual({ enabled: true, interval: 5 });
    expect(readStatusBarSettings((k) => (k === 'statusBar.interval' ? 0 : false))).toEqual({ enabled: false, interval: 1 });
  });
});

describe('the leak warning', () => {
  const suspects = [
    { info: 'memtest', growthKb: 40_960, seconds: 38, ptotal: 122_880 },
    { info: '**node** [x](command:evil)', growthKb: 2_048, seconds: 400, ptotal: 300_000 },
  ];

  it('adds $(warning) N to the text, names the suspects in the tooltip (as plain text) and the accessible label', async () => {
    const item = await glanceOf(FIXTURE);
    bar?.setLeaks(suspects);
    expect(item.text).toBe('$(server) 0.5/23.5G 2% $(warning) 2');
    const tip = (item.tooltip as MarkdownString).value;
    expect(tip).toContain('$(warning) **Leak suspects** (ptotal kept rising):');
    expect(tip).toContain('- +40.0M in 38 s, now 120.0M memtest');
    expect(tip).toContain('- +2.0M in 7 min, now 293.0M \\*\\*node\\*\\* \\[x\\]\\(command:evil\\)');
    expect(item.accessibilityInformation?.label).toMatch(/ Warning: 2 suspected memory leaks: memtest, \*\*node\*\* \[x\]\(command:evil\)\.$/);
    // The meminfo timer keeps the warning.
    await bar?.refresh();
    expect(item.text).toBe('$(server) 0.5/23.5G 2% $(warning) 2');
    bar?.setLeaks([]);
    expect(item.text).toBe('$(server) 0.5/23.5G 2%');
    expect((item.tooltip as MarkdownString).value).not.toContain('Leak suspects');
    bar?.setLeaks(suspects.slice(0, 1));
    expect(item.accessibilityInformation?.label).toMatch(/Warning: 1 suspected memory leak: memtest\.$/);
    bar?.setLeaks(null); // the panel closed
    expect(item.text).toBe('$(server) 0.5/23.5G 2%');
  });

  it('pmemstat.leak.statusBarWarning off: no warning, and on again: back', async () => {
    const item = await glanceOf(FIXTURE);
    bar?.setLeaks(suspects);
    bar?.setLeakWarning(false);
    expect(item.text).toBe('$(server) 0.5/23.5G 2%');
    expect((item.tooltip as MarkdownString).value).not.toContain('Leak suspects');
    expect(bar?.warnedSuspects).toEqual([]);
    bar?.setLeakWarning(true);
    expect(item.text).toBe('$(server) 0.5/23.5G 2% $(warning) 2');
  });
});
