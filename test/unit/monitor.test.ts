// The engine (src/engine/monitor.ts) on captured trees: one option object checked once against the
// catalogue, Reports that carry their options, a replay of a captured loop, history and leak
// verdicts kept per group.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayRoots } from '../../src/cli/cli';
import { parseCliArgs } from '../../src/cli/cliargs';
import { Monitor } from '../../src/engine/monitor';
import { defaultEngineOptions, OptionError } from '../../src/shared/engineOptions';
import { HOST_SETTINGS, PANEL_OPTIONS } from '../../src/shared/options';

const FIX = join(__dirname, '..', '..', 'fixtures');
const LOOP_A = replayRoots(join(FIX, 'loop-a'));

describe('Monitor', () => {
  it('takes its defaults from the option catalogue', () => {
    const d = defaultEngineOptions();
    expect(d.groupBy).toBe(PANEL_OPTIONS.groupBy.default);
    expect(d.cpuAvgSecs).toBe(PANEL_OPTIONS.cpuAvgSecs.default);
    expect(d.walkBudgetMs).toBe(HOST_SETTINGS.walkBudgetMs.default);
    expect(d.maxAgeSeconds).toBe(HOST_SETTINGS.maxAgeSeconds.default);
    expect(d.leakSamples).toBe(HOST_SETTINGS.leakSamples.default);
    expect(d.leakMinGrowthKb).toBe(HOST_SETTINGS.leakMinGrowthKb.default);
    expect(new Monitor({}, { roots: LOOP_A, workers: 0 }).options).toEqual(d);
  });

  it('refuses a bad option with an error naming it, and keeps the options it had', () => {
    const m = new Monitor({ groupBy: 'pid' }, { roots: LOOP_A, workers: 0 });
    expect(() => m.configure({ groupBy: 'user' as never })).toThrow(OptionError);
    expect(() => m.configure({ cpuAvgSecs: 7 })).toThrow(/cpuAvgSecs must be one of 5, 10, 20, 45, 90/);
    expect(() => m.configure({ walkBudgetMs: -1 })).toThrow(/walkBudgetMs/);
    expect(() => m.configure({ nonsense: 1 } as never)).toThrow(/unknown field "nonsense"/);
    expect(() => new Monitor({ leakSamples: 1 }, { roots: LOOP_A })).toThrow(/leakSamples/);
    expect(m.options.groupBy).toBe('pid');
    expect(m.configure({ groupBy: 'cmd', cmdlen: 12 }).cmdlen).toBe(12);
  });

  it('replays a captured loop, one tree a tick; each Report carries its options; a regrouping starts the baselines anew', async () => {
    const m = new Monitor({ groupBy: 'exe', minDeltaKb: 0 }, { roots: LOOP_A, workers: 0 });
    expect(m.latest()).toBeUndefined();
    const first = await m.tick();
    expect(first.options).toEqual({ groupBy: 'exe', sortBy: 'mem', minDeltaKb: 0, riseToTop: true, cmdlen: 96, search: '' });
    expect(first.rows.every((r) => r.type === 'A')).toBe(true);
    const second = await m.tick();
    expect(m.latest()).toBe(second);
    const before = new Set(first.rows.map((r) => r.key));
    const kept = second.rows.filter((r) => before.has(r.key));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((r) => r.type === 'A')).toEqual([]); // a group seen before is not new
    m.configure({ groupBy: 'pid' });
    const third = await m.tick();
    expect(third.options.groupBy).toBe('pid');
    expect(third.rows.filter((r) => r.type !== 'x').every((r) => r.type === 'A' && r.key === String(r.pid))).toBe(true);
    expect(m.ended).toBe(true);
    // The history follows the grouping: every group of the newest report has a series.
    for (const r of third.rows.filter((x) => x.type !== 'x')) expect(m.history?.series(r.key).values.length, r.key).toBeGreaterThan(0);
    expect(m.leakOf(third.rows[0].key)).toMatchObject({ suspect: false });
    m.close();
  });

  it('the helper keeps no history (history: false): no verdicts, no suspects', async () => {
    const m = new Monitor({}, { roots: [LOOP_A[0]], workers: 0, history: false });
    const r = await m.tick();
    expect(m.history).toBeNull();
    expect(m.leakOf(r.rows[0].key)).toBeUndefined();
    expect(m.newSuspects()).toEqual([]);
  });
});

describe('one name per option', () => {
  it('the CLI takes every catalogue option as a long flag of the same name (kebab case)', () => {
    const o = parseCliArgs(['--group-by', 'cgroup', '--walk-budget-ms', '2.5', '--max-age-seconds', '30', '--no-rise-to-top', '--show-oom', '--leak-min-growth-kb', '4096', '--cpu-avg-secs', '45']);
    expect(o).toMatchObject({ groupBy: 'cgroup', walkBudgetMs: 2.5, maxAgeSeconds: 30, riseToTop: false, showOom: true, leakMinGrowthKb: 4096, cpuAvgSecs: 45 });
    // The original's flags set the same fields.
    expect(parseCliArgs(['-g', 'cgroup', '--walk-budget', '2.5', '--max-age', '30', '-R', '--oom', '--leak-growth-kb', '4096'])).toMatchObject({
      groupBy: 'cgroup',
      walkBudgetMs: 2.5,
      maxAgeSeconds: 30,
      riseToTop: false,
      showOom: true,
      leakMinGrowthKb: 4096,
    });
    expect(() => parseCliArgs(['--cpu-avg-secs', '7'])).toThrow(/--cpu-avg-secs: invalid value: '7'/);
    expect(() => parseCliArgs(['--no-group-by'])).toThrow(/unknown option/);
    expect(() => parseCliArgs(['--show-oom=yes'])).toThrow(/takes no value/);
  });
});
