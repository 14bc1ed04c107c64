// The unknown-field check looks at own properties only. Checking `k in shape` let the names
// every object inherits (`__proto__`, `constructor`, `toString`, …) through a request as if
// they were fields, and the helper echoed them back in its configure reply.
import { describe, expect, it } from 'vitest';
import { HelperServer } from '../../src/sampler/serve';
import { parseReply, parseRequest, type Reply } from '../../src/shared/protocol';
import { parseSnapshot } from '../../src/shared/snapshot';
import { object, num } from '../../src/shared/validate';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/webviewProtocol';
import { reporter, proc } from './webview-fixtures';

const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/** A request line with `"<name>": <value>` spliced in where `at` says (JSON text: `__proto__` stays an own key). */
function line(at: 'top' | 'config' | 'target', name: string, value: string): string {
  const extra = `${JSON.stringify(name)}:${value}`;
  switch (at) {
    case 'top':
      return `{"id":7,"type":"ping",${extra}}`;
    case 'config':
      return `{"id":7,"type":"configure","config":{"cmdlen":50,${extra}}}`;
    case 'target':
      return `{"id":7,"type":"kill","targets":[{"pid":5,"starttime":1,${extra}}],"escalate":false}`;
  }
}

describe('inherited names are unknown fields', () => {
  for (const at of ['top', 'config', 'target'] as const) {
    for (const name of INHERITED) {
      for (const value of ['1', '"x"', '{}', 'null', '[1]', '{"polluted":true}']) {
        it(`${name}: ${value} in the ${at === 'top' ? 'request' : at} is refused by name`, () => {
          const p = parseRequest(line(at, name, value));
          expect(p).toMatchObject({ ok: false, id: 7, code: 'invalid' });
          expect(!p.ok && p.message).toContain(`unknown field ${JSON.stringify(name)}`);
        });
      }
    }
  }

  it('the helper answers a configure carrying them with an error, and never echoes them', () => {
    const out: Reply[] = [];
    const srv = new HelperServer((r) => out.push(r), { root: '/nonexistent-root' });
    INHERITED.forEach((name, i) => srv.handle({ line: `{"id":${i},"type":"configure","config":{${JSON.stringify(name)}:{"x":1}}}` }));
    srv.handle({ line: '{"id":99,"type":"configure","config":{}}' });
    srv.close();
    expect(out.map((r) => r.type)).toEqual([...INHERITED.map(() => 'error'), 'configure']);
    const last = out.at(-1) as Extract<Reply, { type: 'configure' }>;
    for (const name of INHERITED) expect(Object.prototype.hasOwnProperty.call(last.config, name)).toBe(false);
    expect(JSON.stringify(out)).not.toContain('"x":1');
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // no prototype was touched
  });

  it('the host refuses them in a webview message: an option or a kill target', () => {
    for (const name of INHERITED) {
      const extra = `${JSON.stringify(name)}:1`;
      expect(parseWebviewMessage(JSON.parse(`{"type":"setOptions","options":{"units":"KB",${extra}}}`))).toBeNull();
      expect(parseWebviewMessage(JSON.parse(`{"type":"kill","targets":[{"pid":5,"starttime":1,${extra}}]}`))).toBeNull();
    }
    expect(parseWebviewMessage(JSON.parse('{"type":"kill","targets":[{"pid":5,"starttime":1}]}'))).toEqual({ type: 'kill', targets: [{ pid: 5, starttime: 1 }] });
  });

  it('a required field is looked up on the object itself, not on its prototype chain', () => {
    const check = object({ toString: num, valueOf: num }, true);
    expect(check({}, 'v')).toBe('v.toString is missing');
    expect(check(JSON.parse('{"toString":1,"valueOf":2}'), 'v')).toBeNull();
    expect(check(JSON.parse('{"toString":1,"valueOf":2,"__proto__":3}'), 'v')).toBe('v has an unknown field "__proto__"');
  });

  it('replies, webview messages and snapshots read with the same schema reject a report without its own fields', () => {
    const report = reporter()([proc(100, 'a', 10, 'a --x')]);
    // A report whose fields are only inherited is not a report.
    const inherited = Object.create(report) as unknown;
    expect(parseHostMessage({ type: 'report', report: inherited, history: null, leaks: [] })).toBeNull();
    expect(parseHostMessage({ type: 'report', report, history: null, leaks: [] })).not.toBeNull();
    for (const name of INHERITED) {
      expect(parseReply(`{"type":${JSON.stringify(name)},"id":1,"seq":1}`)).toEqual({ ok: false, message: `unknown reply type ${JSON.stringify(name)}` });
    }
    const snap = parseSnapshot(JSON.stringify({ tool: 'pmemstat', report: { ...report, leader: undefined } }));
    expect(snap).toEqual({ ok: false, error: 'its "report" is not a pmemstat sample: report.leader is missing' });
  });
});
