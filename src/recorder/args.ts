// Options of `pmemstat record` and `pmemstat replay` (docs/recorder.md). Replay's report
// options are the live command's own (src/sampler/cliargs.ts), passed through.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseTime } from '../core/isotime';
import { UsageError } from '../cli/cliargs';

export interface RecordArgs {
  dir: string;
  intervalSecs: number;
  retainDays: number;
  /** MB; 0 = no cap. */
  maxSizeMb: number;
  /** A captured tree or loop to record instead of the live system (tests, demos). */
  root: string;
  fullEverySecs: number;
  thresholdKb: number;
  pressurePct: number;
  help: boolean;
}

export interface ReplayArgs {
  dir: string;
  at: number | null;
  from: number | null;
  to: number | null;
  events: boolean;
  /** The rest: the report options of the live command. */
  report: string[];
  help: boolean;
}

/** /var/lib/pmemstat as root; else $XDG_STATE_HOME/pmemstat (~/.local/state/pmemstat). */
export function defaultDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string {
  if (uid === 0) return '/var/lib/pmemstat';
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'state'), 'pmemstat');
}

export const RECORD_HELP = `usage: pmemstat record [--dir DIR] [--interval S] [--retain D] [--max-size MB]

Record every process's proportional memory until stopped (SIGTERM or SIGINT end
it cleanly), with the OOM kills, memory pressure, cgroups reaching their limit
and leak suspects (docs/recorder.md).

  --dir DIR          where the recording is (default /var/lib/pmemstat as root,
                     else $XDG_STATE_HOME/pmemstat); DIR/pmemstat.db is SQLite
  --interval S       seconds between samples (default 5)
  --retain D         keep D days (default 30; also 12h); every sample for 6 h,
                     then one a minute, after 7 days one every 10 minutes; the
                     10 minutes before each event keep every sample
  --max-size MB      drop the oldest first beyond MB (default: no cap)
  --threshold-kb N   write a process's figures only when one moved by more than
                     N KB or its CPU by half a point (default 0: every change,
                     so replays are exact)
  --full-every S     seconds between whole frames (default 600)
  --pressure PCT     PSI some avg10 that raises a pressure event (default 10)
  --root DIR         record a captured tree (DIR/0, DIR/1, … a captured loop)`;

export const REPLAY_HELP = `usage: pmemstat replay [--dir DIR] --at TIME [--json] [report options]
       pmemstat replay [--dir DIR] --from TIME [--to TIME] [--json] [report options]
       pmemstat replay [--dir DIR] --events [--from TIME] [--to TIME] [--json]

Print the report as it was at TIME: the nearest recorded sample at or before it,
with the report options of pmemstat (-g, -s, -u, -t, -/, --json, …). TIME is
ISO 8601 (2026-12-04T03:00, local time when no zone is given), or -10m, -2h, -1d.
--from on a terminal opens the window on the samples from TIME to --to (default
now): the live window's keys, and [ ] a sample back/forward, { } the previous/next
event, < > the first/last sample (? lists them). Off a terminal, or with -W or
--json, it prints every sample as the live loop prints them: the first whole,
then what changed.
--events lists what happened: OOM kills (with the victim's last figures),
memory pressure, cgroups at their limit, leak suspects.`;

function num(opt: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`option ${opt}: expected a number from ${min} to ${max}, got '${v}'`);
  return n;
}

/** Split `--opt=value` / `--opt value` forms; `take` gets each option of ours and returns false for others. */
function walk(argv: readonly string[], take: (name: string, value: () => string) => boolean): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) throw new UsageError(`option ${name}: expected a value`);
      return argv[++i];
    };
    if (!take(name, value)) rest.push(a);
  }
  return rest;
}

export function parseRecordArgs(argv: readonly string[]): RecordArgs {
  const o: RecordArgs = { dir: defaultDir(), intervalSecs: 5, retainDays: 30, maxSizeMb: 0, root: '/', fullEverySecs: 600, thresholdKb: 0, pressurePct: 10, help: false };
  const rest = walk(argv, (name, value) => {
    if (name === '--dir') o.dir = value();
    else if (name === '--interval') o.intervalSecs = num(name, value(), 0.1, 3600);
    else if (name === '--retain') {
      const v = value();
      const m = /^(\d+(?:\.\d+)?)([hd]?)$/.exec(v);
      if (!m || Number(m[1]) <= 0) throw new UsageError(`option --retain: expected days (30, 30d) or hours (12h), got '${v}'`);
      o.retainDays = m[2] === 'h' ? Number(m[1]) / 24 : Number(m[1]);
    } else if (name === '--max-size') o.maxSizeMb = num(name, value(), 1, 1e7);
    else if (name === '--root') o.root = value();
    else if (name === '--full-every') o.fullEverySecs = num(name, value(), 1, 86400);
    else if (name === '--threshold-kb') o.thresholdKb = num(name, value(), 0, 1e9);
    else if (name === '--pressure') o.pressurePct = num(name, value(), 0.01, 100);
    else if (name === '-h' || name === '--help') o.help = true;
    else return false;
    return true;
  });
  if (rest.length > 0) throw new UsageError(`record: unknown argument '${rest[0]}'`);
  return o;
}

export function parseReplayArgs(argv: readonly string[], now = Date.now()): ReplayArgs {
  const o: ReplayArgs = { dir: defaultDir(), at: null, from: null, to: null, events: false, report: [], help: false };
  const time = (name: string, v: string): number => {
    const t = parseTime(v, now);
    if (t === null) throw new UsageError(`option ${name}: expected an ISO 8601 time (2026-12-04T03:00, local unless a zone is given) or -10m/-2h/-1d, got '${v}'`);
    return t;
  };
  o.report = walk(argv, (name, value) => {
    if (name === '--dir') o.dir = value();
    else if (name === '--at') o.at = time(name, value());
    else if (name === '--from') o.from = time(name, value());
    else if (name === '--to') o.to = time(name, value());
    else if (name === '--events') o.events = true;
    else if (name === '-h' || name === '--help') o.help = true;
    else return false;
    return true;
  });
  if (!o.help && !o.events && o.at === null && o.from === null) throw new UsageError('replay: give --at TIME, --from TIME or --events');
  if (o.at !== null && o.from !== null) throw new UsageError('replay: --at or --from, not both');
  return o;
}
