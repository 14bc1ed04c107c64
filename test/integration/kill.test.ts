// Kill through the helper, on real processes this test spawns: SIGTERM, SIGKILL
// escalation, escalate:false, a reused pid, a vanished pid, several at once, a user's
// process in a PID namespace whose parent is that namespace's pid 2. Everything
// dangerous (pid -1, 0, 1, huge, non-integers, strings, kernel threads, the helper and its
// parent) is sent ONLY to a helper running as a throw-away unprivileged user (or inside a
// PID namespace of its own), so even a broken check could not signal anything that matters.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient } from '../../src/host/helperClient';
import { PID_MAX_LIMIT } from '../../src/shared/protocol';
import { makeBundle, NODE, procState, RawHelper, removeBundle, startTime, waitUntil, type Bundle } from './helperSetup';
import { createUser, isRoot, removeUser, type TestUser, titled, unmet } from '../support';

/** PF_KTHREAD in field 9 (flags) of /proc/PID/stat, read here without the code under test. */
function isKernelThread(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return (Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[6]) & 0x00200000) !== 0;
  } catch {
    return false;
  }
}

/** A process's pids from the outermost PID namespace inwards (the NSpid line of status). */
function nsPids(pid: number): number[] {
  try {
    const m = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? m[1].trim().split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/** Outer pid of the process whose command line is exactly `argv`. */
function findByCmdline(argv: string[]): number | undefined {
  const want = argv.join('\0') + '\0';
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .find((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'latin1') === want;
      } catch {
        return false;
      }
    });
}

/** A thread id of `pid` other than the leader's (node runs several threads). */
function threadOf(pid: number): number {
  const tid = readdirSync(`/proc/${pid}/task`).map(Number).find((t) => t !== pid);
  if (!tid) throw new Error(`${pid} has no second thread`);
  return tid;
}

const hasUnshare = isRoot && spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' }).status === 0;

let b: Bundle;
let client: HelperClient;
let user: TestUser | null = null;
const USER = 'pmtest-user';
const children: ChildProcess[] = [];

function victim(kind: 'sleep' | 'stubborn', as?: TestUser): Promise<{ pid: number; starttime: number; child: ChildProcess }> {
  const opts = as ? { uid: as.uid, gid: as.gid, cwd: '/' } : {};
  const child =
    kind === 'sleep'
      ? spawn('sleep', ['300'], { stdio: 'ignore', ...opts })
      : spawn(NODE, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"], {
          stdio: ['ignore', 'pipe', 'ignore'],
          ...opts,
        });
  children.push(child);
  return new Promise((resolve, reject) => {
    const done = () => resolve({ pid: child.pid!, starttime: startTime(child.pid!), child });
    child.once('error', reject);
    if (kind === 'sleep') child.once('spawn', done);
    else child.stdout!.once('data', done);
  });
}

