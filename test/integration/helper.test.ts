// The helper process (`sampler.js --serve`) end to end: protocol round trips on a captured
// tree and on the live /proc, every malformed case, oversized lines, a 10,000-line fuzz,
// the client's behaviour when the helper dies, its memory under pipelined requests that
// are never read, the bound on requests in flight, and the helper's exit when its input
// closes or its parent dies. Run as root (CI), the fuzz runs against an unprivileged test user.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient, HelperError } from '../../src/host/helperClient';
import { HELPER_NODE_FLAGS, launchHelper } from '../../src/host/launcher';
import { fromWireReport, MAX_REQUEST_BYTES, PROTOCOL_VERSION, type Reply } from '../../src/shared/protocol';
import { makeBundle, makeProcTree, NODE, procState, RawHelper, removeBundle, startTime, waitUntil, type Bundle } from './helperSetup';
import { createUser, isRoot, removeUser, type TestUser, titled, uidOf, unmet } from '../support';

let b: Bundle;
let tree: string;
let user: TestUser | null = null;
const USER = 'pmtest-user';
const helpers: RawHelper[] = [];
const spawnedPids: number[] = [];

function raw(args: string[] = ['--serve'], as?: TestUser): RawHelper {
  const h = new RawHelper(b.script, args, as);
  helpers.push(h);
  return h;
}

const quietUi = { askPassword: async () => undefined, log: () => {} };

beforeAll(async () => {
  b = await makeBundle();
  tree = makeProcTree();
  if (isRoot) user = createUser(USER);
});

