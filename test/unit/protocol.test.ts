// The host⇄helper protocol: request/reply validators, framing, the kill pid rules and the
// launcher's pure pieces. No process is spawned and no signal is sent here.
import { describe, expect, it } from 'vitest';
import { Reporter } from '../../src/core/report';
import type { Sample } from '../../src/core/types';
import { detectGraphicalSession, elevatedArgv, HELPER_NODE_FLAGS, shellWord } from '../../src/host/launcher';
import { staticRefusal } from '../../src/sampler/kill';
import { HelperServer } from '../../src/sampler/serve';
import {
  LineSplitter,
  MAX_REQUEST_BYTES,
  parseReply,
  parseRequest,
  PID_MAX_LIMIT,
  validateRequest,
  type Reply,
  fromWireReport,
  toWireReport,
} from '../../src/shared/protocol';
import { reportOptions } from '../../src/shared/engineOptions';

const req = (o: unknown) => parseRequest(JSON.stringify(o));

function sampleOf(): Sample {
  const mem = (d: number) => ({ pswap: 0, shSYSV: 0, shOth: 0, stack: 0, text: 10, data: d, ptotal: d + 10, uss: d, epss: d + 10 });
  return {
    time: 1_700_000_000_000,
    meminfo: { memTotal: 1000, memAvailable: 500, shmem: 10, dirty: 1, swapTotal: 0, swapFree: 0 },
    cpu: { totalTicks: 100, ncpu: 2 },
    pgmajfault: 0,
    zram: null,
    procs: [
      { pid: 10, starttime: 5, exe: 'a', cmd: 'a --x', mem: mem(100), ticks: 1, cpu: 0 },
      { pid: 11, starttime: 6, exe: 'a', cmd: 'a --y', mem: mem(50), ticks: 1, cpu: 0 },
      { pid: 12, starttime: 7, exe: 'b', cmd: 'b', mem: mem(20), ticks: 1, cpu: 0 },
    ],
    totalUserProcs: 4,
    inaccessible: 1,
    filtered: 0,
    kernelCpu: 0,
    topKernelThreads: [{ pid: 3, comm: 'kworker/0:1', cpu: 1.5 }],
    majfaultsPerSec: 0,
    detail: false,
  };
}

