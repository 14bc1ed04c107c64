// Names of cgroups and containers in a captured tree, as a delegated cgroup's user may choose
// them: a `docker-<id>.scope` under user@UID.service with the id of a real container (whose
// config.v2.json names it) must not take that container's name, while the real one keeps
// it; a cgroup name with UTF-8 and invalid bytes shows as UTF-8 (U+FFFD for the invalid
// byte), not as latin1.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli';

const REPO = join(__dirname, '..', '..');
const ID = 'ab'.repeat(32);
let tree: string;
let pids: number[];

beforeAll(() => {
  tree = join(mkdtempSync('/tmp/pmemstat-cgnames-'), 'tree');
  cpSync(join(REPO, 'fixtures/tree-a'), tree, { recursive: true, verbatimSymlinks: true });
  pids = readdirSync(join(tree, 'proc')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const cg = (i: number, line: string | Buffer) => writeFileSync(join(tree, 'proc', String(pids[i]), 'cgroup'), line);
  for (let i = 0; i < pids.length; i++) cg(i, '0::/system.slice/other.service\n');
  cg(0, `0::/system.slice/docker-${ID}.scope\n`);
  cg(1, `0::/user.slice/user-1000.slice/user@1000.service/app.slice/docker-${ID}.scope\n`);
  cg(2, Buffer.concat([Buffer.from('0::/user.slice/caf'), Buffer.from([0xc3, 0xa9, 0x2d, 0xff]), Buffer.from('.scope\n')]));
  mkdirSync(join(tree, 'var/lib/docker/containers', ID), { recursive: true });
  writeFileSync(join(tree, 'var/lib/docker/containers', ID, 'config.v2.json'), JSON.stringify({ Name: '/prod-db' }));
});

afterAll(() => {
  if (tree) rmSync(join(tree, '..'), { recursive: true, force: true });
});

async function rows(g: string): Promise<{ info: string; members: { pid: number }[] }[]> {
  const out: string[] = [];
  expect(await runCli(['-U', '--root', tree, '-g', g, '--json'], { out: (s) => out.push(s), err: (s) => out.push(s) })).toBe(0);
  return (JSON.parse(out.join('\n')) as { rows: { info: string; members: { pid: number }[] }[] }).rows;
}
const infoOf = (rs: Awaited<ReturnType<typeof rows>>, pid: number) => rs.find((r) => r.members.some((m) => m.pid === pid))?.info;

describe('container and cgroup names a user can choose', () => {
  it("a delegated docker-<id>.scope does not take the real container's name", async () => {
    const rs = await rows('container');
    expect(infoOf(rs, pids[0])).toBe(`docker:${ID.slice(0, 12)} prod-db`);
    expect(infoOf(rs, pids[1])).toBe(`docker:${ID.slice(0, 12)} (user@1000)`);
  });

  it('a cgroup name is decoded as UTF-8, an invalid byte shown as U+FFFD', async () => {
    const rs = await rows('cgroup');
    expect(rs.map((r) => r.info).find((i) => i.includes('caf'))).toMatch(/caf\u00e9-\ufffd\.scope/);
  });
});
