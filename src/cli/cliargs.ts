// Command-line options of the `pmemstat` command (the original's, plus --json and --root).
import { leaderHelpText } from '../core/leaderHelp';
import { GROUP_BYS } from '../core/types';
import { isUnits } from '../core/units';
import { defaultEngineOptions, OptionError, pickEngineOptions, validEngineOptions, type EngineOptions } from '../shared/engineOptions';
import { mapsUnits } from '../core/maps';
import { PID_MAX_LIMIT } from '../shared/kill';
import { DEFAULT_PANEL_SETTINGS, type PanelSettings } from '../shared/options';
import { catalogueFlag, FlagError } from './catalogueFlags';

/**
 * The command line: the engine's options (the catalogue's names, src/shared/engineOptions.ts),
 * the view's (the panel's settings of the same names) and the command's own.
 */
export interface CliOptions extends EngineOptions, Pick<PanelSettings, 'topPct' | 'lineNumbers' | 'showUss' | 'showEpss'> {
  /** Seconds between reports; 0 = one report. */
  loopSeconds: number;
  runAsUser: boolean;
  /** -u was given (--maps shows KB otherwise: most mappings are smaller than 1 MB). */
  unitsChosen: boolean;
  json: boolean;
  /** On a terminal, open the live window (false: -W, print reports). */
  window: boolean;
  root: string;
  help: boolean;
  /** Print groups as they become leak suspects (with a loop). */
  leaks: boolean;
  /** --maps PID: print that process's mappings grouped by what they are, and exit. */
  maps: number | null;
  /** --cgroup PATH: print where that cgroup's memory goes (docs/cgroups.md), its limits and events. */
  cgroup: string | null;
}

export class UsageError extends Error {}

