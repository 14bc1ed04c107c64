// Which processes' page tables to walk this tick (smaps_rollup, smaps): the live view's
// cost follows what changed, not how many processes there are. Pure: the sampler feeds it
// whether the cheap counters (stat) moved and what each walk cost last time.

/** One process as the scheduler sees it. */
export interface WalkCandidate {
  pid: number;
  /** Never walked (new, or a reused pid): must be walked. */
  fresh: boolean;
  /** Its stat's memory fields changed since the last tick: it faulted, mapped, unmapped or lost pages (src/core/statmem.ts). */
  moved: boolean;
  /** It had moved at the tick before too (it keeps changing). */
  movedBefore?: boolean;
  /** When its figures were last read (ms epoch). */
  walkedAt: number;
  /** What its last walk took (ms); the estimate of the next one. */
  costMs: number;
}

export interface WalkPolicy {
  /** Page-walk time allowed per tick (ms); 0 = no limit: walk every process every tick. */
  budgetMs: number;
  /** No figure older than this (ms), whatever the budget. */
  maxAgeMs: number;
}

export const DEFAULT_WALK_BUDGET_MS = 10;
export const DEFAULT_MAX_AGE_SECONDS = 60;

/**
 * Whether a moved process is walked this tick. One whose walk fits in the budget, or that had
 * not moved the tick before, yes: a change shows at the next tick. One whose walk costs more
 * than the whole budget (a big process) and that keeps changing (a busy program with a big
 * address space) is walked when its figure is as many ticks old as its walk costs budgets:
 * it costs about one budget a tick, not its whole walk every tick.
 */
function movedDue(c: WalkCandidate, now: number, tickMs: number, budgetMs: number): boolean {
  return c.costMs <= budgetMs || !c.movedBefore || now - c.walkedAt + tickMs > (c.costMs / budgetMs) * tickMs;
}

/**
 * How many of the others (neither fresh nor moved) to refresh this tick. All of them when
 * their walks fit in what is left of the budget (a small machine is read whole every tick);
 * else only as many as refresh each once per maximum age, oldest first: walking more of
 * them sooner would spend the whole budget every tick on figures nothing says have changed.
 */
function refreshQuota(rest: readonly WalkCandidate[], tickMs: number, p: WalkPolicy, left: number): number {
  let all = 0;
  for (const c of rest) all += c.costMs;
  if (all <= left || tickMs <= 0) return rest.length;
  // Spread over the ticks before the bound: one due at age maxAge - tickMs is walked by the bound anyway.
  return Math.ceil((rest.length * tickMs) / Math.max(tickMs, p.maxAgeMs - tickMs));
}

/**
 * The pids to walk now, in pid order. Walked whatever the budget: fresh ones, moved ones that
 * are due (movedDue), and those whose figure would otherwise pass the maximum age by the next
 * tick. What those cost is taken from the budget; what is left refreshes the others (as many
 * as refreshQuota says), oldest first, skipping one that does not fit (a big process is then
 * refreshed by the age bound instead of holding up all the small ones behind it).
 */
export function chooseWalks(cands: readonly WalkCandidate[], now: number, tickMs: number, p: WalkPolicy): number[] {
  if (p.budgetMs <= 0) return cands.map((c) => c.pid).sort((a, b) => a - b);
  const chosen: number[] = [];
  const rest: WalkCandidate[] = [];
  let left = p.budgetMs;
  for (const c of cands) {
    // Refresh before the bound is passed: a figure of age a is a + tickMs old next tick.
    if (c.fresh || (c.moved && movedDue(c, now, tickMs, p.budgetMs)) || now - c.walkedAt + tickMs > p.maxAgeMs) {
      chosen.push(c.pid);
      left -= c.costMs;
    } else rest.push(c);
  }
  rest.sort((a, b) => a.walkedAt - b.walkedAt || a.pid - b.pid);
  let quota = refreshQuota(rest, tickMs, p, left);
  for (const c of rest) {
    if (left <= 0 || quota <= 0) break;
    if (c.costMs > left) continue;
    chosen.push(c.pid);
    left -= c.costMs;
    quota--;
  }
  return chosen.sort((a, b) => a - b);
}

/** What the walk budget weighs of a process the sampler keeps (its candidate is refilled each tick). */
export interface Walkable {
  cand: WalkCandidate;
  /** Read afresh this tick (new, or its program changed). */
  fresh: boolean;
  /** Its figures, if any were read, and in which mode. */
  mem: object | null;
  memDetail: boolean;
  moved: boolean;
  movedLast: boolean;
  walkedAt: number;
  walkMs: number;
}

/** chooseWalks over the sampler's processes: the pids to walk this tick, as a set. */
export function chooseEntryWalks(todo: readonly Walkable[], detail: boolean, now: number, tickMs: number, p: WalkPolicy): Set<number> {
  const cands: WalkCandidate[] = [];
  for (const e of todo) {
    const c = e.cand;
    c.fresh = e.fresh || e.mem === null || e.memDetail !== detail;
    c.moved = e.moved;
    c.movedBefore = e.movedLast;
    c.walkedAt = e.walkedAt;
    c.costMs = e.walkMs;
    cands.push(c);
  }
  return new Set(chooseWalks(cands, now, tickMs, p));
}
