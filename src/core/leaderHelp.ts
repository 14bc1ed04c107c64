// What each figure of the leader lines means, in one place: `--help` prints it, the panel
// shows it as the tooltip of each figure, and docs/columns.md says the same in prose.
import type { NamedPid } from './types';

export type LeaderFigure =
  | 'time'
  | 'tot'
  | 'used'
  | 'avail'
  | 'oth'
  | 'shTmp'
  | 'dirty'
  | 'pids'
  | 'inaccessible'
  | 'search'
  | 'psi'
  | 'stale'
  | 'kerCpu'
  | 'kthread'
  | 'majf'
  | 'zram'
  | 'cr'
  | 'eTot'
  | 'eUsed'
  | 'eAvail';

export interface LeaderHelp {
  /** How the figure reads in the leader. */
  label: string;
  /** One line saying what it is and where it comes from. */
  help: string;
}

/** In the order of the leader lines. */
export const LEADER_HELP: { readonly [F in LeaderFigure]: LeaderHelp } = {
  time: { label: 'HH:MM:SS', help: 'when the sample was taken' },
  tot: { label: 'Tot', help: 'RAM the kernel manages (MemTotal)' },
  used: { label: 'Used', help: 'MemTotal − MemAvailable; = ΣPSS of the processes read + Sh+Tmp + Oth' },
  avail: { label: 'Avail', help: 'what programs can still get without swapping: free plus reclaimable cache (MemAvailable)' },
  oth: {
    label: 'Oth',
    help: 'used memory in no process row and not in Sh+Tmp: the kernel (slab, page tables, buffers) and processes not read; Used − ΣPSS − Sh+Tmp, not below 0',
  },
  shTmp: {
    label: 'Sh+Tmp',
    help: 'shared memory no process read maps: files in tmpfs and /dev/shm, SysV segments, memfds; Shmem − ΣPss_Shmem, not below 0 (mapped shared memory is in the PSS of the processes mapping it)',
  },
  dirty: { label: 'Dirty', help: 'file data written but not yet on disk (Dirty)' },
  pids: { label: 'PIDs=a/b', help: 'a: processes in the rows shown; b: all user processes (kernel threads and zombies left out)' },
  inaccessible: {
    label: '[N not accessible]',
    help: "processes whose memory could not be read (other users' without root): never counted as 0, left out of every figure",
  },
  search: { label: '/text/', help: 'the search: only rows whose key/info or a process\'s command line contains it are shown, the rest are summed in the O row' },
  psi: {
    label: 'PSI some/full',
    help: 'memory pressure (/proc/pressure/memory, avg10): % of the last 10 s in which some task, and all tasks at once, stalled waiting for memory; absent without PSI',
  },
  stale: {
    label: '[N older than this tick]',
    help: 'processes whose figures were read at an earlier tick: the walk budget (--walk-budget MS; in VS Code pmemstat.walkBudgetMs) left them for later; the panel shows their figures in italics',
  },
  kerCpu: { label: '%/ker', help: 'CPU of all kernel threads together, in % of one CPU, over the cpu% window' },
  kthread: { label: 'name=N%', help: 'the busiest kernel threads and their CPU%' },
  majf: { label: 'MajF/s', help: 'major page faults per second: pages that had to be read from disk or swap (high = memory pressure)' },
  zram: { label: 'zRAM', help: 'RAM the zram swap devices use for their compressed pages' },
  cr: { label: 'CR', help: 'zRAM compression ratio: original ÷ compressed size' },
  eTot: { label: 'eTot', help: 'effective total: RAM as zRAM stretches it at this ratio (projected, capped by the device size), and % of Tot' },
  eUsed: { label: 'eUsed', help: 'effective used: Used with the swapped-out data counted at its original size, and % of Tot' },
  eAvail: { label: 'eAvail', help: 'effective available: eTot − eUsed, and % of Tot' },
};

/** The leader's figures for `--help`: one "label  meaning" line each, wrapped at `width`. */
export function leaderHelpText(width = 80): string[] {
  const labelWidth = Math.max(...Object.values(LEADER_HELP).map((h) => h.label.length)) + 2;
  const lines: string[] = [];
  for (const { label, help } of Object.values(LEADER_HELP)) {
    let line = `  ${label.padEnd(labelWidth)}`;
    for (const word of help.split(' ')) {
      if (line.length + 1 + word.length > width && line.trim().length > label.length) {
        lines.push(line.trimEnd());
        line = ' '.repeat(labelWidth + 2);
      }
      line += (line.endsWith(' ') ? '' : ' ') + word;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** At most this many names in a tooltip (the --json report carries up to MAX_NAMED_INACCESSIBLE). */
const TOOLTIP_NAMES = 20;

/** The processes that could not be read, one "pid name" a line, and how many more. */
export function inaccessibleList(total: number, named: readonly NamedPid[] | undefined): string[] {
  const list = (named ?? []).slice(0, TOOLTIP_NAMES).map((p) => `${p.pid} ${p.name}`);
  const more = total - list.length;
  if (more > 0) list.push(`and ${more} more`);
  return list;
}