afterAll(() => {
  for (const h of helpers) h.kill();
  for (const pid of spawnedPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  removeBundle(b);
  rmSync(tree, { recursive: true, force: true });
  if (user) removeUser(USER);
});

describe('protocol round trips', () => {
  it('says hello first: version, protocol, uid, pid, capabilities', async () => {
    const h = raw();
    const [hello] = await h.waitFor(1);
    expect(hello).toMatchObject({ type: 'hello', id: null, seq: 0 });
    if (hello.type !== 'hello') return;
    expect(hello.hello).toMatchObject({ protocol: PROTOCOL_VERSION, uid: process.getuid!(), pid: h.pid });
    expect(hello.hello.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(hello.hello.capabilities).toEqual(expect.arrayContaining(['configure', 'sample', 'kill', 'ping']));
    expect(hello.token).toBeUndefined();
    h.close();
    expect(await h.exited).toEqual({ code: 0, signal: null });
  });

  it('samples a captured tree exactly, grouped with members, and applies configure', async () => {
    const c = await HelperClient.start({ ...spawnPipes(['--serve', '--root', tree]) });
    try {
      const r1 = await c.sample();
      expect(r1.total).toMatchObject({ type: 'T', count: 3 });
      expect(r1.total.mem).toMatchObject({ data: 4000, ptotal: 4700 });
      expect(r1.rows.map((r) => [r.key, r.type, r.count, r.pid, r.mem.ptotal, r.members.map((m) => m.pid)])).toEqual([
        ['alpha', 'A', 1, 100, 2500, [100]],
        ['beta', 'A', 2, null, 2200, [200, 201]],
      ]);
      expect(r1.rows[1].members[1]).toMatchObject({ pid: 201, starttime: 1201, cmd: 'beta two' });
      expect(r1.leader).toMatchObject({ memTotal: 16000000, used: 8000000, avail: 8000000, shTmp: 100000, pidsTotal: 3, inaccessible: 0 });
      const cfg = await c.configureAndGet({ groupBy: 'pid', sortBy: 'name', minDeltaKb: 0, filter: ['beta'] });
      expect(cfg).toMatchObject({ groupBy: 'pid', sortBy: 'name', minDeltaKb: 0, filter: ['beta'], detail: false });
      const r2 = await c.sample();
      expect(r2.rows.map((r) => [r.info, r.type])).toEqual([
        ['200 beta', 'A'],
        ['201 beta two', 'A'],
      ]);
      await c.configure({});
      await c.ping();
    } finally {
      c.dispose();
    }
  });

  it('samples the live /proc through the client, which validates the report', async () => {
    const c = await HelperClient.start(spawnPipes(['--serve']));
    try {
      expect(c.hello.pid).toBeGreaterThan(1);
      await c.configure({ detail: true });
      const r = await c.sample();
      expect(r.detail).toBe(true);
      expect(r.rows.length).toBeGreaterThan(0);
      const pids = r.rows.flatMap((row) => row.members.map((m) => m.pid));
      expect(pids).toContain(c.hello.pid); // the helper sees itself
      expect(r.total.count).toBe(pids.length);
      expect(r.leader.memTotal).toBeGreaterThan(0);
    } finally {
      c.dispose();
    }
  });
});

function spawnPipes(args: string[]) {
  const child = spawn(NODE, [b.script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { readable: child.stdout, writable: child.stdin, child };
}

describe('malformed input', () => {
  it('gives every malformed line one error reply naming the problem, and stays up', async () => {
    const h = raw(['--serve', '--root', tree]);
    await h.waitFor(1);
    const cases: [string, string, RegExp, number | null][] = [
      ['', 'not-json', /empty line/, null],
      ['{not json', 'not-json', /not JSON/, null],
      ['[]', 'not-json', /JSON object/, null],
      ['{"type":"ping"}', 'invalid', /id is missing/, null],
      ['{"id":-3,"type":"ping"}', 'invalid', /id must be/, null],
      ['{"id":11,"type":"shutdown"}', 'unknown-type', /unknown request type "shutdown"/, 11],
      ['{"id":12,"type":"sample","x":1}', 'invalid', /unknown field "x"/, 12],
      ['{"id":13,"type":"configure","config":{"groupBy":"uid"}}', 'invalid', /groupBy must be one of/, 13],
      ['{"id":14,"type":"kill","targets":[{"pid":"1","starttime":0}],"escalate":true}', 'invalid', /pid must be a process id/, 14],
      ['\u0000\u0001\u00ff', 'not-json', /not JSON/, null],
      // Not repeated: such a line may be anything (a password's second line under sudo -S).
      ['Pw-Tail-42', 'not-json', /^not JSON \(10 characters; the text is not repeated\)$/, null],
    ];
    for (const [line] of cases) h.send(line + '\n');
    const replies = (await h.waitFor(1 + cases.length)).slice(1);
    expect(replies).toHaveLength(cases.length);
    cases.forEach(([line, code, msg, id], i) => {
      const r = replies[i];
      expect(r, line).toMatchObject({ type: 'error', code, id, seq: i + 1 });
      if (r.type === 'error') expect(r.message, line).toMatch(msg);
    });
    expect(await h.request({ id: 99, type: 'ping' })).toMatchObject({ type: 'ping', id: 99 });
    h.close();
    expect((await h.exited).code).toBe(0);
  });

  it('answers a line over 1 MiB with too-long, whole or in pieces, and goes on', async () => {
    const h = raw(['--serve', '--root', tree]);
    await h.waitFor(1);
    h.send('{"id":1,"type":"ping","pad":"' + 'x'.repeat(MAX_REQUEST_BYTES) + '"}\n');
    // 5 MiB in 64 KiB pieces, then a good request in the same chunk as the newline.
    const piece = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 80; i++) h.send(piece);
    h.send('\n{"id":2,"type":"ping"}\n');
    // Exactly at the limit is accepted as a line (and is then not JSON).
    h.send('y'.repeat(MAX_REQUEST_BYTES) + '\n');
    const r = (await h.waitFor(5)).slice(1);
    expect(r[0]).toMatchObject({ type: 'error', code: 'too-long', id: null, seq: 1 });
    expect(r[1]).toMatchObject({ type: 'error', code: 'too-long', seq: 2, message: expect.stringMatching(/5242880 bytes/) });
    expect(r[2]).toMatchObject({ type: 'ping', id: 2, seq: 3 });
    expect(r[3]).toMatchObject({ type: 'error', code: 'not-json', seq: 4 });
    expect(await h.request({ id: 3, type: 'sample' })).toMatchObject({ type: 'sample', id: 3 });
    h.close();
    expect((await h.exited).code).toBe(0);
  });

  it(
    'survives 10,000 random and garbled lines: every line gets exactly one reply' + (isRoot ? ' (helper as an unprivileged user)' : ''),
    async () => {
      const h = raw(['--serve', '--root', tree], user ?? undefined);
      await h.waitFor(1);
      let seed = 12345;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
      const valid = [
        '{"id":1,"type":"ping"}',
        '{"id":2,"type":"hello"}',
        '{"id":3,"type":"sample"}',
        '{"id":4,"type":"configure","config":{"groupBy":"cmd","detail":true}}',
        '{"id":5,"type":"configure","config":{"groupBy":"exe","sortBy":"cpu","filter":["alpha"]}}',
      ];
      // Kill requests only with pids that must never reach kill(2), and only when the
      // helper runs as the throw-away user.
      const kills = ['{"id":6,"type":"kill","targets":[{"pid":-1,"starttime":0}],"escalate":true}', '{"id":7,"type":"kill","targets":[{"pid":0,"starttime":0}],"escalate":false}'];
      const templates = user ? [...valid, ...kills] : valid;
      const garble = (s: string): string => {
        const a = [...s];
        const n = 1 + Math.floor(rnd() * 4);
        for (let i = 0; i < n; i++) {
          const k = Math.floor(rnd() * a.length);
          const op = rnd();
          if (op < 0.33) a.splice(k, 1);
          else if (op < 0.66) a.splice(k, 0, String.fromCharCode(Math.floor(rnd() * 0x7f)));
          else a[k] = pick(['"', '{', '}', ':', ',', '[', ']', '0', '-', 'e', '\\', ' ', 'é']);
        }
        return a.join('').replace(/[\n]/g, ' ');
      };
      const randomBytes = () => {
        const n = Math.floor(rnd() * 200);
        let s = '';
        for (let i = 0; i < n; i++) {
          const c = Math.floor(rnd() * 256);
          s += c === 10 ? ' ' : String.fromCharCode(c);
        }
        return s;
      };
      const N = 10_000;
      const lines: string[] = [];
      for (let i = 0; i < N; i++) {
        const x = rnd();
        lines.push(x < 0.4 ? garble(pick(templates)) : x < 0.8 ? randomBytes() : x < 0.9 ? pick(valid) : pick(['', '{}', 'null', '[{"id":1}]', '{"id":1,"type":"ping"} trailing']));
      }
      const text = lines.join('\n') + '\n';
      for (let i = 0; i < text.length; i += 50_000) h.send(Buffer.from(text.slice(i, i + 50_000), 'latin1'));
      const replies = (await h.waitFor(N + 1, 120_000)).slice(1);
      expect(h.bad).toEqual([]);
      expect(replies).toHaveLength(N);
      const seqs = replies.map((r) => r.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      const kinds = new Set(replies.map((r) => (r.type === 'error' ? r.code : r.type)));
      expect([...kinds]).toEqual(expect.arrayContaining(['ping', 'sample', 'not-json', 'invalid']));
      // A garbled kill may name a real pid (e.g. "-1" → "1"), but nothing was ever signalled.
      for (const r of replies.filter((x: Reply) => x.type === 'kill')) {
        if (r.type !== 'kill') continue;
        for (const k of r.results) {
          expect(['refused', 'not-found', 'pid-reused', 'not-permitted']).toContain(k.outcome);
          expect(k.signal).toBeUndefined();
        }
      }
      expect(await h.request({ id: 424242, type: 'ping' })).toMatchObject({ type: 'ping', id: 424242 });
      h.close();
      expect((await h.exited).code).toBe(0);
    },
    180_000,
  );
});

/** Resident memory of a process (KB), from /proc/PID/status. */
function vmRssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

describe('pipelined requests', () => {
  it(
    'a client that writes 2,000 sample requests and reads nothing holds the helper under 150 MB; the replies then come in order',
    async () => {
      // 253 processes with 700-character command lines: each sample reply is about 190 KB,
      // so 2,000 unread replies would be about 380 MB.
      const big = makeProcTree(250, 700);
      const child = spawn(NODE, [b.script, '--serve', '--root', big], { stdio: ['pipe', 'pipe', 'pipe'] });
      spawnedPids.push(child.pid!);
      child.stdin.on('error', () => {});
      try {
        const N = 2000;
        let reqs = '';
        for (let i = 1; i <= N; i++) reqs += JSON.stringify({ id: i, type: 'sample' }) + '\n';
        child.stdin.write(reqs);
        // Not reading stdout: the pipe fills, and whatever the helper produces stays in it.
        let peak = 0;
        for (const t0 = Date.now(); Date.now() - t0 < 8000; ) {
          peak = Math.max(peak, vmRssKb(child.pid!));
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(procState(child.pid!)).not.toBe('gone');
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThan(150 * 1024);
        // Now read: hello, then the replies in order, each one the big sample.
        const lines: string[] = [];
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString();
          for (let i = buf.indexOf('\n'); i >= 0 && lines.length < 21; i = buf.indexOf('\n')) {
            lines.push(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
          if (lines.length >= 21) buf = '';
        });
        expect(await waitUntil(() => lines.length >= 21, 30_000)).toBe(true);
        const replies = lines.map((l) => JSON.parse(l) as Reply);
        expect(replies[0].type).toBe('hello');
        expect(replies.slice(1).map((r) => [r.type, r.id])).toEqual(Array.from({ length: 20 }, (_, i) => ['sample', i + 1]));
        expect(lines[1].length).toBeGreaterThan(150_000);
      } finally {
        child.kill('SIGKILL');
        rmSync(big, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

describe('requests in flight', () => {
  it('serves at most 4 kills at once: a ping after 4 slow kills waits for one of them', async () => {
    // Ignores SIGTERM: with escalate:false each kill takes its full 6 s and ends 'running'.
    const stubborn = spawn('sh', ['-c', 'trap "" TERM; while :; do sleep 1; done'], { stdio: 'ignore' });
    spawnedPids.push(stubborn.pid!);
    await new Promise((r) => setTimeout(r, 300));
    const target = { pid: stubborn.pid!, starttime: startTime(stubborn.pid!) };
    const h = raw(['--serve', '--root', tree]);
    try {
      await h.waitFor(1);
      let lines = '';
      for (let id = 1; id <= 4; id++) lines += JSON.stringify({ id, type: 'kill', targets: [target], escalate: false }) + '\n';
      h.send(lines + JSON.stringify({ id: 5, type: 'ping' }) + '\n');
      const replies = await h.waitFor(6, 30_000);
      const order = replies.slice(1).map((r) => r.id);
      expect(order.indexOf(5)).toBeGreaterThan(0);
      for (const r of replies.slice(1)) if (r.type === 'kill') expect(r.results[0].outcome).toBe('running');
    } finally {
      stubborn.kill('SIGKILL');
      h.close();
    }
  }, 60_000);
});

describe('lifetime', () => {
  it('answers what was sent before stdin closed, then exits 0', async () => {
    const h = raw(['--serve', '--root', tree]);
    h.send('{"id":1,"type":"ping"}\n{"id":2,"type":"sample"}\n{"id":3,"type":"ping"}');
    h.close();
    expect(await h.exited).toEqual({ code: 0, signal: null });
    expect(h.replies.map((r) => [r.type, r.id])).toEqual([
      ['hello', null],
      ['ping', 1],
      ['sample', 2],
      ['ping', 3],
    ]);
  });

  it('rejects pending and later requests when the helper dies, and reports the exit once', async () => {
    const t = spawnPipes(['--serve']);
    const c = await HelperClient.start(t);
    const exits: string[] = [];
    c.onExit((r) => exits.push(r));
    const pending = c.kill([{ pid: 999_999, starttime: 1 }]).catch((e: unknown) => e);
    process.kill(c.hello.pid, 'SIGKILL');
    const err = await pending;
    // The kill may have been answered before the signal landed: either is fine, no hang.
    if (err instanceof HelperError) expect(err.code).toBe('exited');
    await waitUntil(() => exits.length > 0, 5000);
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatch(/SIGKILL|closed/);
    await expect(c.ping()).rejects.toMatchObject({ code: 'exited' });
    const late: string[] = [];
    c.onExit((r) => late.push(r));
    await waitUntil(() => late.length > 0, 1000);
    expect(late).toHaveLength(1);
    c.dispose();
  });

  it('dispose() stops the helper and fails what was pending as disposed', async () => {
    const c = await HelperClient.start(spawnPipes(['--serve']));
    const pid = c.hello.pid;
    const exits: string[] = [];
    c.onExit((r) => exits.push(r));
    const p = c.sample();
    c.dispose();
    await expect(p).rejects.toMatchObject({ code: 'disposed' });
    await expect(c.ping()).rejects.toMatchObject({ code: 'disposed' });
    expect(await waitUntil(() => procState(pid) === 'gone', 5000)).toBe(true);
    expect(exits).toEqual([]);
  });

  it('launchHelper starts the helper with a small young generation (its RSS at 10,000 processes)', async () => {
    const l = await launchHelper({ helperScript: b.script, runAsUser: true, elevate: false, ui: quietUi, helperArgs: ['--root', tree] });
    try {
      const pid = l.client.hello.pid;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      expect(argv.slice(1, 1 + HELPER_NODE_FLAGS.length)).toEqual([...HELPER_NODE_FLAGS]);
      expect(argv).toContain('--max-semi-space-size=1');
      // The flag is one node takes: the helper answers as usual.
      expect((await l.client.sample()).total.count).toBe(3);
    } finally {
      l.client.dispose();
    }
  });

  it('launchHelper as root or as the user starts a working helper', async () => {
    const l = await launchHelper({ helperScript: b.script, runAsUser: true, elevate: false, ui: quietUi, helperArgs: ['--root', tree] });
    try {
      expect(l.mode).toBe(isRoot ? 'root' : 'user');
      expect((await l.client.sample()).total.count).toBe(3);
    } finally {
      l.client.dispose();
    }
  });

  it('exits when its parent is killed -9 even though its stdin stays open (parent watch)', async () => {
    // The intermediate passes ITS stdin (our pipe, which we keep open) to the helper.
    const mid = spawn(NODE, ['-e', `require('child_process').spawn(process.execPath, [${JSON.stringify(b.script)}, '--serve'], { stdio: 'inherit' }); setInterval(() => {}, 1000);`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    spawnedPids.push(mid.pid!);
    let out = '';
    mid.stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await waitUntil(() => out.includes('"hello"'), 10_000)).toBe(true);
    const helperPid = (JSON.parse(out.split('\n')[0]) as { hello: { pid: number } }).hello.pid;
    expect(procState(helperPid)).not.toBe('gone');
    mid.kill('SIGKILL');
    expect(await waitUntil(() => procState(helperPid) === 'gone', 15_000)).toBe(true);
    mid.stdin.end();
  });

  it('exits when the host that launched it (through launchHelper) is killed -9', async () => {
    const bundle = await makeBundle(true);
    try {
      const mid = spawn(NODE, [bundle.driver], { stdio: ['pipe', 'pipe', 'inherit'] });
      spawnedPids.push(mid.pid!);
      mid.stdin.write(JSON.stringify({ launch: { helperScript: bundle.script, runAsUser: true, elevate: false }, passwords: [] }) + '\n');
      let out = '';
      mid.stdout.on('data', (d: Buffer) => (out += d.toString()));
      expect(await waitUntil(() => out.includes('"launched"'), 15_000)).toBe(true);
      const helperPid = (JSON.parse(out.split('\n')[0]) as { hello: { pid: number } }).hello.pid;
      expect(procState(helperPid)).not.toBe('gone');
      mid.kill('SIGKILL');
      expect(await waitUntil(() => procState(helperPid) === 'gone', 5000)).toBe(true);
    } finally {
      removeBundle(bundle);
    }
  });
});

describe.skipIf(!isRoot)(titled('as an unprivileged user', unmet('root')), () => {
  it('reads only its own processes and counts the rest as inaccessible', async () => {
    const h = raw(['--serve'], user!);
    const hello = (await h.waitFor(1))[0];
    expect(hello.type === 'hello' && hello.hello.uid).toBe(user!.uid);
    const r = await h.request({ id: 1, type: 'sample' });
    expect(r.type).toBe('sample');
    if (r.type !== 'sample') return;
    const members = fromWireReport(r.report).rows.flatMap((row) => row.members);
    expect(members.map((m) => m.pid)).toContain(h.pid);
    for (const m of members) {
      const owner = uidOf(m.pid);
      if (owner !== null) expect(owner, `pid ${m.pid} ${m.cmd}`).toBe(user!.uid);
    }
    // At least this test process (root) was left out, and counted.
    expect(r.report.leader.inaccessible).toBeGreaterThan(0);
    expect(r.report.leader.pidsTotal).toBeGreaterThanOrEqual(members.length + r.report.leader.inaccessible);
    h.close();
  });
});