beforeAll(async () => {
  b = await makeBundle();
  const child = spawn(NODE, [b.script, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  client = await HelperClient.start({ readable: child.stdout, writable: child.stdin, child });
  if (isRoot) user = createUser(USER);
});

afterAll(() => {
  client?.dispose();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeBundle(b);
  if (user) removeUser(USER);
});

describe(`kill with a helper running as ${isRoot ? 'root' : 'the current user'}`, () => {
  it('a process that exits on SIGTERM is gone after SIGTERM', async () => {
    const v = await victim('sleep');
    // SIGTERM was enough: the helper did not wait for the escalation (its answer says SIGTERM).
    expect(await client.kill([v])).toEqual([{ pid: v.pid, outcome: 'gone', signal: 'SIGTERM' }]);
    expect(procState(v.pid)).toBe('gone');
  });

  it(
    'one that ignores SIGTERM is SIGKILLed after about 6 s; with escalate:false it is left running; samples go on meanwhile',
    async () => {
      const a = await victim('stubborn');
      const c = await victim('stubborn');
      const t0 = Date.now();
      let killDone = false;
      const escalated = client.kill([a]).finally(() => (killDone = true));
      const notEscalated = client.kill([c], { escalate: false });
      // The helper keeps serving while the kills wait: a sample comes back before the kill does.
      const r = await client.sample();
      expect(killDone).toBe(false);
      expect(r.rows.flatMap((row) => row.members.map((m) => m.pid))).toContain(a.pid);
      const [ra] = await escalated;
      const tKill = Date.now() - t0;
      expect(ra).toEqual({ pid: a.pid, outcome: 'gone', signal: 'SIGKILL' });
      expect(tKill).toBeGreaterThanOrEqual(5500);
      expect(tKill).toBeLessThan(25_000); // not the machine's speed: that it does not wait forever
      expect(a.child.signalCode ?? (await new Promise((res) => a.child.once('exit', (_c, s) => res(s))))).toBe('SIGKILL');
      const [rc] = await notEscalated;
      expect(rc).toMatchObject({ pid: c.pid, outcome: 'running', signal: 'SIGTERM', message: expect.stringMatching(/not escalated/) });
      expect(procState(c.pid)).not.toBe('gone');
      c.child.kill('SIGKILL');
    },
    30_000,
  );

  it('refuses a pid whose start time does not match (a reused pid) and leaves that process alone', async () => {
    const v = await victim('sleep');
    const [r] = await client.kill([{ pid: v.pid, starttime: v.starttime + 1 }]);
    expect(r).toMatchObject({ pid: v.pid, outcome: 'pid-reused', message: expect.stringMatching(/not signalled/) });
    expect(r.signal).toBeUndefined();
    await new Promise((res) => setTimeout(res, 300));
    expect(procState(v.pid)).not.toBe('gone');
    expect(v.child.exitCode).toBeNull();
    v.child.kill('SIGKILL');
  });

  it('says not-found for a process that is gone', async () => {
    const v = await victim('sleep');
    v.child.kill('SIGKILL');
    await new Promise((res) => v.child.once('exit', res));
    await waitUntil(() => procState(v.pid) === 'gone', 2000);
    const [r] = await client.kill([v]);
    expect(['not-found', 'gone']).toContain(r.outcome);
    expect(r.signal).toBeUndefined();
  });

  it('kills several at once and answers per pid, in order', async () => {
    const x = await victim('sleep');
    const y = await victim('sleep');
    const z = await victim('sleep');
    const res = await client.kill([x, { pid: y.pid, starttime: y.starttime + 7 }, z]);
    expect(res.map((r) => [r.pid, r.outcome])).toEqual([
      [x.pid, 'gone'],
      [y.pid, 'pid-reused'],
      [z.pid, 'gone'],
    ]);
    expect(procState(y.pid)).not.toBe('gone');
    y.child.kill('SIGKILL');
  });

  it('SIGSTOP freezes a process (state T) and SIGCONT lets it run on (state S); neither ends it', async () => {
    const v = await victim('sleep');
    expect(await client.kill([v], { signal: 'SIGSTOP' })).toEqual([{ pid: v.pid, outcome: 'stopped', signal: 'SIGSTOP' }]);
    expect(procState(v.pid)).toBe('T');
    expect(await client.kill([v], { signal: 'SIGCONT' })).toEqual([{ pid: v.pid, outcome: 'continued', signal: 'SIGCONT' }]);
    // Running again: briefly R, then back to its sleep (S).
    expect(procState(v.pid)).not.toBe('T');
    expect(await waitUntil(() => procState(v.pid) === 'S', 10_000)).toBe(true);
    expect(v.child.exitCode).toBeNull();
    v.child.kill('SIGKILL');
  });

  it('SIGHUP ends a sleep; SIGINT ends a process that ignores only SIGTERM', async () => {
    const v = await victim('sleep');
    expect(await client.kill([v], { signal: 'SIGHUP' })).toEqual([{ pid: v.pid, outcome: 'gone', signal: 'SIGHUP' }]);
    expect(v.child.signalCode ?? (await new Promise((res) => v.child.once('exit', (_c, sig) => res(sig))))).toBe('SIGHUP');
    // The stubborn victim ignores SIGTERM only: SIGINT ends it, through the kernel's default.
    const w = await victim('stubborn');
    expect(await client.kill([w], { signal: 'SIGINT' })).toEqual([{ pid: w.pid, outcome: 'gone', signal: 'SIGINT' }]);
  });

  it('refuses a signal that is not on the list, naming the field; nothing is signalled', async () => {
    const v = await victim('sleep');
    const raw = new RawHelper(b.script);
    let id = 0;
    try {
      for (const signal of ['SIGUSR1', 'SIGSEGV', 'KILL', 9, -9, '', null]) {
        const r = await raw.request({ id: ++id, type: 'kill', targets: [{ pid: v.pid, starttime: v.starttime }], escalate: true, signal });
        expect(r).toMatchObject({ type: 'error', id, code: 'invalid', message: expect.stringMatching(/^kill\.signal must be one of "SIGTERM"/) });
      }
    } finally {
      raw.close();
    }
    expect(procState(v.pid)).toBe('S');
    v.child.kill('SIGKILL');
  });

  it('refuses a thread id (kill(TID) signals the whole process) for every signal, and maps of it', async () => {
    const v = await victim('stubborn');
    const tid = threadOf(v.pid);
    for (const signal of ['SIGSTOP', 'SIGTERM', 'SIGKILL'] as const) {
      const [r] = await client.kill([{ pid: tid, starttime: startTime(tid) }], { signal });
      expect(r, signal).toMatchObject({ pid: tid, outcome: 'refused', message: expect.stringMatching(new RegExp(`thread of process ${v.pid}`)) });
      expect(r.signal).toBeUndefined();
      // Neither stopped (T) nor dead: sleeping, or running a timer on a busy machine.
      expect(procState(v.pid), signal).toMatch(/^[SR]$/);
    }
    const m = await client.maps(tid, startTime(tid));
    expect(m).toMatchObject({ ok: false, message: expect.stringMatching(/thread of process/) });
    // The process itself, by its own pid, is still killable and readable.
    expect((await client.maps(v.pid, v.starttime)).ok).toBe(true);
    expect(await client.kill([v], { signal: 'SIGKILL' })).toEqual([{ pid: v.pid, outcome: 'gone', signal: 'SIGKILL' }]);
  });

  it('rejects malformed targets in the client before sending', async () => {
    await expect(client.kill([{ pid: -1, starttime: 0 }])).rejects.toMatchObject({ code: 'invalid' });
    await expect(client.kill([{ pid: 1.5, starttime: 0 }])).rejects.toMatchObject({ code: 'invalid' });
    await client.ping();
  });
});

describe.skipIf(!isRoot)(titled('kill with a helper running as an unprivileged user', unmet('root')), () => {
  let h: RawHelper;
  let id = 1000;
  const ask = (targets: unknown[], escalate = true) => h.request({ id: ++id, type: 'kill', targets, escalate });

  beforeAll(async () => {
    h = new RawHelper(b.script, ['--serve'], user!);
    const [hello] = await h.waitFor(1);
    expect(hello.type === 'hello' && hello.hello.uid).toBe(user!.uid);
  });
  afterAll(() => h?.kill());

  it('rejects pids -1, 0, huge, non-integers and strings before any system call; nothing of the user dies', async () => {
    const canary = await victim('sleep', user!);
    const dangerous = [-1, 0, -2, -canary.pid, 2 ** 31, 2 ** 53, PID_MAX_LIMIT + 1, 1.5, '1', String(canary.pid), '-1', null, true, [], {}];
    for (const pid of dangerous) {
      const r = await ask([{ pid, starttime: canary.starttime }]);
      expect(r, `pid ${JSON.stringify(pid)}`).toMatchObject({ type: 'error', code: 'invalid' });
      if (r.type === 'error') expect(r.message).toMatch(/pid must be a process id/);
    }
    // JSON spellings that become non-integers or Infinity.
    for (const raw of ['-1.0e0', '1e309', '-0', '0x10', '4194305']) {
      const line = `{"id":${++id},"type":"kill","targets":[{"pid":${raw},"starttime":0}],"escalate":true}`;
      h.send(line + '\n');
      const r = await h.request({ id: ++id, type: 'ping' });
      expect(r.type).toBe('ping');
      const answer = h.replies.find((x) => x.seq === r.seq - 1);
      expect(answer, raw).toMatchObject({ type: 'error' });
    }
    // kill(-1) as this user would have taken the canary and the helper with it.
    await new Promise((res) => setTimeout(res, 300));
    expect(procState(canary.pid)).not.toBe('gone');
    expect(procState(h.pid)).not.toBe('gone');
    expect(await h.request({ id: ++id, type: 'ping' })).toMatchObject({ type: 'ping' });
    canary.child.kill('SIGKILL');
  });

  it('refuses pid 1, kernel threads, itself and its parent', async () => {
    const kthread = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n) && n !== '2')
      .map(Number)
      .find(isKernelThread);
    const targets = [
      { pid: 1, starttime: startTime(1) },
      { pid: h.pid, starttime: startTime(h.pid) },
      { pid: process.pid, starttime: startTime(process.pid) },
    ];
    if (procState(2) !== 'gone') targets.push({ pid: 2, starttime: startTime(2) });
    if (kthread) targets.push({ pid: kthread, starttime: startTime(kthread) });
    const r = await ask(targets);
    expect(r.type).toBe('kill');
    if (r.type !== 'kill') return;
    expect(r.results.map((x) => x.outcome)).toEqual(targets.map(() => 'refused'));
    expect(r.results[0].message).toMatch(/pid 1/);
    expect(r.results[1].message).toMatch(/itself/);
    expect(r.results[2].message).toMatch(/ancestor/);
    for (const x of r.results.slice(3)) expect(x.message).toMatch(/kernel thread/);
    for (const x of r.results) expect(x.signal).toBeUndefined();
  });

  it('refuses a thread of itself and a thread of its parent: SIGSTOP would stop the whole process', async () => {
    const parent = Number(readFileSync(`/proc/${h.pid}/stat`, 'latin1').split(') ')[1].split(' ')[1]);
    const targets = [h.pid, process.pid, parent].filter((p, i, a) => p > 1 && a.indexOf(p) === i).map(threadOf);
    for (const tid of targets) {
      const r = await h.request({ id: ++id, type: 'kill', targets: [{ pid: tid, starttime: startTime(tid) }], escalate: false, signal: 'SIGSTOP' });
      expect(r.type).toBe('kill');
      if (r.type === 'kill') expect(r.results[0]).toMatchObject({ outcome: 'refused', message: expect.stringMatching(/thread of process/) });
    }
    await new Promise((res) => setTimeout(res, 200));
    for (const p of [h.pid, process.pid]) expect(procState(p)).not.toBe('T');
    expect(await h.request({ id: ++id, type: 'ping' })).toMatchObject({ type: 'ping' });
  });

  it("says not-permitted for another user's process and leaves it running; kills its own user's", async () => {
    const theirs = await victim('sleep'); // root's
    const mine = await victim('sleep', user!);
    const r = await ask([theirs, mine].map(({ pid, starttime }) => ({ pid, starttime })));
    expect(r.type).toBe('kill');
    if (r.type !== 'kill') return;
    expect(r.results[0]).toMatchObject({ pid: theirs.pid, outcome: 'not-permitted', message: expect.stringMatching(/another user/) });
    expect(r.results[1]).toEqual({ pid: mine.pid, outcome: 'gone', signal: 'SIGTERM' });
    expect(procState(theirs.pid)).not.toBe('gone');
    theirs.child.kill('SIGKILL');
  });
});

