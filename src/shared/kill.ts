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

/** `stopped`/`continued`: what SIGSTOP/SIGCONT asked for happened (the process runs on, as asked). */
export type KillOutcome = 'gone' | 'running' | 'not-permitted' | 'not-found' | 'pid-reused' | 'refused' | 'stopped' | 'continued';
export const KILL_OUTCOMES: readonly KillOutcome[] = [
  'gone',
  'running',
  'not-permitted',
  'not-found',
  'pid-reused',
  'refused',
  'stopped',
  'continued',
];

/**
 * The signals a user may choose in the confirmation. Only SIGTERM escalates (to SIGKILL after
 * about 6 s): INT and HUP are requests a program may handle and outlive on purpose (a shell,
 * a daemon re-reading its configuration), STOP and CONT do not end a process at all.
 */
export const KILL_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL', 'SIGSTOP', 'SIGCONT'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];
export const DEFAULT_KILL_SIGNAL: KillSignal = 'SIGTERM';

/** The confirmation's button for each signal; SIGTERM's stays `Kill` (today's kill, escalating). */
export const SIGNAL_BUTTONS: Readonly<Record<KillSignal, string>> = {
  SIGTERM: 'Kill',
  SIGINT: 'Interrupt (INT)',
  SIGHUP: 'Hang Up (HUP)',
  SIGKILL: 'Kill Now (KILL)',
  SIGSTOP: 'Stop (STOP)',
  SIGCONT: 'Continue (CONT)',
};

/** What sending a signal does, as the confirmation says it. */
export function signalEffect(sig: KillSignal): string {
  switch (sig) {
    case 'SIGTERM':
      return 'SIGTERM first; SIGKILL after about 6 s for what still runs.';
    case 'SIGINT':
    case 'SIGHUP':
      return `${sig} only (it is not escalated to SIGKILL: a program may handle it and go on).`;
    case 'SIGKILL':
      return 'SIGKILL at once: no chance to clean up.';
    case 'SIGSTOP':
      return 'SIGSTOP: the processes are frozen (their memory stays) until SIGCONT.';
    case 'SIGCONT':
      return 'SIGCONT: stopped processes run on.';
  }
}

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
    signal: oneOf<KillSignal>(KILL_SIGNALS),
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
  stopped: 'stopped',
  continued: 'continued',
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
    ok: left.every((r) => r.outcome === 'not-found' || r.outcome === 'stopped' || r.outcome === 'continued'),
    needsRoot: left.some((r) => r.outcome === 'not-permitted'),
    text: parts.join('; '),
  };
}

/** A kill's outcome as one message (the host's notification and log, the terminal window's status line). */
export function killNotice(summary: string): string {
  return `pmemstat kill: ${summary || 'nothing to do'}`;
}
