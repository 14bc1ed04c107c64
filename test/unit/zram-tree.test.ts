// zRAM through the sampler: a captured tree with zram devices added.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leaderLines } from '../../src/core/format';
import { Reporter } from '../../src/core/report';
import { Sampler } from '../../src/sampler/sampler';
import { readZramStats } from '../../src/proc/zramfs';
import { reportOptions } from '../../src/shared/engineOptions';

const root = mkdtempSync(join(tmpdir(), 'pmemstat-zram-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function zram(name: string, disksize: number, mm: string): void {
  const d = join(root, 'sys/class/block', name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'disksize'), `${disksize}\n`);
  writeFileSync(join(d, 'mm_stat'), mm);
}

describe('zRAM', () => {
  it('counts only initialised devices (disksize > 0), summed', () => {
    zram('zram0', 0, '       0        0        0        0        0        0        0        0        0\n');
    expect(readZramStats(root)).toBeNull();
    zram('zram1', 4 * 2 ** 30, '  300000   100000   120000        0   130000        0        0        0        0\n');
    zram('zram2', 2 * 2 ** 30, '  100000    50000    60000  1000000    60000        0        0        0        0\n');
    expect(readZramStats(root)).toEqual({
      origDataSize: 400000,
      comprDataSize: 150000,
      memUsedTotal: 180000,
      memLimit: 1000000,
      disksize: 6 * 2 ** 30,
    });
  });

  it('adds SwapPss to ptotal and prints the zRAM leader line when active', () => {
    cpSync(join(__dirname, '..', '..', 'fixtures', 'tree-a', 'proc'), join(root, 'proc'), { recursive: true, verbatimSymlinks: true });
    const on = new Sampler({ root }).sample();
    expect(on.zram).not.toBeNull();
    for (const p of on.procs) expect(p.mem.ptotal).toBe(p.mem.data + p.mem.text + p.mem.shOth + p.mem.pswap);
    const lines = leaderLines(new Reporter(reportOptions()).report(on).leader, true);
    expect(lines[1]).toMatch(/^\d+\.\d%\/ker MajF\/s=0 zRAM=175\.8K CR=2\.2 eTot=\S+ eUsed=\S+ eAvail=\S+$/);
  });
});