export const HELP = `usage: pmemstat [options] [pids-or-names ...]
       pmemstat metrics [options]   (a Prometheus exporter: pmemstat metrics --help)
       pmemstat record [options]    (the flight recorder: pmemstat record --help)
       pmemstat replay --at TIME    (a recorded moment: pmemstat replay --help)

Proportional (PSS) memory of Linux processes, grouped by application. In a
terminal it opens a live window (press ? there for its keys, q to quit).

positional arguments:
  pids-or-names          keep only these pids and exe names (as shown by -g exe);
                         none means every accessible process

options:
  -h, --help             show this help and exit
  -g, --groupby {exe,cmd,pid,unit,container,cgroup}
                         group rows by executable (default), command line, pid,
                         systemd unit, container (Docker, Podman, containerd,
                         CRI-O, Kubernetes; host processes as "host"), or raw
                         cgroup path; the last three show the kernel's figures
                         of each group's cgroup (docs/cgroups.md)
  -o, --others           detail mode: split "other" into shSYSV, shOth, stack and
                         text by reading every mapping of /proc/PID/smaps (slower;
                         in a loop only processes whose rollup changed are re-read)
  -u, --units {MB,mB,KB,human}
                         memory units: MB = 1024², mB = 1000², KB, or human
                         (K/M/G/T with one decimal); default MB
  -k, --min-delta-kb N   in a loop, how far a group's ptotal must move from the
                         value last reported for it to be shown again: N > 0
                         shows growth of at least N KB, N <= 0 any change of at
                         least |N| KB (default 100 with -u KB, else 1000)
  -l, --loop SECS        repeat every SECS seconds; after the first report only
                         new (A), changed (+NK/-NK) and vanished (x) groups print
                         (default 0: one report)
  -L, --cmdlen N         cut command lines to N characters (default 96)
  -t, --top-pct PCT      show the groups making up the top PCT% of the total
                         ptotal; the rest fold into one O row (default 100)
  -n, --numbers          number the rows
  -s, --sortby {mem,cpu,name}
                         sort by ptotal (default), CPU, or name; without a
                         loop, CPU since each process started (like ps)
  -/, --search TEXT      show only groups whose info or a process's command line
                         contains TEXT
  -R, --no-rise          do not raise new and changed groups to the top
  -C, --no-cpu           do not show the cpu% column (shown in a loop or -s cpu)
  -U, --run-as-user      do not re-run under sudo; only your own processes are
                         readable and the rest are counted as not accessible
  -W, --no-window        print reports instead of opening the live window (the
                         window opens only when stdin and stdout are a terminal;
                         --json, --leaks or output to a pipe or file print
                         reports too)
      --oom              add the oom column: /proc/PID/oom_score (a group's
                         highest), the process the kernel would kill first
      --uss              add the uss column (after ptotal)
      --epss             add the pss+swap column (after ptotal)
      --thp              add the thp column (transparent huge pages)
      --ksm              add the ksm column (KSM-merged pages, from ksm_stat)
      --json             print each sample as one JSON document per line
      --root DIR         read a captured tree DIR (DIR/proc/..., DIR/sys/...)
                         instead of the live system (implies -U); numbered
                         samples DIR/0, DIR/1, ... are replayed as a loop
      --leaks            with -l: print only the groups that become leak
                         suspects, as they are flagged: the processes present
                         through the last N samples grew in most of them (at
                         most a quarter shrank) by at least G KB (processes
                         joining or leaving a group are not growth)
      --leak-samples N   the window N (default 20)
      --leak-growth-kb G the growth G (default 1024)
      --walk-budget MS   in a loop, read every process's counters (stat)
                         but walk its page tables (smaps_rollup, smaps) only when
                         they moved, and the others oldest first within MS ms
                         per sample (default 10; 0 = walk every process every
                         sample); a figure from an earlier sample is counted in
                         the leader ("older than this tick"), --json gives asOf
      --max-age S        in a loop, no figure older than S seconds (default 60)
      --maps PID         print what the memory of process PID is made of: its
                         mappings grouped by what they are (heap, stack, anon,
                         each file or library, SysV and other shared memory,
                         [vdso]...) with Pss, Rss, private, shared, swap and
                         SwapPss, by Pss; the Pss add up to its detail ptotal
                         (in KB, as smaps prints them, unless -u is given)
      --cgroup PATH      print where the memory of cgroup PATH (as in
                         /proc/PID/cgroup, e.g. /system.slice/foo.service) goes:
                         the kernel's usage split into its members' pss, page
                         cache, shmem, kernel memory and the rest, with its
                         limits and memory events; with -l, a line per sample
                         and one per OOM kill (docs/cgroups.md)

Every option of the VS Code settings is also a long flag of the same name, in
kebab case (pmemstat.walkBudgetMs is --walk-budget-ms MS, pmemstat.showOom is
--show-oom and --no-show-oom): --group-by, --sort-by, --units, --detail,
--rise-to-top, --show-cpu, --show-oom, --show-uss, --show-epss, --line-numbers,
--cpu-avg-secs, --loop-seconds, --min-delta-kb, --top-pct, --walk-budget-ms,
--max-age-seconds, --leak-samples, --leak-min-growth-kb.

Columns (KB as the kernel prints them, shown in the chosen units):
  cpu%    CPU over a moving 20 s window, not normalised (4 busy CPUs = 400)
  pswap   proportional swap (SwapPss)
  other   shSYSV + shOth + stack + text (fast mode: Pss_File + Pss_Shmem)
  data    private writable memory (fast mode: Pss_Anon)
  ptotal  the sum of the columns (+ pswap when zRAM is active)
  uss     with --uss: Private_Clean + Private_Dirty, what only the process holds
          (freed if it exited)
  pss+swap with --epss: Pss + SwapPss whether zRAM is active or not (htop's EPSS)
  thp     with --thp: AnonHugePages, anonymous memory in transparent huge pages
  ksm     with --ksm: ksm_merging_pages x the page size (a group's sum)
  type    T total, A new group, +NK/-NK change since last shown, x vanished,
          O the groups folded by --top-pct or --search
  count   Nx processes, or the pid of a single-process group
  oom     (--oom) the kernel's oom_score, 0-1000 (a group's highest)
  cgroup  (-g unit|container|cgroup) the kernel's figures of the group's
          cgroup: usage/limit, peak, swap, PSI some avg10; "limit?" marks
          a group at 90% of its limit or more

Leader lines (the second: kernel-thread CPU, or the zRAM figures when zRAM is on):
${leaderHelpText(80).join('\n')}

Exit status: 0 on success, 2 on bad options, 3 on an unexpected error.
`;