describe.skipIf(!hasUnshare)(
  titled('kill in a PID namespace with an init (unshare -pf --mount-proc)', unmet('root') || (hasUnshare ? '' : 'unshare --pid refused here')),
  () => {
    // The namespace as a container with an init has it: pid 1 is the init (a shell here),
    // pid 2 its first child (a shell standing for the user's session), and the user's
    // processes below it have ppid 2. The helper runs INSIDE, so it reads the namespace's
    // /proc and signals namespace pids, as a helper in a Dev Container does.
    const tag = `300.${process.pid}`;
    let ns: ChildProcess;
    let nsClient: HelperClient;

    beforeAll(async () => {
      const script = `sh -c 'sleep ${tag}1 & sleep ${tag}2 & wait' & "$0" "$1" --serve`;
      // --kill-child: if this test dies, its namespace init dies and takes the namespace along.
      ns = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sh', '-c', script, NODE, b.script], { stdio: ['pipe', 'pipe', 'pipe'] });
      nsClient = await HelperClient.start({ readable: ns.stdout!, writable: ns.stdin!, child: ns });
    });
    afterAll(() => {
      nsClient?.dispose();
      if (ns && ns.exitCode === null && ns.signalCode === null) ns.kill('SIGKILL');
    });

    it("kills a user's process whose parent is the namespace's pid 2, and pid 2 itself", async () => {
      let outer: number | undefined;
      await waitUntil(() => (outer = findByCmdline(['sleep', `${tag}1`])) !== undefined, 10_000);
      expect(outer, 'the sleep in the namespace').toBeDefined();
      const [, inner] = nsPids(outer!);
      const parentOuter = Number(readFileSync(`/proc/${outer}/stat`, 'latin1').split(') ')[1].split(' ')[1]);
      // What the namespace sees: the session shell is pid 2 and the sleep's parent.
      expect(nsPids(parentOuter)[1]).toBe(2);
      expect(isKernelThread(outer!)).toBe(false);

      const [r] = await nsClient.kill([{ pid: inner, starttime: startTime(outer!) }]);
      expect(r).toEqual({ pid: inner, outcome: 'gone', signal: 'SIGTERM' });
      expect(procState(outer!)).toBe('gone');

      const [r2] = await nsClient.kill([{ pid: 2, starttime: startTime(parentOuter) }]);
      expect(r2).toEqual({ pid: 2, outcome: 'gone', signal: 'SIGTERM' });
      expect(procState(parentOuter)).toBe('gone');
    });
  },
);
