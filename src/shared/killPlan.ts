// The kill flow's decisions: which of the requested processes may be asked about, and what
// the confirmation says (the result is summarised by kill.ts). Pure: the host's
// killDialogs.ts and the terminal window (src/tui/model.ts) show it and carry it out.
import { printable } from '../core/printable';
import type { Report } from '../core/types';
import type { KillResult, KillTarget } from './kill';

export interface KillPlan {
  /** The targets to ask the helper about, each with its command line from the host's report. */
  valid: Array<KillTarget & { cmd: string }>;
  refused: KillResult[];
}

const CMD_MAX = 160;
const LIST_MAX = 30;

/**
 * Match the webview's targets against the last report (the host names processes from its
 * own data, not from the webview's), and refuse pid ≤ 1, the extension host, the helper,
 * and anything not in the report with that start time.
 */
export function planKill(targets: readonly KillTarget[], report: Report | null, protectedPids: readonly number[]): KillPlan {
  const known = new Map<string, string>();
  const pids = new Set<number>();
  for (const r of report?.rows ?? []) {
    if (r.type === 'x') continue;
    for (const m of r.members) {
      known.set(`${m.pid}:${m.starttime}`, m.cmd);
      pids.add(m.pid);
    }
  }
  const plan: KillPlan = { valid: [], refused: [] };
  const seen = new Set<number>();
  for (const t of targets) {
    if (seen.has(t.pid)) continue;
    seen.add(t.pid);
    if (t.pid <= 1) plan.refused.push({ pid: t.pid, outcome: 'refused', message: 'pid 1 and below are never signalled' });
    else if (protectedPids.includes(t.pid)) plan.refused.push({ pid: t.pid, outcome: 'refused', message: 'pmemstat does not kill VS Code or itself' });
    else {
      const cmd = known.get(`${t.pid}:${t.starttime}`);
      if (cmd === undefined)
        plan.refused.push(
          pids.has(t.pid)
            ? { pid: t.pid, outcome: 'pid-reused', message: 'that pid now belongs to another process' }
            : { pid: t.pid, outcome: 'not-found', message: 'not in the current sample' },
        );
      else plan.valid.push({ pid: t.pid, starttime: t.starttime, cmd });
    }
  }
  return plan;
}

function short(cmd: string): string {
  const flat = printable(cmd);
  return flat.length > CMD_MAX ? flat.slice(0, CMD_MAX - 1) + '\u2026' : flat;
}

/** The modal confirmation: a title and a detail listing every pid with its command line. */
export function confirmText(plan: KillPlan): { message: string; detail: string } {
  const n = plan.valid.length;
  const message = n === 1 ? `Kill process ${plan.valid[0].pid}?` : `Kill these ${n} processes?`;
  const lines = plan.valid.slice(0, LIST_MAX).map((c) => `${c.pid}  ${short(c.cmd)}`);
  if (n > LIST_MAX) lines.push(`\u2026 and ${n - LIST_MAX} more`);
  lines.push('', 'SIGTERM first; SIGKILL after about 6 s for what still runs.');
  if (plan.refused.length) lines.push(`Left alone: ${plan.refused.map((r) => `${r.pid} (${r.message ?? r.outcome})`).join(', ')}`);
  return { message, detail: lines.join('\n') };
}