export function defaultCliOptions(): CliOptions {
  const p = DEFAULT_PANEL_SETTINGS;
  return {
    ...defaultEngineOptions(),
    topPct: p.topPct,
    lineNumbers: p.lineNumbers,
    showUss: p.showUss,
    showEpss: p.showEpss,
    loopSeconds: 0,
    runAsUser: false,
    unitsChosen: false,
    json: false,
    window: true,
    root: '/',
    help: false,
    leaks: false,
    maps: null,
    cgroup: null,
  };
}

type ValueOpt = 'g' | 'k' | 'l' | 'L' | 't' | 'u' | 's' | '/' | 'root' | 'leak-samples' | 'leak-growth-kb' | 'walk-budget' | 'max-age' | 'maps' | 'cgroup';

const LONG: Record<string, string> = {
  help: 'h',
  groupby: 'g',
  'min-delta-kb': 'k',
  loop: 'l',
  cmdlen: 'L',
  'top-pct': 't',
  numbers: 'n',
  'run-as-user': 'U',
  others: 'o',
  units: 'u',
  'no-rise': 'R',
  sortby: 's',
  search: '/',
  'no-cpu': 'C',
  'no-window': 'W',
  debug: 'D',
  json: 'json',
  oom: 'oom',
  root: 'root',
  leaks: 'leaks',
  'leak-samples': 'leak-samples',
  'leak-growth-kb': 'leak-growth-kb',
  'walk-budget': 'walk-budget',
  'max-age': 'max-age',
  maps: 'maps',
  cgroup: 'cgroup',
  uss: 'uss',
  epss: 'epss',
  thp: 'thp',
  ksm: 'ksm',
};

const TAKES_VALUE = new Set<string>(['g', 'k', 'l', 'L', 't', 'u', 's', '/', 'root', 'leak-samples', 'leak-growth-kb', 'walk-budget', 'max-age', 'maps', 'cgroup']);

function num(opt: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`option -${opt}: invalid ${integer ? 'integer' : 'number'} value: '${v}'`);
  }
  return n;
}

function choice<T extends string>(opt: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`option -${opt}: invalid choice: '${v}' (choose from ${allowed.join(', ')})`);
  }
  return v as T;
}

function apply(o: CliOptions, opt: ValueOpt, v: string): void {
  switch (opt) {
    case 'g':
      o.groupBy = choice('g', v, GROUP_BYS);
      break;
    case 'k':
      o.minDeltaKb = num('k', v, true);
      break;
    case 'l':
      o.loopSeconds = num('l', v, false);
      if (o.loopSeconds < 0) throw new UsageError(`option -l: must be >= 0: '${v}'`);
      break;
    case 'L':
      o.cmdlen = num('L', v, true);
      if (o.cmdlen < 1) throw new UsageError(`option -L: must be >= 1: '${v}'`);
      break;
    case 't':
      o.topPct = num('t', v, false);
      if (o.topPct <= 0 || o.topPct > 100) throw new UsageError(`option -t: must be in (0, 100]: '${v}'`);
      break;
    case 'u':
      if (!isUnits(v)) throw new UsageError(`option -u: invalid choice: '${v}' (choose from MB, mB, KB, human)`);
      o.units = v;
      o.unitsChosen = true;
      break;
    case 's':
      o.sortBy = choice('s', v, ['mem', 'cpu', 'name'] as const);
      break;
    case '/':
      o.search = v;
      break;
    case 'root':
      o.root = v;
      o.runAsUser = true;
      break;
    case 'leak-samples':
      o.leakSamples = num('-leak-samples', v, true);
      if (o.leakSamples < 2) throw new UsageError(`option --leak-samples: must be >= 2: '${v}'`);
      break;
    case 'leak-growth-kb':
      o.leakMinGrowthKb = num('-leak-growth-kb', v, true);
      if (o.leakMinGrowthKb < 1) throw new UsageError(`option --leak-growth-kb: must be >= 1: '${v}'`);
      break;
    case 'walk-budget':
      o.walkBudgetMs = num('-walk-budget', v, false);
      if (o.walkBudgetMs < 0) throw new UsageError(`option --walk-budget: must be >= 0: '${v}'`);
      break;
    case 'max-age':
      o.maxAgeSeconds = num('-max-age', v, false);
      if (o.maxAgeSeconds < 1) throw new UsageError(`option --max-age: must be >= 1: '${v}'`);
      break;
    case 'maps':
      o.maps = num('-maps', v, true);
      if (o.maps < 1 || o.maps > PID_MAX_LIMIT) throw new UsageError(`option --maps: not a process id: '${v}'`);
      break;
    case 'cgroup':
      if (!v.startsWith('/') || v.includes('\0') || v.split('/').some((c) => c === '..' || c === '.')) {
        throw new UsageError(`option --cgroup: not a cgroup path (one starting with /, without . or ..): '${v}'`);
      }
      o.cgroup = v;
      break;
  }
}

