// The report of captured /proc trees (fixtures/, made by `npm run capture-fixture`)
// for several option sets, against the expected reports stored beside them; and
// the figures behind them checked against the raw files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Reporter } from '../../src/core/report';
import { runCli } from '../../src/cli/cli';
import { Sampler } from '../../src/sampler/sampler';
import { reportOptions } from '../../src/shared/engineOptions';

const FIX = join(__dirname, '..', '..', 'fixtures');
const cases = JSON.parse(readFileSync(join(FIX, 'golden-cases.json'), 'utf8')) as {
  oneShot: Record<string, string[]>;
  loop: Record<string, string[]>;
  trees: { oneShot: string[]; loop: string[] };
};

const maskTime = (s: string) => s.replace(/^\d\d:\d\d:\d\d /gm, 'HH:MM:SS ');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.map((l) => l + '\n').join(''), err: err.join('\n') };
}

for (const kind of ['oneShot', 'loop'] as const) {
  for (const tree of cases.trees[kind]) {
    describe(`golden report of ${tree}`, () => {
      for (const [name, args] of Object.entries(cases[kind])) {
        it(`${name}: pmemstat --root ${tree} ${args.join(' ')}`, async () => {
          const r = await cli(['--root', join(FIX, tree), ...args]);
          expect(r.err).toBe('');
          expect(r.code).toBe(0);
          expect(maskTime(r.out)).toBe(readFileSync(join(FIX, tree, 'expected', `${name}.txt`), 'utf8'));
        });
      }
    });
  }
}

/** Sum of one field over all `Name:` lines of a file (smaps: every mapping). */
function sumField(text: string, field: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

describe('figures of a captured tree agree with its raw files', () => {
  for (const tree of cases.trees.oneShot) {
    const root = join(FIX, tree);
    it(`${tree}: detail ptotal = Σ Pss of the smaps mappings; fast ptotal = rollup Pss`, () => {
      const detail = new Sampler({ root, detail: true }).sample();
      const fast = new Sampler({ root, detail: false }).sample();
      expect(detail.procs.length).toBeGreaterThan(15);
      expect(fast.procs.map((p) => p.pid)).toEqual(detail.procs.map((p) => p.pid));
      for (const p of detail.procs) {
        const smaps = readFileSync(join(root, 'proc', String(p.pid), 'smaps'), 'latin1');
        expect(p.mem.ptotal, `pid ${p.pid}`).toBe(sumField(smaps, 'Pss'));
        expect(p.mem.pswap).toBe(sumField(smaps, 'SwapPss'));
      }
      for (const p of fast.procs) {
        const rollup = readFileSync(join(root, 'proc', String(p.pid), 'smaps_rollup'), 'latin1');
        expect(p.mem.ptotal, `pid ${p.pid}`).toBe(sumField(rollup, 'Pss'));
      }
    });

    it(`${tree}: every user process is either shown or counted; the T row sums the groups`, () => {
      const s = new Sampler({ root, detail: true }).sample();
      const pids = readdirSync(join(root, 'proc')).filter((n) => /^\d+$/.test(n));
      // kernel-thread-like entries (empty argv[0]: the zombie, `exec -a ""`) are not user processes
      const nonUser = pids.filter((p) => {
        const cl = readFileSync(join(root, 'proc', p, 'cmdline'));
        return cl.length === 0 || cl[0] === 0;
      });
      expect(s.totalUserProcs).toBe(pids.length - nonUser.length);
      expect(s.procs.length + s.inaccessible + s.filtered).toBe(s.totalUserProcs);
      for (const groupBy of ['exe', 'cmd', 'pid'] as const) {
        const rep = new Reporter(reportOptions({ groupBy, minDeltaKb: 100 })).report(s);
        const sum = rep.rows.reduce((a, r) => a + r.mem.ptotal, 0);
        expect(rep.total.mem.ptotal).toBe(sum);
        expect(rep.total.count).toBe(s.procs.length);
      }
    });

    it(`${tree}: two memtests split their SysV memory`, () => {
      const zoo = JSON.parse(readFileSync(join(root, 'zoo.json'), 'utf8')) as { processes: { pid: number; role: string }[] };
      const pids = zoo.processes.filter((p) => p.role.startsWith('memtest')).map((p) => p.pid);
      const s = new Sampler({ root, detail: true, filter: pids.map(String) }).sample();
      expect(s.procs).toHaveLength(2);
      const [a, b] = s.procs;
      // 16 steps × 64 KB segments attached by both: each pays half
      expect(a.mem.shSYSV).toBe(512);
      expect(b.mem.shSYSV).toBe(512);
      const rep = new Reporter(reportOptions()).report(s);
      expect(rep.total.mem.shSYSV).toBe(1024);
    });
  }
});

describe('captured loop sequence', () => {
  it('replays the samples, with new, grown and vanished groups', async () => {
    const r = await cli(['--root', join(FIX, 'loop-a'), '-u', 'KB', '-k', '10']);
    const blocks = r.out.split(/\n\n/);
    expect(blocks[1]).toMatch(/\+\d+K\s+2x memtest/);
    expect(blocks[1]).toMatch(/ A\s+\d+ newcomer/);
    expect(blocks[1]).toMatch(/ x\s+\d+ vanisher/);
  });
});

describe('CLI errors', () => {
  it('rejects a bad option with a clear message and exit 2', async () => {
    const r = await cli(['-g', 'bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/option -g: invalid choice: 'bogus'/);
    expect((await cli(['--frobnicate'])).code).toBe(2);
    expect((await cli(['-l'])).err).toMatch(/expected a value/);
    expect((await cli(['-k', '1.5'])).code).toBe(2);
    expect((await cli(['-t', '0'])).code).toBe(2);
  });
  it('says so when --root has no tree', async () => {
    const r = await cli(['--root', join(FIX, 'no-such-tree')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no proc\/ directory/);
  });
  it('prints help and accepts -W', async () => {
    const h = await cli(['--help']);
    expect(h.code).toBe(0);
    for (const opt of ['-g', '-k', '-l', '-L', '-t', '-n', '-U', '-o', '-u', '-R', '-s', '-/', '-C', '-W', '--json', '--root']) {
      expect(h.out).toContain(opt);
    }
    const w = await cli(['-W', '--root', join(FIX, 'tree-a')]);
    expect(w.code).toBe(0);
  });
  it('--json prints one document per sample', async () => {
    const r = await cli(['--json', '--root', join(FIX, 'loop-a')]);
    const docs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { total: { type: string }; rows: unknown[] });
    expect(docs).toHaveLength(3);
    expect(docs.every((d) => d.total.type === 'T' && d.rows.length > 0)).toBe(true);
  });
});
