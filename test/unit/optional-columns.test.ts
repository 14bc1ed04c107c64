// The optional uss and pss+swap columns: figures read from the captured trees' raw files, in
// both modes, and the CLI's layout with and without them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { Sampler } from '../../src/sampler/sampler';

const TREE = join(__dirname, '..', '..', 'fixtures', 'tree-a');
const sumField = (text: string, field: string) =>
  [...text.matchAll(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
const raw = (pid: number, file: string) => readFileSync(join(TREE, 'proc', String(pid), file), 'latin1');

async function cli(args: string[]): Promise<string[]> {
  const out: string[] = [];
  expect(await runCli(['--root', TREE, ...args], { out: (s) => out.push(s), err: (s) => out.push(`ERR ${s}`) })).toBe(0);
  return out;
}

describe('uss and pss+swap', () => {
  it('fast mode: uss = Private_Clean + Private_Dirty and pss+swap = Pss + SwapPss of the rollup', () => {
    const s = new Sampler({ root: TREE, detail: false }).sample();
    expect(s.procs.length).toBeGreaterThan(15);
    for (const p of s.procs) {
      const r = raw(p.pid, 'smaps_rollup');
      expect(p.mem.uss, `pid ${p.pid}`).toBe(sumField(r, 'Private_Clean') + sumField(r, 'Private_Dirty'));
      expect(p.mem.epss).toBe(sumField(r, 'Pss') + sumField(r, 'SwapPss'));
    }
  });

  it('detail mode: the same sums over every mapping of smaps', () => {
    const s = new Sampler({ root: TREE, detail: true }).sample();
    for (const p of s.procs) {
      const r = raw(p.pid, 'smaps');
      expect(p.mem.uss, `pid ${p.pid}`).toBe(sumField(r, 'Private_Clean') + sumField(r, 'Private_Dirty'));
      expect(p.mem.epss).toBe(sumField(r, 'Pss') + sumField(r, 'SwapPss'));
    }
  });

  it('the CLI shows them after ptotal only with --uss / --epss, summed on the T row', async () => {
    const plain = await cli(['-u', 'KB']);
    expect(plain[1]).not.toMatch(/uss|pss\+swap/);
    const both = await cli(['-u', 'KB', '-g', 'pid', '--uss', '--epss']);
    expect(both[1]).toMatch(/^\s+pswap\s+other\s+data\s+ptotal\s+uss\s+pss\+swap\s+type\s+count key\/info$/);
    const s = new Sampler({ root: TREE, detail: false }).sample();
    const total = (k: 'uss' | 'epss') => s.procs.reduce((a, p) => a + p.mem[k], 0).toLocaleString('en-US');
    expect(both[2].trim().split(/\s+/).slice(4, 6)).toEqual([total('uss'), total('epss')]);
    // pss+swap is wider than an MB column: it keeps a space before it.
    const mb = await cli(['--epss']);
    expect(mb[1]).toMatch(/ptotal pss\+swap/);
  });
});