/** The flags that add an optional column. */
const COLUMN_FLAGS = { oom: 'showOom', uss: 'showUss', epss: 'showEpss', thp: 'showThp', ksm: 'showKsm' } as const;

function flag(o: CliOptions, f: string): void {
  switch (f) {
    case 'h':
      o.help = true;
      break;
    case 'n':
      o.lineNumbers = true;
      break;
    case 'U':
      o.runAsUser = true;
      break;
    case 'o':
      o.detail = true;
      break;
    case 'R':
      o.riseToTop = false;
      break;
    case 'C':
      o.showCpu = false;
      break;
    case 'W':
      o.window = false;
      break;
    case 'D':
      break; // accepted for compatibility
    case 'json':
      o.json = true;
      break;
    case 'leaks':
      o.leaks = true;
      break;
    default:
      if (Object.hasOwn(COLUMN_FLAGS, f)) o[COLUMN_FLAGS[f as keyof typeof COLUMN_FLAGS]] = true;
      else throw new UsageError(`unknown option: -${f.length > 1 ? '-' : ''}${f}`);
  }
}

/** Parse argv (without node and script). Throws UsageError with a one-line message. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const o = defaultCliOptions();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const need = (opt: string): string => {
      if (i + 1 >= argv.length) throw new UsageError(`option -${opt.length > 1 ? '-' : ''}${opt}: expected a value`);
      return argv[++i];
    };
    if (a === '--') {
      o.filter.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const short = LONG[name];
      if (!short) {
        // The catalogue's names: --group-by exe, --show-oom, --no-rise-to-top, --walk-budget-ms 5 …
        let took: boolean;
        try {
          took = catalogueFlag(o, name, eq < 0 ? null : a.slice(eq + 1), () => need(name));
        } catch (e) {
          throw e instanceof FlagError ? new UsageError(e.message) : e;
        }
        if (took) continue;
        throw new UsageError(`unknown option: --${name}`);
      }
      if (TAKES_VALUE.has(short)) apply(o, short as ValueOpt, eq < 0 ? need(name) : a.slice(eq + 1));
      else if (eq >= 0) throw new UsageError(`option --${name}: takes no value`);
      else flag(o, short);
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      // Bundled short options: -nU, -uKB, -l2, -/text
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (TAKES_VALUE.has(c)) {
          apply(o, c as ValueOpt, j + 1 < a.length ? a.slice(j + 1) : need(c));
          break;
        }
        flag(o, c);
      }
      continue;
    }
    o.filter.push(a);
  }
  if (o.maps !== null && !o.unitsChosen) o.units = mapsUnits(o.units);
  if (o.leaks && !(o.loopSeconds > 0) && o.root === '/') throw new UsageError('--leaks needs a loop: add -l SECS');
  // The engine's options are checked here, against the catalogue, as everywhere else.
  try {
    validEngineOptions(engineOptionsOfCli(o), 'the options');
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
  return o;
}

/**
 * The engine's options of a command line: the same names; a loop's interval (0: one report)
 * sizes the history only, so it is brought into the catalogue's range.
 */
export function engineOptionsOfCli(o: CliOptions): EngineOptions {
  return { ...pickEngineOptions(o), loopSeconds: Math.min(3600, Math.max(0.5, o.loopSeconds || 1)) };
}
