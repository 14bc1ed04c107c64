// HelperClient against a scripted fake helper (in-memory streams): hello checks (token,
// protocol version, timeout), request/reply matching by id, and what it does with replies
// that break the protocol.
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { HelperClient, HelperError } from '../../src/host/helperClient';
import { PROTOCOL_VERSION, type Reply } from '../../src/shared/protocol';

interface Fake {
  toClient: PassThrough;
  fromClient: PassThrough;
  requests: Record<string, unknown>[];
  say(o: unknown): void;
  next(): Promise<Record<string, unknown>>;
}

function fake(): Fake {
  const toClient = new PassThrough();
  const fromClient = new PassThrough();
  const requests: Record<string, unknown>[] = [];
  let waiters: (() => void)[] = [];
  let buf = '';
  fromClient.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      requests.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  });
  let taken = 0;
  return {
    toClient,
    fromClient,
    requests,
    say: (o) => toClient.write((typeof o === 'string' ? o : JSON.stringify(o)) + '\n'),
    next: async () => {
      while (requests.length <= taken) await new Promise<void>((r) => waiters.push(r));
      return requests[taken++];
    },
  };
}

const HELLO = { version: '0.1.0', protocol: PROTOCOL_VERSION, uid: 1000, pid: 4242, capabilities: ['sample'] };

async function connected(f: Fake, opts = {}): Promise<HelperClient> {
  const p = HelperClient.start({ readable: f.toClient, writable: f.fromClient }, opts);
  f.say({ type: 'hello', id: null, seq: 0, hello: HELLO });
  return p;
}

describe('hello', () => {
  it('exposes the hello', async () => {
    const c = await connected(fake());
    expect(c.hello).toEqual(HELLO);
  });

  it('accepts the right token and rejects a wrong or missing one', async () => {
    const ok = fake();
    const p = HelperClient.start({ readable: ok.toClient, writable: ok.fromClient }, { expectToken: 'abc123' });
    ok.say({ type: 'hello', id: null, seq: 0, hello: HELLO, token: 'abc123' });
    await expect(p).resolves.toBeInstanceOf(HelperClient);
    for (const token of ['abc124', 'abc1234', undefined]) {
      const f = fake();
      const q = HelperClient.start({ readable: f.toClient, writable: f.fromClient }, { expectToken: 'abc123' });
      f.say({ type: 'hello', id: null, seq: 0, hello: HELLO, ...(token ? { token } : {}) });
      await expect(q).rejects.toMatchObject({ code: 'auth' });
    }
  });

  it('rejects another protocol version, a first line that is not a hello, and silence', async () => {
    const f1 = fake();
    const p1 = HelperClient.start({ readable: f1.toClient, writable: f1.fromClient });
    f1.say({ type: 'hello', id: null, seq: 0, hello: { ...HELLO, protocol: PROTOCOL_VERSION + 1 } });
    await expect(p1).rejects.toMatchObject({ code: 'auth', message: expect.stringMatching(new RegExp(`protocol ${PROTOCOL_VERSION + 1}`)) });
    const f2 = fake();
    const p2 = HelperClient.start({ readable: f2.toClient, writable: f2.fromClient });
    f2.say({ type: 'ping', id: 1, seq: 1 });
    await expect(p2).rejects.toMatchObject({ code: 'protocol' });
    const f3 = fake();
    const p3 = HelperClient.start({ readable: f3.toClient, writable: f3.fromClient }, { helloTimeoutMs: 50 });
    await expect(p3).rejects.toMatchObject({ code: 'timeout' });
    const f4 = fake();
    const p4 = HelperClient.start({ readable: f4.toClient, writable: f4.fromClient });
    f4.toClient.end();
    await expect(p4).rejects.toMatchObject({ code: 'exited' });
  });

  // What comes before the hello is not the helper's: under sudo -S, the second line of a
  // password with a line break reached the helper, whose error reply quoted it.
  it('never logs or repeats text that came before the hello: it says how many bytes it dropped', async () => {
    const SECRET = 'Pw-Tail-42';
    const f = fake();
    const logs: string[] = [];
    const p = HelperClient.start({ readable: f.toClient, writable: f.fromClient }, { log: (m) => logs.push(m) });
    f.say(SECRET);
    const e = (await p.catch((x: unknown) => x)) as HelperError;
    expect(e).toMatchObject({ code: 'protocol', message: expect.stringMatching(/first line is not a hello: 10 bytes of non-protocol output \(dropped, not shown\)/) });
    expect(e.message).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(SECRET);
  });

  it('does not log the text of an error about a line it never sent (an old helper quoted it)', async () => {
    const SECRET = 'Pw-Tail-42';
    const f = fake();
    const logs: string[] = [];
    await connected(f, { log: (m: string) => logs.push(m) });
    f.say({ type: 'error', id: null, seq: 1, code: 'not-json', message: `not JSON: Unexpected token 'P', "${SECRET}" is not valid JSON` });
    f.say(`garbage ${SECRET}`);
    await vi.waitFor(() => expect(logs).toHaveLength(2));
    expect(logs).toEqual([
      'the helper dropped input line 1 that this host did not send (not-json)',
      `malformed line from the helper: ${8 + SECRET.length} bytes of non-protocol output dropped (not shown)`,
    ]);
  });
});

