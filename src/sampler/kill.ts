// Safe kill: a process is named by pid AND start time; the helper re-reads
// /proc/PID/stat right before every signal and refuses a reused pid, pid ≤ 1, kernel
// threads, itself and its ancestors. SIGTERM, re-check every 0.5 s, SIGKILL after
// about 6 s unless asked not to. The other signals a user may choose (src/shared/kill.ts)
// are sent once and never escalated. Nothing else in the helper sends a signal.
import { parsePidStat } from '../core/procfiles';
import { DEFAULT_KILL_SIGNAL, isKillPid, PID_MAX_LIMIT, type KillResult, type KillSignal, type KillTarget } from '../shared/protocol';
import { threadGroupOf } from '../proc/leader';
import { readText } from '../proc/readfile';

export interface KillOptions {
  /** SIGKILL what still runs after `termWaitMs` (default true; only SIGTERM escalates). */
  escalate: boolean;
  /** The signal to send (default SIGTERM). */
  signal?: KillSignal;
  termWaitMs?: number;
  killWaitMs?: number;
  pollMs?: number;
}

export const TERM_WAIT_MS = 6000;
export const KILL_WAIT_MS = 2000;
export const POLL_MS = 500;

/** What /proc says about a pid now. */
type ProcState =
  | { kind: 'absent' }
  | { kind: 'denied' }
  | { kind: 'present'; starttime: number; state: string; ppid: number; kthread: boolean }
  | { kind: 'thread'; tgid: number };

function readState(pid: number): ProcState {
  const r = readText(`/proc/${pid}/stat`);
  if (r.text === null) return r.code === 'EACCES' || r.code === 'EPERM' ? { kind: 'denied' } : { kind: 'absent' };
  const st = parsePidStat(r.text);
  if (!st || st.pid !== pid) return { kind: 'absent' };
  // A thread id has a stat of its own, and kill() of it signals its whole process.
  const tgid = threadGroupOf(pid);
  if (tgid !== null && tgid !== pid) return { kind: 'thread', tgid };
  return { kind: 'present', starttime: st.starttime, state: st.state, ppid: st.ppid, kthread: st.kthread };
}

/** Dead: not in /proc, a zombie (only waiting to be reaped), or another process under the pid. */
function isGone(s: ProcState, starttime: number): boolean {
  return s.kind === 'absent' || (s.kind === 'present' && (s.starttime !== starttime || s.state === 'Z' || s.state === 'X'));
}

/**
 * Why a pid may never be signalled, decided without any system call; null when it
 * may be considered. Only a positive integer pid from 2 to PID_MAX_LIMIT passes.
 */
export function staticRefusal(pid: unknown, selfPid: number, ancestors: ReadonlySet<number>): string | null {
  if (!isKillPid(pid)) return `not a process id that may be signalled: ${String(pid)}`;
  if (pid <= 1) return 'pid 1 (init) is never signalled';
  if (pid === selfPid) return 'the sampler helper does not signal itself';
  if (ancestors.has(pid)) return 'an ancestor of the sampler helper (e.g. sudo or the extension host) is never signalled';
  return null;
}

/** The helper's parent, grandparent, … up to (excluding) pid 1. */
export function ancestorsOf(pid: number): Set<number> {
  const out = new Set<number>();
  let cur = pid;
  for (let i = 0; i < 4096; i++) {
    const s = readState(cur);
    if (s.kind !== 'present' || s.ppid <= 1 || out.has(s.ppid)) break;
    out.add(s.ppid);
    cur = s.ppid;
  }
  if (pid === process.pid && process.ppid > 1) out.add(process.ppid);
  return out;
}

type SignalResult = 'sent' | 'gone' | 'not-permitted' | 'reused';

/**
 * The only place that calls kill(2). Re-asserts the pid's range (so a negative pid,
 * 0 or 1 — a process group or every process — can never reach the system call), then
 * re-reads the start time immediately before signalling.
 */
function signalVerified(pid: number, starttime: number, sig: KillSignal): SignalResult {
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid > PID_MAX_LIMIT) throw new RangeError(`refusing to signal pid ${pid}`);
  const s = readState(pid);
  if (s.kind === 'present' && s.starttime !== starttime) return 'reused';
  if (s.kind === 'thread') return 'reused';
  if (isGone(s, starttime)) return 'gone';
  try {
    process.kill(pid, sig);
    return 'sent';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'not-permitted';
    throw e;
  }
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

async function waitGone(pid: number, starttime: number, ms: number, pollMs: number): Promise<boolean> {
  return waitUntil((s) => isGone(s, starttime), pid, ms, pollMs);
}

/** Whether /proc says a stopped process (`T`; `t` is a tracer's stop): SIGSTOP took effect. */
const isStopped = (s: ProcState): boolean => s.kind === 'present' && (s.state === 'T' || s.state === 't');

async function waitUntil(test: (s: ProcState) => boolean, pid: number, ms: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (test(readState(pid))) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(pollMs, left));
  }
}

