// The thp and ksm columns of `pmemstat` on a captured tree (fixtures/tree-a) into which one
// process's captured AnonHugePages and ksm_stat (fixtures/snippets) were put: shown only when
// asked for, a process without ksm_stat has no ksm figure (an empty cell, not 0).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { systemPageSize } from '../../src/proc/ksm';
import { tmpDir } from '../support';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const PID = 6850;
let tree = '';

beforeAll(() => {
  tree = tmpDir('extras-tree');
  cpSync(join(FIXTURES, 'tree-a'), tree, { recursive: true });
  const rollup = join(tree, 'proc', String(PID), 'smaps_rollup');
  writeFileSync(rollup, readFileSync(rollup, 'latin1').replace(/^AnonHugePages:\s+\d+ kB$/m, 'AnonHugePages:      4096 kB'), 'latin1');
  cpSync(join(FIXTURES, 'snippets', 'merged.ksm_stat'), join(tree, 'proc', String(PID), 'ksm_stat'));
});

async function cli(args: string[]): Promise<string[]> {
  const out: string[] = [];
  expect(await runCli(['--root', tree, '-u', 'KB', '-g', 'pid', ...args], { out: (s) => out.push(s), err: (s) => out.push(`ERR ${s}`) })).toBe(0);
  return out;
}

describe('the thp and ksm columns', () => {
  it('are hidden by default', async () => {
    expect((await cli([]))[1]).not.toMatch(/thp|ksm/);
  });

  it('--thp --ksm: the captured figures in the process row and the total; no ksm_stat, no figure', async () => {
    expect(readFileSync(join(tree, 'proc', String(PID), 'smaps_rollup'), 'latin1')).toMatch(/AnonHugePages:\s+4096 kB/);
    const out = await cli(['--thp', '--ksm']);
    expect(out[1]).toMatch(/^\s+pswap\s+other\s+data\s+ptotal\s+thp\s+ksm\s+type\s+count key\/info$/);
    const cells = (line: string) => line.trim().split(/\s+/);
    // 512 merged pages of this machine's page size (4 KiB where the file was captured).
    const ksm = ((512 * systemPageSize()) / 1024).toLocaleString('en-US');
    expect(cells(out[2]).slice(4, 6)).toEqual(['4,096', ksm]);
    const row = out.find((l) => new RegExp(`\\s${PID} `).test(l));
    expect(row && cells(row).slice(4, 6)).toEqual(['4,096', ksm]);
    const other = out.find((l) => /\s6851 /.test(l));
    expect(other).toBeDefined();
    // thp 0, then the type column straight after: no ksm cell.
    expect(cells(other!)[4]).toBe('0');
    expect(cells(other!)[5]).toMatch(/^[A-Tx+-]/);
  });

  it("the catalogue's flags do the same (--show-ksm)", async () => {
    const out = await cli(['--show-ksm']);
    expect(out[1]).toMatch(/ptotal\s+ksm\s+type/);
  });
});
