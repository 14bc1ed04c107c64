// The kill vocabulary, one for every end: the webview and the terminal window ask for targets,
// the host and the window plan and confirm (killPlan.ts), the helper signals (src/sampler/kill.ts) and answers
// with results, and the host and the webview summarise them with killSummary.
// Pure and browser-safe.
import { arrayOf, describe, int, isInt, object, oneOf, str, type Check } from './validate';

/** The kernel's PID_MAX_LIMIT on 64-bit (2^22): no pid is larger. */
export const PID_MAX_LIMIT = 4_194_304;
/** At most this many processes in one kill request. */
export const MAX_KILL_TARGETS = 4096;

/** A process named by pid AND start time (field 22 of /proc/PID/stat), so a reused pid is refused. */
export interface KillTarget {
  pid: number;
  starttime: number;
}

export type KillOutcome = 'gone' | 'running' | 'not-permitted' | 'not-found' | 'pid-reused' | 'refused';
export const KILL_OUTCOMES: readonly KillOutcome[] = ['gone', 'running', 'not-permitted', 'not-found', 'pid-reused', 'refused'];
export type KillSignal = 'SIGTERM' | 'SIGKILL';

export interface KillResult {
  pid: number;
  outcome: KillOutcome;
  /** The last signal sent (absent when none was). */
  signal?: KillSignal;
  message?: string;
}

/** What can name a process to kill: nothing else ever reaches kill(2) (no 0, no negatives). */
export function isKillPid(v: unknown): v is number {
  return isInt(v) && v >= 1 && v <= PID_MAX_LIMIT;
}

export const checkKillTarget: Check = object(
  {
    pid: (v, path) =>
      isKillPid(v) ? null : `${path} must be a process id (an integer from 1 to ${PID_MAX_LIMIT}), not ${describe(v)}`,
    starttime: int(0, Number.MAX_SAFE_INTEGER),
  } satisfies Record<keyof KillTarget, Check>,
  true,
);

/** At most MAX_KILL_TARGETS targets; with `once`, each pid listed once; with `nonEmpty`, at least one. */
export function killTargetsCheck(opts: { once: boolean; nonEmpty: boolean }): Check {
  const list = arrayOf(checkKillTarget, MAX_KILL_TARGETS);
  return (v, path) => {
    const e = list(v, path);
    if (e) return e;
    const targets = v as KillTarget[];
    if (opts.nonEmpty && targets.length === 0) return `${path} is empty`;
    if (!opts.once) return null;
    const seen = new Set<number>();
    for (const [i, t] of targets.entries()) {
      if (seen.has(t.pid)) return `${path}[${i}].pid ${t.pid} is listed twice`;
      seen.add(t.pid);
    }
    return null;
  };
}

export const checkKillResult: Check = object(
  {
    pid: int(0, Number.MAX_SAFE_INTEGER),
    outcome: oneOf(KILL_OUTCOMES),
    signal: oneOf<KillSignal>(['SIGTERM', 'SIGKILL']),
    message: str,
  } satisfies Record<keyof KillResult, Check>,
  false,
  ['signal', 'message'],
);

const WHY: Record<KillOutcome, string> = {
  gone: 'gone',
  running: 'still running',
  'not-permitted': 'not permitted (another user\u2019s process: run as root)',
  'not-found': 'already gone',
  'pid-reused': 'pid reused by another process: not signalled',
  refused: 'refused',
};

export interface KillSummary {
  /** Everything asked for is gone. */
  ok: boolean;
  /** Some failed for lack of permission (offer "Run as Root…"). */
  needsRoot: boolean;
  /** `gone: 1, 2; 3 still running — why`; empty when there are no results. */
  text: string;
}

/** What became of a kill request, in one line (the host's notification, the webview's status). */
export function killSummary(results: readonly KillResult[]): KillSummary {
  const gone = results.filter((r) => r.outcome === 'gone');
  const left = results.filter((r) => r.outcome !== 'gone');
  const parts: string[] = [];
  if (gone.length) parts.push(`gone: ${gone.map((r) => r.pid).join(', ')}`);
  for (const r of left) parts.push(`${r.pid} ${WHY[r.outcome]}${r.message ? ` \u2014 ${r.message}` : ''}`);
  return {
    ok: left.every((r) => r.outcome === 'not-found'),
    needsRoot: left.some((r) => r.outcome === 'not-permitted'),
    text: parts.join('; '),
  };
}

/** A kill's outcome as one message (the host's notification and log, the terminal window's status line). */
export function killNotice(summary: string): string {
  return `pmemstat kill: ${summary || 'nothing to do'}`;
}
