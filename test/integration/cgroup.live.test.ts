// Grouping by cgroup against real cgroups: the test makes its own under the v2 tree and the v1
// memory controller (this machine is hybrid), moves processes it starts into them, and checks
// the keys and the kernel's figures that the CLI reports.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';
import { HelperServer } from '../../src/sampler/serve';
import { Sampler } from '../../src/sampler/sampler';
import { fromWireReport, type Reply } from '../../src/shared/protocol';
import type { GroupRow } from '../../src/core/types';
import { buildStaticIdle, Procs, removeCgroups } from './live';
import { isRoot, titled, unmet } from '../support';

const UNIFIED = '/sys/fs/cgroup/unified';
const MEMORY = '/sys/fs/cgroup/memory';
const NAME = `pmemstat-test-${process.pid}`;
const procs = new Procs();
const made: string[] = [];

/** Why this machine cannot run these tests ('' = it can). */
function cannot(): string {
  if (!isRoot) return unmet('root'); // to make cgroups
  if (!existsSync(join(UNIFIED, 'cgroup.procs'))) return `no cgroup v2 tree at ${UNIFIED} (not a hybrid system)`;
  if (!existsSync(join(MEMORY, 'memory.usage_in_bytes'))) return `no v1 memory controller at ${MEMORY}`;
  try {
    for (const root of [UNIFIED, MEMORY]) {
      mkdirSync(join(root, NAME));
      made.push(join(root, NAME));
    }
  } catch (e) {
    return `cannot make a cgroup: ${(e as Error).message}`;
  }
  return '';
}
const reason = cannot();

async function cliRows(args: string[]): Promise<GroupRow[]> {
  const out: string[] = [];
  const status = await runCli(['-W', '-U', '--json', ...args], { out: (s) => out.push(s), err: (s) => out.push(s) });
  expect(status).toBe(0);
  return (JSON.parse(out[0]) as { rows: GroupRow[] }).rows;
}

const kbOf = (file: string) => Math.floor(Number(readFileSync(join(MEMORY, NAME, file), 'utf8')) / 1024);

beforeAll(() => {
  if (reason) console.warn(`cgroup live tests skipped: ${reason}`);
});

afterAll(async () => {
  procs.stopAll();
  await removeCgroups(made);
});

