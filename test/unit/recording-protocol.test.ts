// The `recording` request and reply (src/shared/recordingSchema.ts through protocol.ts): checked
// by the helper on the request and by the host on the reply.
import { describe, expect, it } from 'vitest';
import { parseReply, parseRequest } from '../../src/shared/protocol';
import { recordingPathProblem } from '../../src/shared/recordingSchema';

const req = (o: Record<string, unknown>) => parseRequest(JSON.stringify({ id: 1, type: 'recording', path: '/var/lib/pmemstat/pmemstat.db', at: null, timeline: true, ...o }));

describe('the recording request', () => {
  it('accepts an absolute path with a moment or null', () => {
    expect(req({}).ok).toBe(true);
    expect(req({ at: 1796420862497, timeline: false }).ok).toBe(true);
  });

  it('refuses a relative path, .., NUL, an empty or overlong path, a bad moment, a missing or unknown field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ path: 'pmemstat.db' }, 'must be an absolute path'],
      [{ path: '/var/lib/../../etc/shadow' }, 'must not contain ..'],
      [{ path: '/tmp/a\u0000b' }, 'must not contain NUL'],
      [{ path: '' }, 'must be a path'],
      [{ path: `/${'a'.repeat(4096)}` }, 'must be a path'],
      [{ path: 7 }, 'must be a path'],
      [{ at: -1 }, 'at'],
      [{ at: 1.5 }, 'at'],
      [{ at: '2026-12-04' }, 'at'],
      [{ timeline: 'yes' }, 'timeline'],
      [{ mode: 'rw' }, 'mode'],
    ];
    for (const [o, why] of bad) {
      const p = req(o);
      expect(p.ok, JSON.stringify(o)).toBe(false);
      if (!p.ok) {
        expect(p.code).toBe('invalid');
        expect(p.message).toContain(why);
      }
    }
    const noPath = parseRequest(JSON.stringify({ id: 1, type: 'recording', at: null, timeline: true }));
    expect(noPath.ok).toBe(false);
    expect(recordingPathProblem('/a/b/c.db')).toBeNull();
  });
});

describe('the recording reply', () => {
  const reply = (result: unknown) => parseReply(JSON.stringify({ type: 'recording', id: 1, seq: 1, result }));

  it('takes a refusal with a message', () => {
    expect(reply({ ok: false, message: 'no such file' }).ok).toBe(true);
  });

  it('refuses a malformed result: no ok, a bad time or event, an unknown field', () => {
    expect(reply({ message: 'x' }).ok).toBe(false);
    expect(reply({ ok: false, message: 'x', extra: 1 }).ok).toBe(false);
    expect(reply({ ok: true, at: -1, report: {} }).ok).toBe(false);
    const r = reply({ ok: true, at: 5, report: {}, times: [5] });
    expect(r.ok).toBe(false); // an empty object is no report
    const ev = reply({ ok: false, message: 'x'.repeat(5000) });
    expect(ev.ok).toBe(false);
  });
});
