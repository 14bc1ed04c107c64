// An OOM kill inside a real memory cgroup with a small limit (v1's memory controller, and v2's
// where the unified tree has the memory controller), recorded by a real recorder: the event
// names the victim, its cgroup and its last figures, and the recording keeps what led to it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIso } from '../../src/core/isotime';
import { REPO, sleep } from '../support';
import { reapedEnv } from '../support/reaped';

const UNIFIED = '/sys/fs/cgroup/unified';
const MEMORY = '/sys/fs/cgroup/memory';
const bin = join(REPO, 'bin', 'pmemstat');
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-oom-'));
const started: ChildProcess[] = [];
const made: string[] = [];
const LIMIT = 64 * 1024 * 1024;

/** A program that touches 1 MB more every 50 ms until the kernel kills it (about 3 s under the limit). */
function buildHog(): string {
  const tmp = join(REPO, 'test', '.tmp');
  mkdirSync(tmp, { recursive: true });
  const out = join(tmp, 'pmemstat-oomhog');
  if (!existsSync(out)) {
    const src = join(tmp, 'pmemstat-oomhog.c');
    writeFileSync(
      src,
      '#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (p) memset(p, 1, 1 << 20); usleep(50000); } }\n',
    );
    execFileSync('cc', ['-O0', '-o', out, src]);
  }
  return out;
}

function v2HasMemory(): boolean {
  try {
    return readFileSync(join(UNIFIED, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory');
  } catch {
    return false;
  }
}

const isRoot = process.getuid?.() === 0;
const v1 = isRoot && existsSync(join(MEMORY, 'memory.oom_control'));
const v2 = isRoot && v2HasMemory();

/**
 * A cgroup of its own with the limit; the hog joins it before it runs (exec keeps the cgroup).
 * On a hybrid system the v1 group gets a twin of the same name in the v2 tree, which names the
 * process's cgroup (as systemd keeps them): the `cgroup` grouping then shows the v1 figures.
 */
function cgroup(kind: 'v1' | 'v2'): { path: string; procs: string[] } {
  const name = `pmemstat-oom-${process.pid}-${kind}`;
  const d = join(kind === 'v1' ? MEMORY : UNIFIED, name);
  mkdirSync(d);
  made.push(d);
  const procs = [join(d, 'cgroup.procs')];
  if (kind === 'v1') {
    writeFileSync(join(d, 'memory.limit_in_bytes'), String(LIMIT));
    if (existsSync(join(UNIFIED, 'cgroup.procs'))) {
      mkdirSync(join(UNIFIED, name));
      made.push(join(UNIFIED, name));
      procs.push(join(UNIFIED, name, 'cgroup.procs'));
    }
  } else writeFileSync(join(d, 'memory.max'), String(LIMIT));
  return { path: `/${name}`, procs };
}

interface Ev {
  t: number;
  time: string;
  kind: string;
  pid: number | null;
  name: string | null;
  cgroup: string | null;
  detail: { victimFrom?: string; victim?: { exe: string; mem: { ptotal: number }; cgroup: string | null } };
}

let recorder: ChildProcess | null = null;

beforeAll(async () => {
  if (!v1 && !v2) return;
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  recorder = spawn(process.execPath, [bin, 'record', '--dir', dir, '--interval', '0.2'], { stdio: 'ignore', detached: true, env: reapedEnv() });
  started.push(recorder);
  await sleep(2500); // its first (whole) sample of every process
});

afterAll(async () => {
  for (const c of started) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(-c.pid, 'SIGKILL');
  await sleep(200);
  for (const d of made.reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* a process still in it: the kill above ends it */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

async function oomIn(kind: 'v1' | 'v2'): Promise<{ cg: string; pid: number }> {
  const hog = buildHog();
  const cg = cgroup(kind);
  const c = spawn('sh', ['-c', `${cg.procs.map((p) => `echo $$ > ${p}`).join(' && ')} && exec ${hog}`], { stdio: 'ignore', detached: true, env: reapedEnv() });
  started.push(c);
  const end = await new Promise<NodeJS.Signals | null>((res) => c.once('exit', (_code, sig) => res(sig)));
  expect(end).toBe('SIGKILL'); // the kernel's OOM killer
  await sleep(1500); // the recorder's next samples see it gone and the counters moved
  return { cg: cg.path, pid: c.pid! };
}

function events(): Ev[] {
  const r = spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--events', '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);
}

describe.each([
  ['v1', v1, `no v1 memory controller at ${MEMORY} (or not root)`],
  ['v2', v2, `the v2 tree at ${UNIFIED} has no memory controller here (or not root)`],
] as const)('an OOM kill in a %s memory cgroup with a limit', (kind, can, why) => {
  if (!can) console.warn(`recorder.oom: ${kind} skipped: ${why}`);
  it.skipIf(!can)("appears in replay --events with the victim's name, cgroup and last figures", async () => {
    const { cg, pid } = await oomIn(kind);
    const ev = events().find((e) => e.kind === 'oom-kill' && e.cgroup === cg);
    expect(ev, JSON.stringify(events())).toBeDefined();
    expect(ev!.pid).toBe(pid);
    expect(ev!.name).toBe('pmemstat-oomhog');
    expect(ev!.time).toBe(localIso(ev!.t));
    expect(ev!.detail.victim?.exe).toBe('pmemstat-oomhog');
    // Its last figures: it had grown well past its start (1 MB every 50 ms, up to the limit).
    expect(ev!.detail.victim!.mem.ptotal).toBeGreaterThan(4 * 1024);
    expect(ev!.detail.victim!.mem.ptotal).toBeLessThanOrEqual(LIMIT / 1024);

    // What led to it: the samples before the kill show it growing.
    const seen: number[] = [];
    for (const back of [1200, 800, 400, 1]) {
      const r = spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--at', localIso(ev!.t - back), '--json', '-g', 'pid'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      expect(r.status, r.stderr).toBe(0);
      const row = (JSON.parse(r.stdout) as { rows: { pid: number | null; mem: { ptotal: number } }[] }).rows.find((x) => x.pid === pid);
      if (row) seen.push(row.mem.ptotal);
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toBeGreaterThan(seen[0]);

    // On its way it reached 90 % of its limit (`limit?`): an event of its own, before the kill.
    const limit = events().find((e) => e.kind === 'limit' && e.cgroup === cg);
    expect(limit, JSON.stringify(events())).toBeDefined();
    expect(limit!.t).toBeLessThanOrEqual(ev!.t);

    // The text list names it too.
    const text = spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--events'], { encoding: 'utf8' }).stdout;
    expect(text).toMatch(new RegExp(`oom-kill\\s+pid ${pid}\\s+pmemstat-oomhog\\s+cgroup ${cg}\\s+last ptotal`));
  });
});
