import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => import('./vscode-stub'));

import { csvField, snapshotCsv } from '../../src/host/exportSnapshot';
import { confirmText, planKill } from '../../src/shared/killPlan';
import { killSummary } from '../../src/shared/kill';
import { panelHtml } from '../../src/host/panel';
import { proc, reporter } from './webview-fixtures';

describe('kill plan', () => {
  const report = reporter()([proc(100, 'a', 10, 'a --x'), proc(101, 'a', 10, 'a --y'), proc(200, 'b', 10, 'b\n--evil')]);
  it('takes command lines from the host report, refuses protected and unknown pids', () => {
    const plan = planKill(
      [
        { pid: 100, starttime: 1000 },
        { pid: 100, starttime: 1000 },
        { pid: 200, starttime: 2000 },
        { pid: 0, starttime: 0 },
        { pid: 777, starttime: 5 },
        { pid: 101, starttime: 1 },
      ],
      report,
      [777],
    );
    expect(plan.valid).toEqual([
      { pid: 100, starttime: 1000, cmd: 'a --x' },
      { pid: 200, starttime: 2000, cmd: 'b\n--evil' },
    ]);
    expect(plan.refused.map((r) => [r.pid, r.outcome])).toEqual([
      [0, 'refused'],
      [777, 'refused'],
      [101, 'pid-reused'],
    ]);
    const { message, detail } = confirmText(plan);
    expect(message).toBe('Kill these 2 processes?');
    expect(detail.split('\n').slice(0, 2)).toEqual(['100  a --x', '200  b\\x0a--evil']); // one line per process
  });
  it('summarises outcomes', () => {
    expect(killSummary([{ pid: 1, outcome: 'gone' }])).toEqual({ ok: true, needsRoot: false, text: 'gone: 1' });
    expect(killSummary([])).toEqual({ ok: true, needsRoot: false, text: '' });
    expect(killSummary([{ pid: 4, outcome: 'not-found' }])).toMatchObject({ ok: true, text: '4 already gone' });
    const s = killSummary([{ pid: 1, outcome: 'gone' }, { pid: 2, outcome: 'not-permitted', message: 'EPERM' }, { pid: 3, outcome: 'running' }]);
    expect(s.ok).toBe(false);
    expect(s.needsRoot).toBe(true);
    expect(s.text).toContain('2 not permitted');
    expect(s.text).toBe('gone: 1; 2 not permitted (another user\u2019s process: run as root) \u2014 EPERM; 3 still running');
  });
});

describe('export', () => {
  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-rf')).toBe("'-rf");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
  it('a vanished group has no process lines', () => {
    const next = reporter();
    next([proc(1, 'a', 10), proc(2, 'b', 10)]);
    const csv = snapshotCsv(next([proc(1, 'a', 10)])).trim().split('\r\n');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['total,total', 'group,vanished', 'group,', 'process,']);
  });
});

describe('panel html', () => {
  it('escapes what it interpolates', () => {
    const html = panelHtml({ cspSource: 'https://x', nonce: 'abc', scriptUri: 'https://x/a"b.js', styleUri: 'https://x/s.css' });
    expect(html).toContain('src="https://x/a&quot;b.js"');
    expect(html).toContain("script-src 'nonce-abc'");
  });
});
