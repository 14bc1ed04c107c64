// The kernel's own words about an OOM kill: the oom_kill counters (/proc/vmstat, a v2 cgroup's
// memory.events, a v1 cgroup's memory.oom_control) and the kernel log's lines naming the
// victim. Pure: src/recorder/events.ts reads the files. Every name here comes from a process and
// is made printable.
import { printable } from './printable';

/** The `oom_kill N` line of /proc/vmstat, memory.events or memory.oom_control (null: none). */
export function parseOomKillCount(text: string | null): number | null {
  if (text === null) return null;
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** A victim as the kernel log names it. */
export interface OomKillLine {
  pid: number;
  name: string;
  /** The cgroup whose limit was hit (oom_memcg), when the log says. */
  memcg: string | null;
  /** The victim's own cgroup (task_memcg). */
  taskMemcg: string | null;
  /** From the "Killed process" line, KB. */
  anonRssKb: number | null;
}

/** One /dev/kmsg record (`prio,seq,usec,flags;message`) or a plain log line. */
function messageOf(record: string): string {
  const semi = record.indexOf(';');
  return /^\d+,\d+,\d+,[^;]*;/.test(record) ? record.slice(semi + 1).split('\n')[0] : record;
}

/**
 * The victim a log line names: the `oom-kill:…,oom_memcg=…,task_memcg=…,task=NAME,pid=N` summary
 * or the `Killed process N (NAME) …` line; null for any other line.
 */
export function parseOomLine(record: string): OomKillLine | null {
  const msg = messageOf(record);
  const summary = /\boom-kill:(.*)$/.exec(msg);
  if (summary) {
    // task= may hold commas; pid= and uid= follow it, so the name is what lies between.
    const m = /(?:^|,)oom_memcg=([^,]*).*?,task_memcg=([^,]*),task=(.*),pid=(\d+),uid=\d+/.exec(summary[1]);
    if (!m) return null;
    return { pid: Number(m[4]), name: printable(m[3]), memcg: printable(m[1]), taskMemcg: printable(m[2]), anonRssKb: null };
  }
  const killed = /Killed process (\d+) \((.*)\)(?: total-vm:\d+kB, anon-rss:(\d+)kB)?/.exec(msg);
  if (killed) return { pid: Number(killed[1]), name: printable(killed[2]), memcg: null, taskMemcg: null, anonRssKb: killed[3] !== undefined ? Number(killed[3]) : null };
  return null;
}

/** The lines about one kill merged (the summary gives the cgroups, the other the sizes), by pid. */
export function mergeOomLines(lines: readonly OomKillLine[]): OomKillLine[] {
  const by = new Map<number, OomKillLine>();
  for (const l of lines) {
    const was = by.get(l.pid);
    by.set(
      l.pid,
      was
        ? { pid: l.pid, name: was.name || l.name, memcg: was.memcg ?? l.memcg, taskMemcg: was.taskMemcg ?? l.taskMemcg, anonRssKb: was.anonRssKb ?? l.anonRssKb }
        : l,
    );
  }
  return [...by.values()];
}