describe('requests', () => {
  it('accepts every request type', () => {
    for (const o of [
      { id: 0, type: 'hello' },
      { id: 1, type: 'ping' },
      { id: 2, type: 'sample' },
      { id: 3, type: 'configure', config: {} },
      {
        id: 4,
        type: 'configure',
        config: { groupBy: 'cmd', sortBy: 'cpu', detail: true, minDeltaKb: -50, riseToTop: false, cmdlen: 40, cpuAvgSecs: 5, showCpu: false, filter: ['1234', 'firefox'] },
      },
      { id: 5, type: 'kill', targets: [{ pid: 4242, starttime: 99 }], escalate: true },
      { id: 6, type: 'kill', targets: [], escalate: false },
      { id: 7, type: 'kill', targets: [{ pid: 4242, starttime: 99 }], escalate: true, signal: 'SIGSTOP' },
      { id: Number.MAX_SAFE_INTEGER, type: 'ping' },
    ]) {
      const p = req(o);
      expect(p, JSON.stringify(o)).toEqual({ ok: true, request: o });
    }
  });

  it.each([
    ['', 'not-json', /empty line/],
    ['   ', 'not-json', /empty line/],
    ['{', 'not-json', /not JSON/],
    ['nul', 'not-json', /not JSON/],
    ['[1,2]', 'not-json', /JSON object, not an array/],
    ['null', 'not-json', /not null/],
    ['42', 'not-json', /not 42/],
    ['"ping"', 'not-json', /JSON object/],
    ['{"type":"ping"}', 'invalid', /id is missing/],
    ['{"id":-1,"type":"ping"}', 'invalid', /id must be/],
    ['{"id":1.5,"type":"ping"}', 'invalid', /id must be/],
    ['{"id":"7","type":"ping"}', 'invalid', /id must be/],
    ['{"id":1e300,"type":"ping"}', 'invalid', /id must be/],
    ['{"id":1}', 'invalid', /type must be a string/],
    ['{"id":1,"type":7}', 'invalid', /type must be a string/],
    ['{"id":1,"type":"reboot"}', 'unknown-type', /unknown request type "reboot"/],
    ['{"id":1,"type":"__proto__"}', 'unknown-type', /unknown request type/],
    ['{"id":1,"type":"ping","extra":1}', 'invalid', /unknown field "extra"/],
    ['{"id":1,"type":"configure"}', 'invalid', /config is missing/],
    ['{"id":1,"type":"configure","config":[]}', 'invalid', /config must be an object/],
    ['{"id":1,"type":"configure","config":{"groupBy":"user"}}', 'invalid', /groupBy must be one of/],
    ['{"id":1,"type":"configure","config":{"sortBy":1}}', 'invalid', /sortBy must be one of/],
    ['{"id":1,"type":"configure","config":{"detail":"yes"}}', 'invalid', /detail must be true or false/],
    ['{"id":1,"type":"configure","config":{"minDeltaKb":0.5}}', 'invalid', /minDeltaKb must be an integer/],
    ['{"id":1,"type":"configure","config":{"cmdlen":0}}', 'invalid', /cmdlen must be an integer/],
    ['{"id":1,"type":"configure","config":{"cpuAvgSecs":0}}', 'invalid', /cpuAvgSecs must be/],
    ['{"id":1,"type":"configure","config":{"filter":"firefox"}}', 'invalid', /filter must be an array/],
    ['{"id":1,"type":"configure","config":{"filter":[""]}}', 'invalid', /filter\[0\] must be a non-empty string/],
    ['{"id":1,"type":"configure","config":{"filter":[5]}}', 'invalid', /filter\[0\]/],
    ['{"id":1,"type":"configure","config":{"search":"x"}}', 'invalid', /unknown field "search"/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1}]}', 'invalid', /escalate is missing/],
    ['{"id":1,"type":"kill","escalate":true}', 'invalid', /targets is missing/],
    ['{"id":1,"type":"kill","targets":{"pid":5},"escalate":true}', 'invalid', /targets must be an array/],
    ['{"id":1,"type":"kill","targets":[5],"escalate":true}', 'invalid', /targets\[0\] must be an object/],
    ['{"id":1,"type":"kill","targets":[{"pid":5}],"escalate":true}', 'invalid', /starttime is missing/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":-1}],"escalate":true}', 'invalid', /starttime must be an integer/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1,"sig":9}],"escalate":true}', 'invalid', /unknown field "sig"/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1},{"pid":5,"starttime":1}],"escalate":true}', 'invalid', /listed twice/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1}],"escalate":"no"}', 'invalid', /escalate must be true or false/],
    ['{"id":1,"type":"maps","pid":-1,"starttime":1}', 'invalid', /maps.pid must be a process id/],
    ['{"id":1,"type":"maps","pid":0,"starttime":1}', 'invalid', /maps.pid must be a process id/],
    ['{"id":1,"type":"maps","pid":"5","starttime":1}', 'invalid', /maps.pid must be a process id/],
    ['{"id":1,"type":"maps","pid":5}', 'invalid', /maps.starttime is missing/],
    ['{"id":1,"type":"maps","pid":5,"starttime":1,"root":"/"}', 'invalid', /unknown field "root"/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1}],"escalate":true,"signal":"SIGUSR1"}', 'invalid', /signal must be one of "SIGTERM", "SIGINT"/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1}],"escalate":true,"signal":9}', 'invalid', /signal must be one of/],
    ['{"id":1,"type":"kill","targets":[{"pid":5,"starttime":1}],"escalate":true,"signal":null}', 'invalid', /signal must be one of/],
  ])('rejects %j as %s', (line, code, msg) => {
    const p = parseRequest(line);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.code).toBe(code);
    expect(p.message).toMatch(msg);
  });

  it('keeps the id of a readable but malformed request, so its caller gets the error', () => {
    expect(parseRequest('{"id":9,"type":"nope"}')).toMatchObject({ ok: false, id: 9 });
    expect(parseRequest('{"id":9,"type":"kill"}')).toMatchObject({ ok: false, id: 9 });
    expect(parseRequest('{"id":"9","type":"ping"}')).toMatchObject({ ok: false, id: null });
  });

  it('rejects every dangerous kill pid before anything else happens', () => {
    const dangerous: unknown[] = [-1, 0, -2, -4242, 2 ** 31, 2 ** 53, PID_MAX_LIMIT + 1, 1.5, 4242.0001, '4242', '-1', null, true, [4242], { pid: 1 }];
    for (const pid of dangerous) {
      const p = validateRequest({ id: 1, type: 'kill', targets: [{ pid, starttime: 1 }], escalate: true });
      expect(p.ok, `pid ${JSON.stringify(pid)}`).toBe(false);
      if (!p.ok) expect(p.message).toMatch(/targets\[0\]\.pid must be a process id/);
    }
    // JSON cannot carry NaN or Infinity: they arrive as null and are rejected too.
    expect(parseRequest(JSON.stringify({ id: 1, type: 'kill', targets: [{ pid: NaN, starttime: 1 }], escalate: true })).ok).toBe(false);
    expect(validateRequest({ id: 1, type: 'kill', targets: [{ pid: Infinity, starttime: 1 }], escalate: true }).ok).toBe(false);
    // One bad target rejects the whole request: no target is acted on.
    expect(validateRequest({ id: 1, type: 'kill', targets: [{ pid: 4242, starttime: 1 }, { pid: -1, starttime: 1 }], escalate: true }).ok).toBe(false);
  });

  it('lets pid 1 through validation only to be refused by the kill rules, as are itself and its ancestors', () => {
    expect(validateRequest({ id: 1, type: 'kill', targets: [{ pid: 1, starttime: 1 }], escalate: true }).ok).toBe(true);
    expect(staticRefusal(1, 500, new Set())).toMatch(/pid 1/);
    expect(staticRefusal(500, 500, new Set([400]))).toMatch(/itself/);
    expect(staticRefusal(400, 500, new Set([400]))).toMatch(/ancestor/);
    for (const bad of [-1, 0, 1.5, '7', PID_MAX_LIMIT + 1, NaN]) expect(staticRefusal(bad, 500, new Set())).toMatch(/not a process id/);
    expect(staticRefusal(4242, 500, new Set([400]))).toBeNull();
  });
});

