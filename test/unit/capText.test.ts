// The caps on process-chosen strings (capText.ts) and the bound on a whole report's text
// (replyBound.ts): pure functions, on strings as printable() leaves them.
import { describe, expect, it } from 'vitest';
import { capText, CUT_MARK, TEXT_CAP } from '../../src/core/capText';
import { printable } from '../../src/core/printable';
import { boundReport } from '../../src/core/replyBound';
import { reportOptions } from '../../src/shared/engineOptions';
import { zeroMem, type GroupRow, type Report } from '../../src/core/types';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('capText', () => {
  it('leaves a text that fits as it is, and marks a head that was read short', () => {
    expect(capText('python3 -m http.server', TEXT_CAP.cmd)).toBe('python3 -m http.server');
    expect(capText('python3 -m http.ser', TEXT_CAP.cmd, true)).toBe(`python3 -m http.ser${CUT_MARK}`);
  });

  it('cuts 1.5 MB of escaped control bytes to the cap, ending in the mark, never inside an escape', () => {
    const escaped = printable('\x01'.repeat(1_500_000));
    expect(escaped.length).toBe(6_000_000);
    const c = capText(escaped, TEXT_CAP.cmd);
    expect(bytes(c)).toBeLessThanOrEqual(TEXT_CAP.cmd);
    expect(c.endsWith(`\\x01${CUT_MARK}`)).toBe(true);
    expect(c.slice(0, -CUT_MARK.length)).toMatch(/^(\\x01)+$/);
  });

  it('counts UTF-8 bytes and never splits a character', () => {
    for (const ch of ['é', '漢', '😀']) {
      const c = capText(ch.repeat(5000), 100);
      expect(bytes(c)).toBeLessThanOrEqual(100);
      expect(c.slice(0, -CUT_MARK.length)).toMatch(new RegExp(`^(${ch})+$`, 'u'));
    }
  });
});

function row(key: string, cmds: string[]): GroupRow {
  return { key, info: key, type: '', delta: 0, mem: zeroMem(), cpu: 0, count: cmds.length, pid: null, members: cmds.map((cmd, i) => ({ pid: i + 2, starttime: 1, cmd, mem: zeroMem(), cpu: 0 })) };
}

describe('boundReport', () => {
  const report = (rows: GroupRow[]): Report => ({ options: reportOptions(), leader: {} as Report['leader'], detail: false, total: row('TOTALS', []), rows });

  it('returns an ordinary report untouched', () => {
    const r = report([row('bash', ['bash', 'bash -l'])]);
    expect(boundReport(r, 1 << 20)).toBe(r);
  });

  it('cuts every text to an equal share when the texts could pass the budget, keeping the figures', () => {
    const long = '漢'.repeat(600);
    const r = report(Array.from({ length: 100 }, (_, i) => row(`k${i}${long}`, [long, long])));
    const budget = 64 * 1024;
    const b = boundReport(r, budget);
    expect(bytes(JSON.stringify(b.rows)) - bytes(JSON.stringify(report(r.rows.map(() => row('', ['', '']))).rows))).toBeLessThanOrEqual(budget);
    expect(b.rows).toHaveLength(100);
    expect(b.rows[0].members[0].cmd.endsWith(CUT_MARK)).toBe(true);
    expect(b.rows[0].members.map((m) => m.pid)).toEqual([2, 3]);
    expect(new Set(b.rows.map((x) => x.key)).size).toBe(100);
  });
});
