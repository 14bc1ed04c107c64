// Which page tables a tick walks: fresh processes always, moved ones when due (a big one that
// keeps moving as often as its cost allows), the others oldest first within the budget (all
// of them when they fit, else each once per maximum age), and none left past the maximum age.
import { describe, expect, it } from 'vitest';
import { chooseWalks, type WalkCandidate } from '../../src/core/walkbudget';

const NOW = 1_000_000;
const c = (pid: number, o: Partial<WalkCandidate> = {}): WalkCandidate => ({
  pid,
  fresh: false,
  moved: false,
  walkedAt: NOW - 1000,
  costMs: 1,
  ...o,
});
const policy = { budgetMs: 10, maxAgeMs: 60_000 };

describe('chooseWalks', () => {
  const cases: Array<{ name: string; cands: WalkCandidate[]; budgetMs?: number; tickMs?: number; want: number[] }> = [
    { name: 'nothing moved, budget covers all: all walked', cands: [c(1), c(2), c(3)], want: [1, 2, 3] },
    {
      name: 'budget 0 = no limit: every process, in pid order',
      cands: [c(9, { costMs: 50 }), c(3, { costMs: 50 })],
      budgetMs: 0,
      want: [3, 9],
    },
    {
      name: 'moved and fresh are walked although they exceed the budget; nothing else then',
      cands: [c(1, { moved: true, costMs: 8 }), c(2, { fresh: true, costMs: 0 }), c(3, { costMs: 5 }), c(4, { costMs: 1 })],
      want: [1, 2, 4],
    },
    {
      name: 'the rest oldest first while the budget lasts',
      cands: [c(1, { walkedAt: NOW - 3000, costMs: 4 }), c(2, { walkedAt: NOW - 9000, costMs: 4 }), c(3, { walkedAt: NOW - 5000, costMs: 4 })],
      tickMs: 30_000, // two ticks to the bound: all three are due within them
      want: [2, 3],
    },
    {
      name: 'one that does not fit is skipped, not a stop: smaller older ones still go',
      cands: [c(1, { walkedAt: NOW - 9000, costMs: 30 }), c(2, { walkedAt: NOW - 8000, costMs: 3 }), c(3, { walkedAt: NOW - 7000, costMs: 3 })],
      tickMs: 20_000,
      want: [2, 3],
    },
    {
      name: 'a figure that would pass the maximum age by the next tick is walked whatever the budget',
      cands: [c(1, { walkedAt: NOW - 59_500, costMs: 40 }), c(2, { walkedAt: NOW - 58_000, costMs: 40 })],
      tickMs: 1000,
      want: [1],
    },
    {
      name: 'equal ages: lower pid first',
      cands: [c(7, { costMs: 6 }), c(5, { costMs: 6 })],
      want: [5],
    },
    { name: 'moved costs eat the budget first', cands: [c(1, { moved: true, costMs: 10 }), c(2)], want: [1] },
    {
      name: 'a big process that moved after a quiet spell is walked the next tick, whatever its cost',
      cands: [c(1, { moved: true, costMs: 300, walkedAt: NOW - 1000 }), c(2, { costMs: 1 })],
      want: [1],
    },
    {
      name: 'a big process that moved again just after its walk waits as many ticks as its walk costs budgets; small moved ones do not',
      cands: [c(1, { moved: true, movedBefore: true, costMs: 40, walkedAt: NOW - 1000 }), c(2, { moved: true, movedBefore: true, costMs: 9, walkedAt: NOW - 1000 }), c(3, { costMs: 1 })],
      want: [2, 3],
    },
  ];
  for (const t of cases) {
    it(t.name, () => {
      expect(chooseWalks(t.cands, NOW, t.tickMs ?? 1000, { ...policy, budgetMs: t.budgetMs ?? policy.budgetMs })).toEqual(t.want);
    });
  }

  it('a big process that changes every tick costs about one budget a tick, not its walk; a small one is walked every tick', () => {
    const big = c(1, { moved: true, movedBefore: true, costMs: 40, walkedAt: NOW });
    const small = c(2, { moved: true, movedBefore: true, costMs: 2, walkedAt: NOW });
    const walks: number[] = [];
    for (let t = 1; t <= 40; t++) {
      const now = NOW + t * 1000;
      const walked = chooseWalks([big, small], now, 1000, policy);
      expect(walked).toContain(2);
      if (walked.includes(1)) {
        big.walkedAt = now;
        walks.push(t);
      }
      small.walkedAt = now;
    }
    expect(walks.length).toBe(10); // 40 ms a walk against a 10 ms budget: every 4th tick
    expect(walks.slice(0, 3)).toEqual([4, 8, 12]);
  });

  it('idle processes that do not all fit in the budget are refreshed once per maximum age, spread over the ticks', () => {
    // 2,000 idle processes of 0.05 ms: 100 ms in all against a 10 ms budget, all read at NOW.
    const cands = Array.from({ length: 2000 }, (_, i) => c(i + 1, { walkedAt: NOW, costMs: 0.05 }));
    const perTick: number[] = [];
    let worst = 0;
    for (let t = 1; t <= 180; t++) {
      const now = NOW + t * 1000;
      const walked = new Set(chooseWalks(cands, now, 1000, policy));
      perTick.push(walked.size);
      for (const x of cands) {
        if (walked.has(x.pid)) x.walkedAt = now;
        worst = Math.max(worst, now - x.walkedAt);
      }
    }
    // ceil(2000 / 59) a tick, not the 200 the budget would allow: each once in 59 s.
    expect(Math.max(...perTick)).toBe(34);
    expect(perTick.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual((180 / 59 + 1) * 2000);
    expect(worst).toBeLessThanOrEqual(60_000);
  });

  it('over many ticks no idle figure gets older than the bound, however small the budget', () => {
    // 50 idle processes of 5 ms each, 1 ms budget: only the age bound refreshes them.
    const cands = Array.from({ length: 50 }, (_, i) => c(i + 1, { walkedAt: NOW, costMs: 5 }));
    let worst = 0;
    for (let t = 1; t <= 200; t++) {
      const now = NOW + t * 1000;
      const walked = new Set(chooseWalks(cands, now, 1000, { budgetMs: 1, maxAgeMs: 10_000 }));
      for (const x of cands) {
        if (walked.has(x.pid)) x.walkedAt = now;
        worst = Math.max(worst, now - x.walkedAt);
      }
    }
    expect(worst).toBeLessThanOrEqual(10_000);
    expect(worst).toBeGreaterThan(5_000); // and the budget did hold them back
  });
});