describe('replies', () => {
  const plain = new Reporter(reportOptions()).report(sampleOf());
  const report = toWireReport(plain);

  it('round-trips every reply type through JSON', () => {
    const replies: Reply[] = [
      { type: 'hello', id: null, seq: 0, hello: { version: '0.1.0', protocol: 1, uid: 0, pid: 77, capabilities: ['sample'] } },
      { type: 'hello', id: null, seq: 0, hello: { version: '0.1.0', protocol: 1, uid: 1000, pid: 77, capabilities: [] }, token: 'ab' },
      { type: 'ping', id: 3, seq: 4 },
      {
        type: 'configure',
        id: 1,
        seq: 1,
        config: { groupBy: 'pid', sortBy: 'name', detail: false, minDeltaKb: 100, riseToTop: true, cmdlen: 96, cpuAvgSecs: 20, showCpu: true, filter: [], walkBudgetMs: 10, maxAgeSeconds: 60, showOom: false, showThp: false, showKsm: false },
      },
      { type: 'sample', id: 2, seq: 2, report, ms: 1.5 },
      {
        type: 'kill',
        id: 5,
        seq: 5,
        results: [
          { pid: 10, outcome: 'gone', signal: 'SIGTERM' },
          { pid: 11, outcome: 'pid-reused', message: 'x' },
          { pid: 12, outcome: 'running', signal: 'SIGKILL', message: 'D state' },
        ],
      },
      { type: 'error', id: null, seq: 9, code: 'too-long', message: 'long' },
    ];
    for (const r of replies) expect(parseReply(JSON.stringify(r))).toEqual({ ok: true, reply: r });
  });

  it('carries the grouped report with members, in KB', () => {
    const p = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report, ms: 2 }));
    expect(p.ok).toBe(true);
    if (!p.ok || p.reply.type !== 'sample') return;
    const r = fromWireReport(p.reply.report);
    expect(r).toEqual(plain);
    expect(r.total).toMatchObject({ type: 'T', count: 3 });
    expect(r.total.mem.ptotal).toBe(200);
    expect(r.rows.map((x) => [x.key, x.count, x.mem.ptotal])).toEqual([
      ['a', 2, 170],
      ['b', 1, 30],
    ]);
    expect(r.rows[0].members.map((m) => [m.pid, m.starttime, m.cmd])).toEqual([
      [10, 5, 'a --x'],
      [11, 6, 'a --y'],
    ]);
    expect(r.leader).toMatchObject({ memTotal: 1000, used: 500, inaccessible: 1, pidsTotal: 4 });
  });

  it("carries a row's thp and ksm sums (protocol 7; absent stays absent, a member's do not travel), and refuses a string one", () => {
    const sample = sampleOf();
    sample.procs[0] = { ...sample.procs[0], thp: 2048, ksm: 8 };
    sample.procs[1] = { ...sample.procs[1], thp: 0, ksm: 4 };
    const wire = toWireReport(new Reporter(reportOptions()).report(sample));
    const p = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: wire, ms: 2 }));
    expect(p.ok).toBe(true);
    if (!p.ok || p.reply.type !== 'sample') return;
    const r = fromWireReport(p.reply.report);
    expect(r.rows.map((x) => [x.key, x.thp, x.ksm])).toEqual([
      ['a', 2048, 12],
      ['b', undefined, undefined],
    ]);
    expect([r.total.thp, r.total.ksm]).toEqual([2048, 12]);
    expect(r.rows[0].members[0].ksm).toBeUndefined();
    const spoilt = JSON.parse(JSON.stringify(wire)) as { rows: Record<string, unknown>[] };
    spoilt.rows[0].ksm = '12';
    const bad = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: spoilt, ms: 2 }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/rows\[0\]\.ksm must be a finite number/);
  });

  it.each<[string, (r: Record<string, unknown>) => void, RegExp]>([
    ['a missing ptotal', (r) => delete (r.total as { mem: Record<string, unknown> }).mem.ptotal, /report\.total\.mem\.ptotal is missing/],
    ['NaN sent as null', (r) => ((r.leader as Record<string, unknown>).used = null), /report\.leader\.used must be a finite number/],
    ['a bad row type', (r) => ((r.rows as Record<string, unknown>[])[0].type = '+5'), /rows\[0\]\.type must be a row type/],
    ['members not an array', (r) => ((r.rows as Record<string, unknown>[])[1].members = {}), /rows\[1\]\.members must be an array/],
    ['a member object', (r) => ((r.rows as Record<string, unknown>[])[1].members = [plain.rows[1].members[0]]), /rows\[1\]\.members\[0\] must be a member \[pid, starttime, cmd, cpu, pswap/],
    ['a short member', (r) => ((r.rows as { members: unknown[][] }[])[0].members[1].length = 10), /rows\[0\]\.members\[1\] must be a member .* not an array of 10/],
    ['a negative member pid', (r) => ((r.rows as { members: unknown[][] }[])[0].members[0][0] = -1), /members\[0\]\[0\] \(pid\) must be an integer from 0/],
    ['a numeric cmd', (r) => ((r.rows as { members: unknown[][] }[])[0].members[0][2] = 5), /members\[0\]\[2\] \(cmd\) must be a string/],
    ['a string ptotal', (r) => ((r.rows as { members: unknown[][] }[])[0].members[0][10] = '9'), /members\[0\]\[10\] \(ptotal\) must be a finite number/],
    ['a string count', (r) => ((r.total as Record<string, unknown>).count = '3'), /total\.count must be an integer/],
  ])('rejects a sample with %s', (_name, spoil, msg) => {
    const r = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    spoil(r);
    const p = parseReply(JSON.stringify({ type: 'sample', id: 1, seq: 1, report: r, ms: 1 }));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(msg);
  });

  it.each([
    ['not json', 'x', /not JSON/],
    ['no type', '{"id":1}', /unknown reply type/],
    ['unknown type', '{"type":"boom","id":1,"seq":1}', /unknown reply type "boom"/],
    ['bad outcome', '{"type":"kill","id":1,"seq":1,"results":[{"pid":5,"outcome":"dead"}]}', /outcome must be one of/],
    ['bad signal', '{"type":"kill","id":1,"seq":1,"results":[{"pid":5,"outcome":"gone","signal":"SIGUSR1"}]}', /signal must be one of/],
    ['bad error code', '{"type":"error","id":1,"seq":1,"code":"oops","message":"m"}', /code must be one of/],
    ['hello without uid', '{"type":"hello","id":null,"seq":0,"hello":{"version":"1","protocol":1,"pid":5,"capabilities":[]}}', /uid is missing/],
    ['ping without id', '{"type":"ping","seq":1}', /id is missing/],
  ])('rejects a reply with %s', (_n, line, msg) => {
    const p = parseReply(line);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(msg);
  });
});

