// One engine behind every view: the helper (its `sample` replies), the `pmemstat -l` loop
// (`--json`) and the terminal window (its Monitor, made as runWindow makes it) give the same
// Reports for the same options on a captured tree, under every grouping. The tree is
// fixtures/tree-a with a cgroup file per process, so that unit, container and cgroup group it.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GROUP_BYS, type GroupBy, type Report } from '../../src/core/types';
import { runCli, replayRoots } from '../../src/cli/cli';
import { parseCliArgs } from '../../src/cli/cliargs';
import { settingsFromCli, windowMonitor } from '../../src/cli/window/window';
import { HelperServer } from '../../src/sampler/serve';
import { fromWireReport, type Reply } from '../../src/shared/protocol';

const TREE_A = join(__dirname, '..', '..', 'fixtures', 'tree-a');
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tree-a with each process in a cgroup: a service, a container, a user session. */
function treeWithCgroups(): string {
  const root = join(dir, 'tree');
  cpSync(TREE_A, root, { recursive: true });
  const places = ['/system.slice/postgresql.service', '/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope', '/user.slice/user-1000.slice/session-2.scope'];
  const pids = readdirSync(join(root, 'proc')).filter((n) => /^\d+$/.test(n));
  pids.forEach((pid, i) => writeFileSync(join(root, 'proc', pid, 'cgroup'), `0::${places[i % places.length]}\n`));
  return root;
}
const TREE = treeWithCgroups();

/** The same tree twice, as a captured loop (DIR/0, DIR/1): the second tick has a baseline. */
function twice(): string {
  const loop = join(dir, 'loop');
  for (const n of ['0', '1']) {
    cpSync(TREE, join(loop, n), { recursive: true, dereference: false });
  }
  return loop;
}
const LOOP = twice();

/** What differs between two runs of the same sample: the clock. */
function comparable(r: Report): unknown {
  return { ...r, leader: { ...r.leader, time: 0 } };
}

function viaHelper(groupBy: GroupBy): Report[] {
  const out: Reply[] = [];
  const srv = new HelperServer((r) => out.push(r), { root: TREE });
  // The replay reads each tree exactly: the helper is told to walk every process too.
  srv.handle({ line: JSON.stringify({ id: 1, type: 'configure', config: { groupBy, walkBudgetMs: 0 } }) });
  srv.handle({ line: JSON.stringify({ id: 2, type: 'sample' }) });
  srv.handle({ line: JSON.stringify({ id: 3, type: 'sample' }) });
  srv.close();
  return out.flatMap((r) => (r.type === 'sample' ? [fromWireReport(r.report)] : []));
}

async function viaCli(groupBy: GroupBy): Promise<Report[]> {
  const lines: string[] = [];
  const status = await runCli(['-W', '--json', '-g', groupBy, '--root', LOOP], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
  expect(status, lines.join('\n')).toBe(0);
  return lines.map((l) => {
    const { overflow, ...r } = JSON.parse(l) as Report & { overflow: unknown };
    expect(overflow).toBeNull();
    return r;
  });
}

async function viaWindow(groupBy: GroupBy): Promise<Report[]> {
  const o = parseCliArgs(['-g', groupBy, '--root', LOOP]);
  const m = windowMonitor(o, settingsFromCli(o), replayRoots(o.root));
  try {
    return [await m.tick(), await m.tick()];
  } finally {
    m.close();
  }
}

describe('the helper, the CLI loop and the window give the same Reports', () => {
  for (const groupBy of GROUP_BYS) {
    it(`grouped by ${groupBy}`, async () => {
      const helper = viaHelper(groupBy);
      const cli = await viaCli(groupBy);
      const window = await viaWindow(groupBy);
      expect(helper).toHaveLength(2);
      expect(cli).toHaveLength(2);
      expect(helper[0].options.groupBy).toBe(groupBy);
      expect(helper[0].rows.length).toBeGreaterThan(1);
      expect(helper[0].rows.every((r) => r.type === 'A')).toBe(true);
      expect(helper[1].rows.every((r) => r.type === '')).toBe(true);
      for (let i = 0; i < 2; i++) {
        expect(comparable(cli[i]), `CLI, tick ${i}`).toEqual(comparable(helper[i]));
        expect(comparable(window[i]), `window, tick ${i}`).toEqual(comparable(helper[i]));
      }
    });
  }

  it('the cgroup groupings group the tree by where each process runs', () => {
    const keys = (by: GroupBy) => viaHelper(by)[0].rows.map((r) => r.key).sort();
    const docker = 'docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope';
    expect(keys('unit')).toEqual([docker, 'postgresql.service', 'session-2.scope']);
    expect(keys('container')).toEqual(['docker:0123456789ab', 'host']);
    expect(keys('cgroup')).toEqual([`/system.slice/${docker}`, '/system.slice/postgresql.service', '/user.slice/user-1000.slice/session-2.scope']);
  });
});

