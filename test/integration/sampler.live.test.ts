// The sampler against the live /proc, with processes these tests start.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { Reporter } from '../../src/core/report';
import type { Report } from '../../src/core/types';
import { buildMemtest, buildStaticIdle, Procs, publicSamplerCopy, sampleOnce, testSampler } from './live';
import { createUser, isRoot, REPO, sleep, titled, tmpDir, uidOf, unmet } from '../support';
import { reportOptions } from '../../src/shared/engineOptions';

const procs = new Procs();
let memtest = '';
// A key base of our own, so a developer's memtest does not share our segments.
const keyBaseNum = 0x50600000 + ((process.pid & 0xfff) << 8);
const key = (offset: number) => `0x${(keyBaseNum + offset).toString(16)}`;
const keyBase = key(0);

beforeAll(() => {
  memtest = buildMemtest();
});
afterAll(() => procs.stopAll());

function sumPss(pid: number, field = 'Pss'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/smaps`, 'latin1');
    let s = 0;
    for (const m of text.matchAll(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'gm'))) s += Number(m[1]);
    return s;
  } catch {
    return null;
  }
}

function rollupPss(pid: number): number {
  const m = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
  return Number(m![1]);
}

describe('two memtests started apart', () => {
  it('split their SysV memory (the T row counts it once) and grow between loops', async () => {
    const a = procs.start(memtest, ['-i', '250', '-s', '-k', keyBase]);
    await Procs.waitFor(a, /step 2\//);
    const b = procs.start(memtest, ['-i', '250', '-s', '-k', keyBase]);
    await Procs.waitFor(b, /step 1\//);
    const filter = [String(a.pid), String(b.pid)];
    const sampler = testSampler({ detail: true, filter });
    const reporter = new Reporter(reportOptions({ minDeltaKb: 10 }));
    const first = reporter.report(sampler.sample());
    expect(first.rows.map((r) => [r.key, r.type, r.count])).toEqual([['memtest', 'A', 2]]);
    await sleep(1200);
    const grown = reporter.report(sampler.sample());
    expect(grown.rows[0].type).toMatch(/^\+\d+K$/);
    expect(grown.rows[0].delta).toBeGreaterThan(500); // ≈ 5 steps × 2 copies × ≥ 256 KB heap

    await Promise.all([Procs.waitFor(a, /step 16\/16/), Procs.waitFor(b, /step 16\/16/)]);
    const byPid = new Reporter(reportOptions({ groupBy: 'pid', minDeltaKb: 10 }));
    const done = byPid.report(sampler.sample());
    expect(done.rows).toHaveLength(2);
    for (const r of done.rows) {
      // 16 segments of 64 KB, attached by both: each copy pays half
      expect(r.mem.shSYSV).toBeGreaterThanOrEqual(500);
      expect(r.mem.shSYSV).toBeLessThanOrEqual(524);
    }
    expect(done.total.mem.shSYSV).toBeGreaterThanOrEqual(1000);
    expect(done.total.mem.shSYSV).toBeLessThanOrEqual(1048);
    sampler.close();
  });
});

describe('accuracy against the kernel and smem', () => {
  let pids: number[] = [];
  beforeAll(async () => {
    const m = procs.start(memtest, ['-i', '50', '-s', '-k', key(0x40)]);
    await Procs.waitFor(m, /step 16\/16/);
    const s1 = procs.start('sleep', ['1000']);
    const py = procs.start('python3', ['-c', 'import time\nprint("up", flush=True)\ntime.sleep(1000)']);
    await Procs.waitFor(py, /up/);
    const sh = procs.start('sh', ['-c', 'echo up; sleep 1000; :']);
    await Procs.waitFor(sh, /up/);
    pids = [m.pid!, s1.pid!, py.pid!, sh.pid!];
  });

  it('detail ptotal equals the sum of Pss over the smaps mappings, exactly', async () => {
    // Sharing changes whenever any process maps or unmaps a library, so compare only
    // when the kernel's figure was the same just before and just after our sample (on a busy
    // machine that may take many tries: a process starts or ends every few milliseconds).
    for (const pid of pids) {
      let checked = false;
      for (let attempt = 0; attempt < 100 && !checked; attempt++) {
        const before = sumPss(pid);
        const s = sampleOnce({ detail: true, filter: [String(pid)] });
        const after = sumPss(pid);
        if (before === null || before !== after) continue;
        expect(s.procs).toHaveLength(1);
        expect(s.procs[0].mem.ptotal).toBe(before);
        checked = true;
      }
      expect(checked, `pid ${pid}: never a stable read`).toBe(true);
    }
  });

  it('fast ptotal equals the rollup Pss exactly (zRAM inactive here)', () => {
    for (const pid of pids) {
      let checked = false;
      for (let attempt = 0; attempt < 100 && !checked; attempt++) {
        const before = rollupPss(pid);
        const s = sampleOnce({ detail: false, filter: [String(pid)] });
        if (s.zram) return; // with zRAM, SwapPss is added: covered by the unit tests
        if (rollupPss(pid) !== before) continue;
        // Equal before and after, it may still have moved and come back in between (a library's
        // sharers come and go): a sampler that is off never matches, one that is right soon does.
        checked = s.procs[0].mem.ptotal === before;
      }
      expect(checked, `pid ${pid}: never the rollup's Pss`).toBe(true);
    }
  });

  const noSmem = unmet('smem');
  it.skipIf(noSmem !== '')(titled("detail ptotal equals Debian smem's PSS for the same snapshot", noSmem), () => {
    // smem reads a /proc-shaped tree with -S; snapshot our processes so both read the same bytes.
    const root = mkdtempSync(join(tmpdir(), 'pmemstat-snap-'));
    try {
      // (read, not copy: /proc files report size 0)
      const copy = (from: string, to: string) => writeFileSync(to, readFileSync(from));
      mkdirSync(join(root, 'proc'));
      for (const f of ['meminfo', 'stat', 'vmstat']) copy(`/proc/${f}`, join(root, 'proc', f));
      for (const pid of pids) {
        const d = join(root, 'proc', String(pid));
        mkdirSync(d, { recursive: true });
        for (const f of ['cmdline', 'stat', 'smaps', 'smaps_rollup']) copy(`/proc/${pid}/${f}`, join(d, f));
        symlinkSync(readlinkSync(`/proc/${pid}/exe`), join(d, 'exe'));
        symlinkSync(readlinkSync(`/proc/${pid}/cwd`), join(d, 'cwd'));
      }
      const smem = execFileSync('smem', ['-S', root, '-c', 'pid pss', '-H']).toString();
      const theirs = new Map(smem.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]));
      const ours = sampleOnce({ root, detail: true });
      expect(ours.procs.map((p) => p.pid).sort()).toEqual([...pids].sort());
      for (const p of ours.procs) expect(p.mem.ptotal, `pid ${p.pid}`).toBe(theirs.get(p.pid));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('incremental detail sampling', () => {
  it('re-reads smaps only for processes whose rollup changed, and stays exact', async () => {
    // Not a `sleep`: its libc pages are shared, so its Pss moves whenever another test
    // starts or ends a process, and then it must be re-read.
    const idle = procs.start(buildStaticIdle(), []);
    await Procs.waitFor(idle, /up/);
    const grow = procs.start(memtest, ['-i', '400', '-s', '-k', key(0x80)]);
    await Procs.waitFor(grow, /step 1\//);
    const sampler = testSampler({ detail: true, filter: [String(idle.pid), String(grow.pid)] });
    // Held still for the first sample, its output drained first: a step line that a slow first
    // sample (thousands of other processes) kept in the pipe cannot pass for one after it.
    process.kill(grow.pid!, 'SIGSTOP');
    onTestFinished(() => {
      try {
        process.kill(grow.pid!, 'SIGCONT'); // a stopped process would not heed the SIGTERM that ends it
      } catch {
        /* gone */
      }
    });
    await sleep(300);
    sampler.sample();
    expect(sampler.lastStats.smapsPids.sort()).toEqual([idle.pid!, grow.pid!].sort());
    const stepped = Procs.waitFor(grow, /step \d+\//);
    process.kill(grow.pid!, 'SIGCONT');
    await stepped; // a step after that sample, however slow the machine
    // Held still (SIGSTOP) from here: the incremental figure and a fresh one see the same memory.
    process.kill(grow.pid!, 'SIGSTOP');
    try {
      const s = sampler.sample();
      // memtest grew (its rollup changed): re-read; the idle one did not
      expect(sampler.lastStats.smapsPids).toEqual([grow.pid]);
      expect(s.procs.map((p) => p.pid).sort()).toEqual([idle.pid!, grow.pid!].sort());
      const g = s.procs.find((p) => p.pid === grow.pid)!;
      const fresh = sampleOnce({ detail: true, filter: [String(grow.pid)] }).procs[0];
      expect(Math.abs(g.mem.ptotal - fresh.mem.ptotal)).toBeLessThan(600); // its libc's share may move meanwhile
    } finally {
      process.kill(grow.pid!, 'SIGCONT');
    }
    sampler.close();
  });

  it('names a process again after it execs (same pid and start time)', async () => {
    // It execs when told to (a file appears), not after a time a loaded machine may overrun.
    const go = join(tmpDir('exec'), 'go');
    const c = procs.start('sh', ['-c', `echo up; while [ ! -e ${go} ]; do sleep 0.05; done; exec sleep 1000`]);
    await Procs.waitFor(c, /up/);
    const sampler = testSampler({ detail: false, filter: [] });
    const before = sampler.sample().procs.find((p) => p.pid === c.pid);
    expect(before?.exe).toBe('sh');
    writeFileSync(go, '');
    await vi.waitFor(() => expect(readFileSync(`/proc/${c.pid}/comm`, 'latin1')).toBe('sleep\n'), { timeout: 30_000 });
    sampler.sample(); // the kept rollup fd fails once on the new address space
    const after = sampler.sample().procs.find((p) => p.pid === c.pid);
    expect(after?.exe).toBe('sleep');
    sampler.close();
  });

  it('names a process again after it execs with no fd kept (no room: thousands of processes)', async () => {
    const go = join(tmpDir('exec0'), 'go');
    const c = procs.start('sh', ['-c', `echo up; while [ ! -e ${go} ]; do sleep 0.05; done; exec sleep 1000`]);
    await Procs.waitFor(c, /up/);
    const sampler = testSampler({ detail: false, filter: [String(c.pid)] });
    // What a machine of some 3,300 processes leaves of the default limit: no fd kept, stat or rollup.
    (sampler as unknown as { fds: { left: number } }).fds.left = 0;
    const before = sampler.sample().procs.find((p) => p.pid === c.pid);
    expect(before?.exe).toBe('sh');
    writeFileSync(go, '');
    await vi.waitFor(() => expect(readFileSync(`/proc/${c.pid}/comm`, 'latin1')).toBe('sleep\n'), { timeout: 30_000 });
    const after = sampler.sample().procs.find((p) => p.pid === c.pid);
    expect(after?.exe).toBe('sleep');
    expect(after?.cmd).toBe('sleep 1000');
    expect(after?.starttime).toBe(before?.starttime);
  });
});

describe('churn', () => {
  it('~200 short-lived processes a second for 20 s: no sample throws, T = Σ groups', async () => {
    const churn = procs.start('sh', ['-c', 'while :; do for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & /bin/sleep 0.05 & done; sleep 0.1; wait; done']);
    const sampler = testSampler({ detail: true });
    const fast = testSampler({ detail: false });
    const reporter = new Reporter(reportOptions({ minDeltaKb: 0 }));
    // At least 20 s of churn and 20 reports, however long a loaded machine takes for them.
    const end = Date.now() + 20_000;
    let reports = 0;
    const check = (r: Report) => {
      const live = r.rows.filter((x) => x.type !== 'x');
      expect(r.total.mem.ptotal).toBe(live.reduce((a, x) => a + x.mem.ptotal, 0));
      expect(r.total.count).toBe(live.reduce((a, x) => a + x.count, 0));
      reports++;
    };
    while (Date.now() < end || reports < 20) {
      check(reporter.report(sampler.sample()));
      check(new Reporter(reportOptions()).report(fast.sample()));
      await sleep(20);
    }
    expect(churn.exitCode).toBeNull();
    sampler.close();
    fast.close();
  }, 180_000);
});

describe.skipIf(!isRoot)(titled('as an unprivileged user', unmet('root')), () => {
  const user = 'pmemstat-cli';
  let script = '';
  beforeAll(() => {
    createUser(user);
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO });
    script = publicSamplerCopy();
  });

  it('sees only its own processes and counts the rest as not accessible', () => {
    const r = spawnSync('runuser', ['-u', user, '--', process.execPath, script, '-U', '--json', '-g', 'pid'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    const uid = Number(execFileSync('id', ['-u', user]).toString());
    expect(rep.rows.length).toBeGreaterThan(0);
    for (const row of rep.rows) for (const m of row.members) {
      const owner = uidOf(m.pid);
      if (owner !== null) expect(owner).toBe(uid); // (null: exited since)
    }
    expect(rep.leader.inaccessible).toBeGreaterThan(0);
    expect(rep.leader.pidsShown + rep.leader.inaccessible).toBeLessThanOrEqual(rep.leader.pidsTotal);
  });

  it('without -U tries sudo, says why it could not in one line, and runs as the user', () => {
    const r = spawnSync('runuser', ['-u', user, '--', process.execPath, script, '--json'], { encoding: 'utf8', input: '' });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('pmemstat:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/sudo .*running as user/);
    expect((JSON.parse(r.stdout.trim().split('\n').pop()!) as Report).total.type).toBe('T');
  });
});

describe('pmemstat -s cpu without a loop', () => {
  it('sorts by CPU since each process started (like ps) and shows it, saying so', async () => {
    const procs = new Procs();
    try {
      const busy = procs.start('sh', ['-c', 'echo up; while :; do :; done']);
      await Procs.waitFor(busy, /up/);
      const idle = procs.start('sleep', ['1000']);
      await sleep(1500);
      const r = spawnSync(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-U', '-s', 'cpu', String(idle.pid), String(busy.pid)], { encoding: 'utf8' });
      const lines = r.stdout.split('\n');
      expect(lines[1]).toMatch(/^cpu% since each process started/);
      expect(lines[2]).toMatch(/^\s+cpu%\s+pswap/);
      const rows = lines.slice(4).filter((l) => /\d+x |\s\d+ /.test(l));
      expect(rows[0], r.stdout).toMatch(/^\s+(\d+\.\d)\s.*\bsh\b/);
      // A busy loop since it started: well above 0 (not a share of a core: that is the machine's load).
      expect(Number(/^\s+(\d+\.\d)/.exec(rows[0])?.[1])).toBeGreaterThan(1);
      expect(rows[1], r.stdout).toMatch(/^\s+0\.0\s.*\bsleep\b/);
      // A plain one-shot report stays as it was: no cpu column.
      const plain = spawnSync(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-U', String(idle.pid)], { encoding: 'utf8' }).stdout;
      expect(plain.split('\n')[1]).toMatch(/^\s+pswap/);
    } finally {
      procs.stopAll();
    }
  });
});
