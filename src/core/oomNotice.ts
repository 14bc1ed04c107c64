// When to tell the user of an OOM kill, and in what words: the system-wide count (/proc/vmstat
// oom_kill) and, when a report is at hand, its groups' cgroup counters (memory.events oom_kill on
// v2, memory.oom_control on v1), each against the value seen before it. Pure: the host reads.
import { OomWatch } from './cgroupMemory';
import { localIso } from './isotime';
import { printable } from './printable';
import type { CgroupEvents } from './cgroupMemory';

export interface OomNotice {
  /** When it was noticed (ms). */
  t: number;
  /** Processes killed since the last look. */
  count: number;
  /** The groups whose cgroup counted them, printable. */
  groups: string[];
  text: string;
}

type Rows = readonly { key: string; info: string; kernel?: { events?: CgroupEvents } }[];

export class OomNotices {
  private vmstat: number | null = null;
  private readonly watch = new OomWatch();
  private rowsSeen = false;

  /**
   * What happened since the last call: `vmstat` the system-wide count now (null: unreadable),
   * `rows` a report's groups when one came. The first value of each is where counting starts:
   * kills before the view started are not news.
   */
  update(t: number, vmstat: number | null, rows?: Rows): OomNotice | null {
    let vmAdded = 0;
    if (vmstat !== null) {
      if (this.vmstat !== null && vmstat > this.vmstat) vmAdded = vmstat - this.vmstat;
      this.vmstat = vmstat;
    }
    let groups: { info: string; added: number }[] = [];
    if (rows) {
      const news = this.watch.update(rows);
      if (this.rowsSeen) groups = news;
      this.rowsSeen = true;
    }
    const inGroups = groups.reduce((a, g) => a + g.added, 0);
    const count = Math.max(vmAdded, inGroups);
    if (count === 0) return null;
    const names = groups.map((g) => printable(g.info));
    const where = names.length > 0 ? ` in ${names.join(', ')}` : '';
    return { t, count, groups: names, text: `the kernel killed ${count === 1 ? 'a process' : `${count} processes`} for memory${where} (${localIso(t)})` };
  }
}