describe.skipIf(reason !== '')(titled('grouping by real cgroups (hybrid: v2 tree + v1 memory controller)', reason), () => {
  it('-g cgroup and -g unit key the group by its path and show its kernel figures; -g container calls it host', async () => {
    writeFileSync(join(MEMORY, NAME, 'memory.limit_in_bytes'), String(512 * 1024 * 1024));
    // As a runtime does: into the cgroups first, then exec, so every page is charged there.
    const into = [UNIFIED, MEMORY].map((r) => `echo $$ > ${join(r, NAME, 'cgroup.procs')}`).join('; ');
    const kids = [0, 1].map(() => procs.start('/bin/sh', ['-c', `${into}; exec ${buildStaticIdle()}`]));
    await Promise.all(kids.map((k) => Procs.waitFor(k, /up/)));
    const pids = kids.map((k) => String(k.pid));
    const path = `/${NAME}`;

    const byCgroup = await cliRows(['-g', 'cgroup', ...pids]);
    expect(byCgroup.map((r) => [r.key, r.count])).toEqual([[path, 2]]);
    const k = byCgroup[0].kernel;
    expect(k).toBeDefined();
    expect(k!.dir).toBe(path);
    expect(k!.limit).toBe(512 * 1024);
    expect(k!.nearLimit).toBe(false);
    expect(k!.current).toBeGreaterThan(0);
    expect(Math.abs(k!.current - kbOf('memory.usage_in_bytes'))).toBeLessThan(1024);
    expect(k!.peak).toBeGreaterThanOrEqual(k!.current);
    expect(typeof k!.pressure).toBe('number'); // the v2 tree's memory.pressure

    const byUnit = await cliRows(['-g', 'unit', ...pids]);
    expect(byUnit.map((r) => [r.key, r.count, r.kernel?.dir])).toEqual([[path, 2, path]]);
    const byContainer = await cliRows(['-g', 'container', ...pids]);
    expect(byContainer.map((r) => [r.key, r.count, r.kernel])).toEqual([['host', 2, undefined]]);

    // A limit just above the usage (95 %): the group is marked near it (≥ 90 %), in --json and in
    // the text. Two idle programs charge a few hundred KB, so the kernel's own churn moves that by
    // percents: the limit is set again when a sample saw the usage fall out of the band.
    let near: GroupRow[] = [];
    let line: string | undefined;
    for (let i = 0; i < 10; i++) {
      const usage = Number(readFileSync(join(MEMORY, NAME, 'memory.usage_in_bytes'), 'utf8'));
      writeFileSync(join(MEMORY, NAME, 'memory.limit_in_bytes'), String(Math.ceil(usage / 0.95 / 4096) * 4096));
      near = await cliRows(['-g', 'cgroup', ...pids]);
      const text: string[] = [];
      await runCli(['-W', '-U', '-g', 'cgroup', ...pids], { out: (s) => text.push(s), err: (s) => text.push(s) });
      line = text.find((l) => l.includes(path));
      const seen = near[0].kernel;
      const pct = Number(/ cg=\S+\/\S+\((\d+)%\)/.exec(line ?? '')?.[1]);
      if (seen && seen.limit && seen.current >= 0.9 * seen.limit && pct >= 90) break;
    }
    // No limit for the next tests, whose processes join this cgroup (at 95 % they were OOM-killed).
    writeFileSync(join(MEMORY, NAME, 'memory.limit_in_bytes'), '-1');
    expect(near[0].kernel?.nearLimit).toBe(true);
    expect(line).toMatch(/ cg=\S+\/\S+\(\d+%\) .*limit\?$/);
  });

  it('reads a process\u2019s cgroup only for a grouping that shows it, and as soon as one does (helper, sampler)', async () => {
    const into = [UNIFIED, MEMORY].map((r) => `echo $$ > ${join(r, NAME, 'cgroup.procs')}`).join('; ');
    const kids = [0, 1].map(() => procs.start('/bin/sh', ['-c', `${into}; exec ${buildStaticIdle()}`]));
    await Promise.all(kids.map((k) => Procs.waitFor(k, /up/)));
    const pids = kids.map((k) => String(k.pid));

    const sampler = new Sampler({ filter: pids, cgroups: false });
    try {
      expect(sampler.sample().procs.map((p) => p.cgroup)).toEqual([undefined, undefined]);
      sampler.setOptions({ cgroups: true });
      expect(sampler.sample().procs.map((p) => p.cgroup?.path)).toEqual([`/${NAME}`, `/${NAME}`]);
    } finally {
      sampler.close();
    }

    // The helper starts grouped by exe (no cgroup read) and is switched to cgroups by configure.
    const out: Reply[] = [];
    const srv = new HelperServer((r) => out.push(r), { root: '/' });
    const rows = async (id: number) => {
      srv.handle({ line: JSON.stringify({ id, type: 'sample' }) });
      await srv.idle();
      const r = out.find((x) => x.id === id);
      if (r?.type !== 'sample') throw new Error(`no sample: ${JSON.stringify(r)}`);
      return fromWireReport(r.report).rows.map((g) => [g.key, g.count]);
    };
    try {
      srv.handle({ line: JSON.stringify({ id: 1, type: 'configure', config: { filter: pids } }) });
      expect((await rows(2)).map(([key]) => key)).not.toContain(`/${NAME}`);
      srv.handle({ line: JSON.stringify({ id: 3, type: 'configure', config: { groupBy: 'cgroup' } }) });
      expect(await rows(4)).toEqual([[`/${NAME}`, 2]]);
    } finally {
      srv.close();
    }
  });

  it('--oom shows each group\u2019s highest oom_score', async () => {
    const idle = buildStaticIdle();
    const kid = procs.start(idle, []);
    await Procs.waitFor(kid, /up/);
    writeFileSync(`/proc/${kid.pid}/oom_score_adj`, '500');
    const want = Number(readFileSync(`/proc/${kid.pid}/oom_score`, 'utf8'));
    expect(want).toBeGreaterThanOrEqual(500);
    const rows = await cliRows(['--oom', '-g', 'pid', String(kid.pid)]);
    expect(rows.map((r) => r.oom)).toEqual([want]);
    const without = await cliRows(['-g', 'pid', String(kid.pid)]);
    expect(without[0].oom).toBeUndefined();
  });
});