const NOT_PERMITTED = 'not permitted: the process belongs to another user (run pmemstat as root to kill it)';

async function killOne(t: KillTarget, o: Required<KillOptions>, selfPid: number, ancestors: ReadonlySet<number>): Promise<KillResult> {
  const { pid, starttime } = t;
  const refusal = staticRefusal(pid, selfPid, ancestors);
  if (refusal) return { pid, outcome: 'refused', message: refusal };
  const s = readState(pid);
  if (s.kind === 'denied') return { pid, outcome: 'not-permitted', message: 'its /proc entry is not readable' };
  if (s.kind === 'absent') return { pid, outcome: 'not-found', message: 'no such process' };
  if (s.kind === 'thread') return { pid, outcome: 'refused', message: `${pid} is a thread of process ${s.tgid}, not a process: not signalled` };
  if (s.starttime !== starttime) {
    return { pid, outcome: 'pid-reused', message: `pid ${pid} now belongs to another process (start time ${s.starttime}, not ${starttime}): not signalled` };
  }
  if (s.state === 'Z' || s.state === 'X') return { pid, outcome: 'gone', message: 'already exited' };
  // By its flags, in any PID namespace: neither pid 2 nor a parent of 2 nor an empty
  // command line marks a kernel thread (a container's first process is pid 2, and any
  // process can blank its own command line).
  if (s.kthread) return { pid, outcome: 'refused', message: 'a kernel thread is never signalled' };

  const sig = o.signal;
  const term = signalVerified(pid, starttime, sig);
  if (term === 'not-permitted') return { pid, outcome: 'not-permitted', message: NOT_PERMITTED };
  if (term === 'reused') return { pid, outcome: 'pid-reused', message: 'the pid was reused before the signal: not signalled' };
  if (term === 'gone') return { pid, outcome: 'gone', message: 'exited before the signal' };
  if (sig === 'SIGSTOP') {
    if (await waitUntil(isStopped, pid, o.killWaitMs, o.pollMs)) return { pid, outcome: 'stopped', signal: sig };
    if (await waitGone(pid, starttime, 0, o.pollMs)) return { pid, outcome: 'gone', signal: sig };
    return { pid, outcome: 'running', signal: sig, message: 'not stopped after SIGSTOP' };
  }
  if (sig === 'SIGCONT') {
    if (await waitUntil((s) => !isStopped(s), pid, o.killWaitMs, o.pollMs)) {
      return isGone(readState(pid), starttime) ? { pid, outcome: 'gone', signal: sig } : { pid, outcome: 'continued', signal: sig };
    }
    return { pid, outcome: 'running', signal: sig, message: 'still stopped after SIGCONT (stopped by a tracer?)' };
  }
  const waitMs = sig === 'SIGKILL' ? o.killWaitMs : o.termWaitMs;
  if (await waitGone(pid, starttime, waitMs, o.pollMs)) return { pid, outcome: 'gone', signal: sig };
  if (sig === 'SIGKILL') return { pid, outcome: 'running', signal: sig, message: 'still running after SIGKILL (uninterruptible sleep?)' };
  if (sig !== 'SIGTERM') {
    return { pid, outcome: 'running', signal: sig, message: `still running ${waitMs / 1000} s after ${sig} (only SIGTERM is escalated)` };
  }
  if (!o.escalate) {
    return { pid, outcome: 'running', signal: 'SIGTERM', message: `still running ${o.termWaitMs / 1000} s after SIGTERM (not escalated)` };
  }
  const kill = signalVerified(pid, starttime, 'SIGKILL');
  if (kill === 'gone' || kill === 'reused') return { pid, outcome: 'gone', signal: 'SIGTERM' };
  if (kill === 'not-permitted') return { pid, outcome: 'not-permitted', signal: 'SIGTERM', message: NOT_PERMITTED };
  if (await waitGone(pid, starttime, o.killWaitMs, o.pollMs)) return { pid, outcome: 'gone', signal: 'SIGKILL' };
  return { pid, outcome: 'running', signal: 'SIGKILL', message: 'still running after SIGKILL (uninterruptible sleep?)' };
}

/** Kill the targets concurrently; one result per target, in the targets' order. */
export async function killProcesses(targets: readonly KillTarget[], opts: KillOptions): Promise<KillResult[]> {
  const o: Required<KillOptions> = {
    termWaitMs: TERM_WAIT_MS,
    killWaitMs: KILL_WAIT_MS,
    pollMs: POLL_MS,
    ...opts,
    // A request without a signal (`signal: undefined` spread above) asks for SIGTERM.
    signal: opts.signal ?? DEFAULT_KILL_SIGNAL,
  };
  const ancestors = ancestorsOf(process.pid);
  return Promise.all(
    targets.map((t) =>
      killOne(t, o, process.pid, ancestors).catch((e: unknown): KillResult => ({
        pid: t.pid,
        outcome: 'running',
        message: `kill failed: ${e instanceof Error ? e.message : String(e)}`,
      })),
    ),
  );
}
