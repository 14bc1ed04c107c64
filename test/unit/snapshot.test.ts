import { describe, expect, it } from 'vitest';
import { compareReports, compareText, signedKb } from '../../src/core/compare';
import { makeSnapshot, parseSnapshot, SNAPSHOT_SCHEMA, snapshotJson } from '../../src/shared/snapshot';
import { DEFAULT_PANEL_SETTINGS } from '../../src/shared/webviewProtocol';
import { baseProcs, proc, reporter } from './webview-fixtures';

const META = { mode: 'sudo-n', settings: { ...DEFAULT_PANEL_SETTINGS, groupBy: 'cmd' as const, units: 'KB' as const }, version: '1.2.3' };

describe('the snapshot file', () => {
  it('is a documented, versioned shape that reads back to the same sample', () => {
    const report = reporter()(baseProcs());
    const text = snapshotJson(report, META);
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['tool', 'kind', 'schema', 'version', 'time', 'mode', 'settings', 'report']);
    expect(raw).toMatchObject({ tool: 'pmemstat', kind: 'snapshot', schema: SNAPSHOT_SCHEMA, version: '1.2.3', time: '2026-01-01T12:00:00.000Z', mode: 'sudo-n' });
    const back = parseSnapshot(text);
    expect(back).toEqual({ ok: true, snapshot: makeSnapshot(report, META) });
    if (back.ok) {
      expect(back.snapshot.report).toEqual(report);
      expect(back.snapshot.settings.groupBy).toBe('cmd');
    }
  });

  it('reads files of the first release (no kind, no schema) as schema 1', () => {
    const report = reporter()(baseProcs());
    const legacy = JSON.stringify({ tool: 'pmemstat', version: '0.1.0', time: '2026-01-01T12:00:00.000Z', mode: 'user', settings: DEFAULT_PANEL_SETTINGS, report });
    const p = parseSnapshot(legacy);
    expect(p.ok && p.snapshot.schema).toBe(1);
    expect(p.ok && p.snapshot.mode).toBe('user');
  });

  it('refuses anything else with a clear one-line reason', () => {
    const report = reporter()(baseProcs());
    const err = (x: unknown) => {
      const p = parseSnapshot(typeof x === 'string' ? x : JSON.stringify(x));
      return p.ok ? 'accepted' : p.error;
    };
    expect(err('not json {')).toMatch(/^it is not JSON \(/);
    expect(err([1, 2])).toBe('it is not a pmemstat snapshot (no "tool": "pmemstat")');
    expect(err({ tool: 'smem', report })).toBe('it is not a pmemstat snapshot (no "tool": "pmemstat")');
    expect(err({ tool: 'pmemstat', kind: 'history', report })).toBe('it is a pmemstat "history" file, not a snapshot');
    expect(err({ tool: 'pmemstat', schema: 2, report })).toBe('it was written by a newer pmemstat (snapshot schema 2; this version reads up to 1)');
    expect(err({ tool: 'pmemstat', schema: 'one', report })).toBe('its "schema" is not a positive integer');
    expect(err({ tool: 'pmemstat', schema: 1 })).toBe('its "report" is not a pmemstat sample: report must be an object, not undefined');
    const rows = [...report.rows];
    rows[2] = { ...rows[2], mem: { ...rows[2].mem, ptotal: 'lots' as unknown as number } };
    expect(err({ tool: 'pmemstat', schema: 1, report: { ...report, rows } })).toBe(
      'its "report" is not a pmemstat sample: report.rows[2].mem.ptotal must be a finite number, not "lots"',
    );
    // Unknown or invalid settings fall back to the defaults; an unknown mode reads as unknown.
    const p = parseSnapshot(JSON.stringify({ tool: 'pmemstat', report, settings: { groupBy: 'nonsense' }, mode: 'wizard', time: 'yesterday' }));
    expect(p.ok && p.snapshot.settings).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(p.ok && p.snapshot.mode).toBeNull();
    expect(p.ok && p.snapshot.time).toBe('2026-01-01T12:00:00.000Z');
  });
});

describe('compare with a snapshot', () => {
  const next = reporter();
  const base = next(baseProcs());
  const procs = baseProcs()
    .filter((p) => p.pid !== 400) // sleep goes
    .map((p) => (p.pid === 100 ? proc(100, 'firefox', 1_100_000, p.cmd) : p.pid === 200 ? proc(200, 'code', 300_000, p.cmd) : p.pid === 300 ? proc(300, 'bash', 5_500, p.cmd) : p));
  procs.push(proc(500, 'vim', 20_000, 'vim notes.txt'), proc(501, 'vim', 10_000, 'vim b'));
  const now = next(procs);

  it('classifies every group: grown, shrunk, new, gone, unchanged under the threshold', () => {
    const r = compareReports(base, now, 1000);
    expect(r.rows.map((x) => [x.key, x.status, x.deltaKb, x.baseCount, x.nowCount])).toEqual([
      ['firefox', 'grown', 200_000, 3, 3],
      ['code', 'shrunk', -200_000, 2, 2],
      ['vim', 'new', 30_000, 0, 2],
      ['sleep', 'gone', -1_000, 1, 0],
      ['bash', 'same', 500, 1, 1],
    ]);
    expect(r.counts).toEqual({ grown: 1, shrunk: 1, new: 1, gone: 1, same: 1 });
    expect(r.total).toEqual({ baseKb: 2_006_000, nowKb: 2_035_500, baseProcs: 7, nowProcs: 8 });
    // A threshold of 0 counts any change.
    expect(compareReports(base, now, 0).rows.find((x) => x.key === 'bash')?.status).toBe('grown');
    // The vanished (x) rows of a report are not groups of it.
    expect(compareReports(now, now, 1000).counts).toEqual({ grown: 0, shrunk: 0, new: 0, gone: 0, same: 4 });
  });

  it('renders an aligned, plain-text view; process names cannot break lines', () => {
    const odd = reporter()([...baseProcs(), proc(600, 'evil\nname\u2028x', 50_000)]);
    const r = compareReports(base, odd, 1000);
    const text = compareText(r, { units: 'MB', heading: ['HEAD'], notes: ['a note'] });
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'HEAD',
      '',
      'NOTE: a note',
      '',
      'ptotal of all groups (MB): 1,959 -> 2,008 (+49); processes: 7 -> 8',
    ]);
    expect(lines).toContain('New (not in the snapshot): 1');
    expect(lines).toContain('  change MB  snapshot  now  procs  group');
    expect(lines).toContain('        +49         -   49   0->1  evil\\x0aname\\u2028x');
    const grown = compareText(compareReports(base, now, 1000), { units: 'KB', heading: [], notes: [] }).split('\n');
    const i = grown.indexOf('Grown: 1');
    expect(grown.slice(i, i + 3)).toEqual(['Grown: 1', '  change KB   snapshot        now  procs  group', '   +200,000  1,400,000  1,600,000   3->3  firefox']);
    expect(compareText(compareReports(base, base, 1000), { units: 'MB', heading: [], notes: [] })).toContain('Nothing changed beyond the threshold.');
  });

  it('signs figures that do not round to zero', () => {
    expect(signedKb(2048, 'MB')).toBe('+2');
    expect(signedKb(-2048, 'MB')).toBe('-2');
    expect(signedKb(-300, 'MB')).toBe('0');
    expect(signedKb(-300, 'KB')).toBe('-300');
    expect(signedKb(1536, 'human')).toBe('+1.5M');
  });
});