describe('LineSplitter', () => {
  it('splits chunks into lines, across chunk borders and multi-byte characters', () => {
    const s = new LineSplitter(100);
    const bytes = Buffer.from('{"a":"é€"}\r\nsecond\nthi', 'utf8');
    const events = [];
    for (let i = 0; i < bytes.length; i++) events.push(...s.push(bytes.subarray(i, i + 1)));
    events.push(...s.push(Buffer.from('rd\n')));
    expect(events).toEqual([{ line: '{"a":"é€"}' }, { line: 'second' }, { line: 'third' }]);
  });

  it('drops a line over the limit without buffering it, and goes on with the next', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.from('0123456789'))).toEqual([]);
    expect(s.push(Buffer.from('x'.repeat(1000)))).toEqual([]);
    expect(s.pending).toBe(1010);
    expect(s.push(Buffer.from('yy\nok\n0123456789\n01234567890\n'))).toEqual([
      { tooLong: 1012 },
      { line: 'ok' },
      { line: '0123456789' },
      { tooLong: 11 },
    ]);
  });

  it('has the 1 MiB limit of the issue', () => {
    expect(MAX_REQUEST_BYTES).toBe(1024 * 1024);
  });
});

describe('HelperServer (in process)', () => {
  it('answers each line once, in order for the synchronous ones, naming the problem', () => {
    const out: Reply[] = [];
    const srv = new HelperServer((r) => out.push(r), { root: '/nonexistent-root' });
    srv.handle({ line: '{"id":1,"type":"ping"}' });
    srv.handle({ line: 'garbage' });
    srv.handle({ tooLong: 2_000_000 });
    srv.handle({ line: '{"id":4,"type":"configure","config":{"groupBy":"pid","cmdlen":10}}' });
    srv.handle({ line: '{"id":5,"type":"sample"}' });
    srv.close();
    expect(out.map((r) => [r.type, r.id, r.seq])).toEqual([
      ['ping', 1, 1],
      ['error', null, 2],
      ['error', null, 3],
      ['configure', 4, 4],
      ['sample', 5, 5],
    ]);
    expect(out[2]).toMatchObject({ code: 'too-long', message: expect.stringMatching(/2000000 bytes/) });
    expect(out[3]).toMatchObject({ config: { groupBy: 'pid', cmdlen: 10, sortBy: 'mem' } });
    for (const r of out) expect(parseReply(JSON.stringify(r)).ok).toBe(true);
  });
});

