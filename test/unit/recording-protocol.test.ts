// The `recording` and `recordingSeries` requests and replies (src/shared/recordingSchema.ts through
// protocol.ts): checked by the helper on the request and by the host on the reply; and the
// recording panel's messages (src/shared/recordingView.ts), checked by the end that receives them.
import { describe, expect, it } from 'vitest';
import { parseReply, parseRequest } from '../../src/shared/protocol';
import { MEM_KEYS } from '../../src/core/types';
import { MAX_SERIES_KEY, MAX_SERIES_POINTS, recordingPathProblem } from '../../src/shared/recordingSchema';
import { parseRecordingHostMessage, parseRecordingViewMessage } from '../../src/shared/recordingView';

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

describe('the recordingSeries request', () => {
  const sreq = (o: Record<string, unknown>) =>
    parseRequest(JSON.stringify({ id: 2, type: 'recordingSeries', path: '/var/lib/pmemstat/pmemstat.db', key: '/usr/bin/node', from: null, to: null, points: 600, ...o }));

  it('accepts a group over the whole recording or a span', () => {
    expect(sreq({}).ok).toBe(true);
    expect(sreq({ from: 1000, to: 2000, points: 2 }).ok).toBe(true);
    expect(sreq({ from: 1000, to: 1000, points: MAX_SERIES_POINTS }).ok).toBe(true);
  });

  it('refuses a bad path, key, span or number of points, and unknown fields', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ path: 'rel.db' }, 'absolute'],
      [{ path: '/a/../b.db' }, '..'],
      [{ key: '' }, 'group key'],
      [{ key: 'k'.repeat(MAX_SERIES_KEY + 1) }, 'group key'],
      [{ key: 5 }, 'group key'],
      [{ from: -1 }, 'from'],
      [{ to: 1.5 }, 'to'],
      [{ from: 2000, to: 1000 }, 'after'],
      [{ points: 1 }, 'points'],
      [{ points: MAX_SERIES_POINTS + 1 }, 'points'],
      [{ points: 10.5 }, 'points'],
      [{ sql: 'DROP TABLE figs' }, 'sql'],
    ];
    for (const [o, why] of bad) {
      const p = sreq(o);
      expect(p.ok, JSON.stringify(o)).toBe(false);
      if (!p.ok) {
        expect(p.code).toBe('invalid');
        expect(p.message).toContain(why);
      }
    }
    expect(parseRequest(JSON.stringify({ id: 2, type: 'recordingSeries', path: '/a.db', from: null, to: null, points: 5 })).ok).toBe(false);
  });
});

describe('the recordingSeries reply', () => {
  const mem = (n: number) => Object.fromEntries(MEM_KEYS.map((k) => [k, Array.from({ length: n }, (_, i) => i * 10)]));
  const series = (o: Record<string, unknown> = {}) => ({ key: 'k', times: [1000, 2000, 3000], mem: mem(3), samples: 3, ...o });
  const sreply = (result: unknown) => parseReply(JSON.stringify({ type: 'recordingSeries', id: 1, seq: 1, result }));

  it('takes a series or a refusal', () => {
    expect(sreply({ ok: true, series: series() }).ok).toBe(true);
    expect(sreply({ ok: true, series: series({ times: [], mem: mem(0), samples: 0 }) }).ok).toBe(true);
    expect(sreply({ ok: false, message: 'no such file' }).ok).toBe(true);
  });

  it('refuses times that do not ascend, figures that do not match the times, a missing category, too many points, an unknown field', () => {
    const { ptotal: _p, ...noPtotal } = mem(3);
    const bad = [
      series({ times: [1000, 1000, 3000] }),
      series({ times: [3000, 2000, 1000] }),
      series({ mem: { ...mem(3), data: [1, 2] } }),
      series({ mem: noPtotal }),
      series({ mem: { ...mem(3), data: [1, 'x', 3] } }),
      series({ samples: 2 }),
      series({ times: Array.from({ length: MAX_SERIES_POINTS + 1 }, (_, i) => i), mem: mem(MAX_SERIES_POINTS + 1), samples: MAX_SERIES_POINTS + 1 }),
      series({ extra: true }),
      series({ key: '' }),
    ];
    for (const s of bad) expect(sreply({ ok: true, series: s }).ok, JSON.stringify(s).slice(0, 200)).toBe(false);
    expect(sreply({ ok: 'yes' }).ok).toBe(false);
  });
});

describe('the recording panel\u2019s messages', () => {
  const mem = Object.fromEntries(MEM_KEYS.map((k) => [k, [1, 2]]));
  it('lets the page ask for a group\u2019s series, and nothing malformed', () => {
    expect(parseRecordingViewMessage({ type: 'getSeries', key: 'node', from: null, to: null, points: 300 })).toEqual({ type: 'getSeries', key: 'node', from: null, to: null, points: 300 });
    for (const bad of [
      { type: 'getSeries', key: 'node', from: null, to: null },
      { type: 'getSeries', key: '', from: null, to: null, points: 300 },
      { type: 'getSeries', key: 'node', from: 5, to: 4, points: 300 },
      { type: 'getSeries', key: 'node', from: null, to: null, points: 1e9 },
      { type: 'getSeries', key: 'node', from: null, to: null, points: 300, path: '/etc/shadow' },
      { type: 'seek', at: 5, extra: 1 },
      { type: 'ready', x: 1 },
    ])
      expect(parseRecordingViewMessage(bad), JSON.stringify(bad)).toBeNull();
  });

  it('lets the host send a series and a moment with a process to select, and nothing malformed', () => {
    const s = { key: 'k', times: [1, 2], mem, samples: 2 };
    expect(parseRecordingHostMessage({ type: 'series', series: s, from: null, to: 2 })).not.toBeNull();
    expect(parseRecordingHostMessage({ type: 'series', series: { ...s, times: [2, 1] }, from: null, to: null })).toBeNull();
    expect(parseRecordingHostMessage({ type: 'series', series: s })).toBeNull();
    expect(parseRecordingHostMessage({ type: 'moment', at: 1, report: {}, focus: 5 })).toBeNull(); // (no report)
    expect(parseRecordingHostMessage({ type: 'problem', message: 'x', focus: 5 })).toBeNull();
  });
});