describe('requests', () => {
  it('matches replies by id, whatever their order', async () => {
    const f = fake();
    const c = await connected(f);
    const ping = c.ping();
    const kill = c.kill([{ pid: 77, starttime: 5 }], { escalate: false });
    const r1 = await f.next();
    const r2 = await f.next();
    expect(r1).toEqual({ id: 1, type: 'ping' });
    expect(r2).toEqual({ id: 2, type: 'kill', targets: [{ pid: 77, starttime: 5 }], escalate: false, signal: 'SIGTERM' });
    f.say({ type: 'kill', id: 2, seq: 2, results: [{ pid: 77, outcome: 'running', signal: 'SIGTERM' }] } satisfies Reply);
    f.say({ type: 'ping', id: 1, seq: 1 } satisfies Reply);
    await expect(kill).resolves.toEqual([{ pid: 77, outcome: 'running', signal: 'SIGTERM' }]);
    await expect(ping).resolves.toBeUndefined();
  });

  it('escalates by default', async () => {
    const f = fake();
    const c = await connected(f);
    void c.kill([{ pid: 77, starttime: 5 }]);
    expect(await f.next()).toMatchObject({ escalate: true });
  });

  it('turns an error reply into a HelperError with its code', async () => {
    const f = fake();
    const c = await connected(f);
    const p = c.configure({ groupBy: 'pid' });
    await f.next();
    f.say({ type: 'error', id: 1, seq: 1, code: 'invalid', message: 'configure.config.x bad' });
    const e = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HelperError);
    expect(e).toMatchObject({ code: 'invalid', message: 'configure.config.x bad' });
  });

  it('fails a request whose reply is malformed or of the wrong type, and logs stray lines', async () => {
    const f = fake();
    const logs: string[] = [];
    const c = await connected(f, { log: (m: string) => logs.push(m) });
    const s = c.sample();
    const p = c.ping();
    await f.next();
    await f.next();
    f.say({ type: 'sample', id: 1, seq: 1, report: { leader: {} }, ms: 1 });
    f.say({ type: 'sample', id: 2, seq: 2, report: {}, ms: 1 });
    await expect(s).rejects.toMatchObject({ code: 'protocol', message: expect.stringMatching(/malformed reply: sample\.report\.leader\.time is missing/) });
    await expect(p).rejects.toMatchObject({ code: 'protocol' });
    f.say('garbage');
    f.say({ type: 'ping', id: 99, seq: 3 });
    f.say({ type: 'error', id: null, seq: 4, code: 'not-json', message: 'empty line' });
    await vi.waitFor(() => expect(logs).toHaveLength(3));
    expect(logs).toEqual([
      'malformed line from the helper: 7 bytes of non-protocol output dropped (not shown)',
      expect.stringMatching(/a ping reply for no pending request \(id 99\)/),
      'the helper dropped input line 4 that this host did not send (not-json)',
    ]);
    // Still usable afterwards.
    const q = c.ping();
    const req = await f.next();
    f.say({ type: 'ping', id: req.id, seq: 5 });
    await expect(q).resolves.toBeUndefined();
  });

  it('times out a request that gets no reply', async () => {
    const g = fake();
    const p = HelperClient.start({ readable: g.toClient, writable: g.fromClient }, { timeouts: { ping: 50 } });
    g.say({ type: 'hello', id: null, seq: 0, hello: HELLO });
    const c2 = await p;
    await expect(c2.ping()).rejects.toMatchObject({ code: 'timeout' });
  });

  it('on close: fails what is pending, reports the exit once, refuses new requests', async () => {
    const f = fake();
    const c = await connected(f);
    const exits: string[] = [];
    c.onExit((r) => exits.push(r));
    const p = c.sample();
    f.toClient.end();
    await expect(p).rejects.toMatchObject({ code: 'exited' });
    await expect(c.ping()).rejects.toMatchObject({ code: 'exited' });
    expect(exits).toEqual(['the connection to the helper was closed']);
    expect(c.alive).toBe(false);
  });

  it('dispose: fails what is pending as disposed, closes the input, no exit callback', async () => {
    const f = fake();
    const c = await connected(f);
    const exits: string[] = [];
    c.onExit((r) => exits.push(r));
    const p = c.sample();
    let ended = false;
    f.fromClient.on('end', () => (ended = true));
    f.fromClient.resume();
    c.dispose();
    await expect(p).rejects.toMatchObject({ code: 'disposed' });
    await vi.waitFor(() => expect(ended).toBe(true));
    expect(exits).toEqual([]);
  });
});