describe('launcher pieces', () => {
  it('builds the elevated command as an argument array, with the helper\'s node flags and ELECTRON_RUN_AS_NODE through env', () => {
    const r = { nodePath: '/opt/code/code', script: '/ext/dist/sampler.js', isElectron: true };
    const flags = ['--max-semi-space-size=1', '--optimize-for-size', '--heap-growing-percent=20'];
    expect(HELPER_NODE_FLAGS).toEqual(flags);
    expect(elevatedArgv(r, ['--serve'])).toEqual(['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', '/opt/code/code', ...flags, '/ext/dist/sampler.js', '--serve']);
    expect(elevatedArgv({ ...r, isElectron: false }, ['--serve'])).toEqual(['/opt/code/code', ...flags, '/ext/dist/sampler.js', '--serve']);
    expect(elevatedArgv({ ...r, isElectron: false }, ['--connect', '/tmp/d/s'], ['PMEMSTAT_TOKEN=ab'])).toEqual([
      '/usr/bin/env',
      'PMEMSTAT_TOKEN=ab',
      '/opt/code/code',
      ...flags,
      '/ext/dist/sampler.js',
      '--connect',
      '/tmp/d/s',
    ]);
  });

  it('quotes words for the sudo-prompt shell line: plain words as they are, any other byte in octal inside $\'…\'', () => {
    expect(shellWord('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellWord('PMEMSTAT_TOKEN=ab12')).toBe('PMEMSTAT_TOKEN=ab12');
    expect(shellWord('/home/a b/sampler.js')).toBe("$'/home/a\\040b/sampler.js'");
    expect(shellWord('é')).toBe("$'\\303\\251'");
    // What reaches the shells is letters, digits, /._- and octal escapes: no quote, $( or backquote of the word's own.
    for (const bad of ["/x/it's", '/x/$(reboot)', '/x/`id`', '/x/a"b', '/x/a\\b', '/x/a\nb', '', '/x/!x']) {
      expect(shellWord(bad), bad).toMatch(/^\$'([A-Za-z0-9/._-]|\\[0-7]{3})*'$/);
    }
    expect(() => shellWord('/x/a\0b')).toThrow(/cannot pass/);
  });

  it('sees a graphical session only locally with a display', () => {
    const base = { DISPLAY: ':0' };
    const local = detectGraphicalSession(base);
    expect(detectGraphicalSession({})).toBe(false);
    expect(detectGraphicalSession({ ...base, SSH_CONNECTION: '1 2 3 4' })).toBe(false);
    expect(detectGraphicalSession({ ...base, WSL_DISTRO_NAME: 'Debian' })).toBe(false);
    expect(detectGraphicalSession({ ...base, REMOTE_CONTAINERS: 'true' })).toBe(false);
    expect(detectGraphicalSession({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(local);
  });
});
