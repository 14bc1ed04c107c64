// Every figure of the leader lines is explained, in one place (src/core/leaderHelp.ts), and
// `--help` says it; the processes left out are named.
import { describe, expect, it } from 'vitest';
import { leaderParts, type LeaderPart } from '../../src/core/format';
import { inaccessibleList, LEADER_HELP, type LeaderFigure } from '../../src/core/leaderHelp';
import type { LeaderFigures } from '../../src/core/types';
import { HELP } from '../../src/cli/cliargs';

const BASE: LeaderFigures = {
  time: Date.UTC(2026, 0, 1),
  memTotal: 16_000_000,
  used: 6_000_000,
  avail: 10_000_000,
  oth: 1_000_000,
  shTmp: 50_000,
  dirty: 1_000,
  pidsShown: 7,
  pidsTotal: 9,
  inaccessible: 2,
  search: 'fire',
  kernelCpu: 1.5,
  topKernelThreads: [{ pid: 12, comm: 'kworker/0:1', cpu: 0.5 }],
  zram: null,
  majfaultsPerSec: 3,
};
const ZRAM = { ...BASE, zram: { zramUsed: 1e9, ratio: 3.1, eTot: 3e10, eUsed: 9e9, eAvail: 2.1e10 } };

const figuresOf = (lines: LeaderPart[][]) => lines.flat().map((p) => p.figure).filter((f): f is LeaderFigure => f !== null);

describe('the leader, figure by figure', () => {
  it('every piece that is not a space is a figure with an explanation, and every explanation is used', () => {
    const seen = new Set<LeaderFigure>();
    for (const l of [BASE, ZRAM, { ...BASE, stale: 3, pressure: { some: 1.5, full: 0.5 } }]) {
      const lines = leaderParts(l, true, 'run as root');
      for (const p of lines.flat()) {
        if (p.figure === null) expect(p.text).toBe(' ');
        else expect(LEADER_HELP[p.figure].help.length).toBeGreaterThan(10);
      }
      figuresOf(lines).forEach((f) => seen.add(f));
    }
    expect([...seen].sort()).toEqual(Object.keys(LEADER_HELP).sort());
  });

  it('the pieces make the leader text as before', () => {
    const lines = leaderParts(ZRAM, true).map((ps) => ps.map((p) => p.text).join(''));
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d Tot=15\.3G Used=5\.7G Avail=9\.5G Oth=976\.6M Sh\+Tmp=48\.8M Dirty=1\.0M PIDs=7\/9 \[2 not accessible\] \/fire\/$/);
    expect(lines[1]).toBe('1.5%/ker MajF/s=3 zRAM=953.7M CR=3.1 eTot=27.9G/183% eUsed=8.4G/55% eAvail=19.6G/128%');
  });

  it('--help explains each figure', () => {
    const help = HELP.replace(/\s+/g, ' ');
    for (const { label, help: what } of Object.values(LEADER_HELP)) {
      expect(help).toContain(` ${label} `);
      expect(help).toContain(what);
    }
  });
});

describe('the processes left out', () => {
  it('are named, pid and name, and the rest counted', () => {
    expect(inaccessibleList(2, [{ pid: 1, name: 'systemd' }, { pid: 77, name: 'sshd: root' }])).toEqual(['1 systemd', '77 sshd: root']);
    const many = Array.from({ length: 50 }, (_, i) => ({ pid: i + 1, name: `p${i + 1}` }));
    const list = inaccessibleList(120, many);
    expect(list).toHaveLength(21);
    expect(list[0]).toBe('1 p1');
    expect(list.at(-1)).toBe('and 100 more');
    // a snapshot of an older version has the count only
    expect(inaccessibleList(3, undefined)).toEqual(['and 3 more']);
  });
});
