// What the recorder notices between two samples: the kernel killing a process for memory
// (system-wide and per cgroup), memory pressure above a threshold, a group reaching its limit,
// a leak suspect. Each event carries the victim's last recorded figures when it has one.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { posix } from 'node:path';
import type { ProcCgroup } from '../core/cgroup';
import { mergeOomLines, parseOomKillCount, parseOomLine, type OomKillLine } from '../core/oomlog';
import type { ProcFigureRow, ProcIdentity } from '../core/recording';
import { cgroupMounts, type CgroupMounts } from '../proc/cgroupfs';
import { readText } from '../proc/readfile';
import type { RecordedEvent } from './writer';

export interface Known {
  id: ProcIdentity;
  f: ProcFigureRow;
}

export interface EventOptions {
  /** PSI some avg10 (%) at which a pressure event is raised (again once it fell below half). */
  pressurePct: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = { pressurePct: 10 };

/** The kernel log, read as it grows (root only; null elsewhere, and the events then name no victim from it). */
class KernelLog {
  private fd: number | null = null;
  private readonly buf = Buffer.alloc(8192);

  constructor() {
    try {
      this.fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
      this.drain(); // what the kernel said before the recorder started is not news
    } catch {
      this.fd = null;
    }
  }

  /** The OOM lines logged since the last call. */
  drain(): OomKillLine[] {
    const out: OomKillLine[] = [];
    if (this.fd === null) return out;
    for (let i = 0; i < 100_000; i++) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        // EPIPE: records were overwritten before we read them; the next read goes on.
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') continue;
        break; // EAGAIN: nothing more now
      }
      if (n <= 0) break;
      const line = parseOomLine(this.buf.toString('utf8', 0, n));
      if (line) out.push(line);
    }
    return mergeOomLines(out);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A cgroup's oom_kill counter file: v2's memory.events, else v1's memory.oom_control. */
function oomCounterFile(m: CgroupMounts, c: ProcCgroup): string | null {
  const bad = (p: string) => p.includes('\0') || p.split('/').some((x) => x === '..' || x === '.');
  if (c.memory !== null) return m.memory === null || bad(c.memory) ? null : posix.join(m.memory, c.memory, 'memory.oom_control');
  return m.unified === null || bad(c.path) ? null : posix.join(m.unified, c.path, 'memory.events');
}

function victimDetail(k: Known | undefined, line: OomKillLine | undefined): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (k) {
    d.victim = { pid: k.id.pid, starttime: k.id.starttime, exe: k.id.exe, cmd: k.id.cmd, mem: k.f.mem, cpu: k.f.cpu, cgroup: k.id.cgroup?.path ?? null };
  }
  if (line) d.kernel = { memcg: line.memcg, taskMemcg: line.taskMemcg, anonRssKb: line.anonRssKb };
  return d;
}

export class EventWatcher {
  private readonly log: KernelLog | null;
  private readonly mounts: CgroupMounts;
  private vmstat: number | null;
  private readonly cgCounts = new Map<string, number>();
  private pressureHigh = false;
  private readonly nearLimit = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly o: EventOptions = DEFAULT_EVENT_OPTIONS,
  ) {
    this.log = root === '/' ? new KernelLog() : null;
    this.mounts = cgroupMounts(root);
    this.vmstat = this.readVmstat();
  }

  private readVmstat(): number | null {
    return parseOomKillCount(readText(posix.join(this.root, 'proc/vmstat')).text);
  }

  /**
   * The events between the sample before (`before`: its processes by pid:starttime) and this
   * one at `t` (`now`; `gone`: the keys that vanished). Victims are those the kernel log names, else
   * the processes of the cgroup that vanished.
   */
  check(t: number, before: ReadonlyMap<string, Known>, now: ReadonlyMap<string, Known>, gone: readonly string[], pressureSome: number | null): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    const lines = this.log?.drain() ?? [];
    // A victim killed as this sample was taken may be in it, still exiting. Looked up only when
    // the kernel killed something: built on every sample, it was most of this method's cost.
    let pids: Map<number, Known> | null = null;
    const byPid = {
      get(pid: number): Known | undefined {
        if (pids === null) {
          pids = new Map();
          for (const k of now.values()) pids.set(k.id.pid, k);
          for (const k of before.values()) pids.set(k.id.pid, k);
        }
        return pids.get(pid);
      },
    };
    const vanished = gone.map((g) => before.get(g)).filter((k): k is Known => k !== undefined);
    let explained = 0;
    // Per cgroup: each cgroup a process of the last sample ran in.
    const cgroups = new Map<string, ProcCgroup>();
    for (const k of before.values()) if (k.id.cgroup) cgroups.set(k.id.cgroup.memory ?? k.id.cgroup.path, k.id.cgroup);
    for (const [name, c] of cgroups) {
      const file = oomCounterFile(this.mounts, c);
      const n = file === null ? null : parseOomKillCount(readText(file).text);
      if (n === null) continue;
      const was = this.cgCounts.get(name);
      this.cgCounts.set(name, n);
      if (was === undefined || n <= was) continue;
      explained += n - was;
      const inCg = (k: Known) => (k.id.cgroup?.memory ?? k.id.cgroup?.path) === name;
      const logged = lines.filter((l) => {
        const k = byPid.get(l.pid);
        return l.taskMemcg === name || l.memcg === name || (k !== undefined && inCg(k));
      });
      for (const l of logged) lines.splice(lines.indexOf(l), 1);
      const victims: { k?: Known; l?: OomKillLine }[] = logged.length > 0 ? logged.map((l) => ({ k: byPid.get(l.pid), l })) : vanished.filter(inCg).map((k) => ({ k }));
      if (victims.length === 0) victims.push({});
      for (const v of victims) {
        out.push({ t, kind: 'oom-kill', pid: v.l?.pid ?? v.k?.id.pid ?? null, name: v.l?.name ?? v.k?.id.exe ?? null, cgroup: name, detail: { kills: n - was, scope: 'cgroup', victimFrom: v.l ? 'kernel log' : v.k ? 'vanished' : 'unknown', ...victimDetail(v.k, v.l) } });
      }
    }
    const vm = this.readVmstat();
    if (vm !== null && this.vmstat !== null && vm > this.vmstat) {
      const left = vm - this.vmstat - explained;
      const victims = lines.length > 0 ? lines : [];
      for (let i = 0; i < Math.max(left, victims.length); i++) {
        const l = victims[i];
        const k = l ? byPid.get(l.pid) : undefined;
        out.push({ t, kind: 'oom-kill', pid: l?.pid ?? null, name: l?.name ?? null, cgroup: l?.taskMemcg ?? k?.id.cgroup?.path ?? null, detail: { kills: 1, scope: 'system', victimFrom: l ? 'kernel log' : 'unknown', ...victimDetail(k, l) } });
      }
    }
    if (vm !== null) this.vmstat = vm;
    if (pressureSome !== null) {
      if (!this.pressureHigh && pressureSome >= this.o.pressurePct) {
        this.pressureHigh = true;
        out.push({ t, kind: 'pressure', pid: null, name: null, cgroup: null, detail: { some: pressureSome, thresholdPct: this.o.pressurePct } });
      } else if (this.pressureHigh && pressureSome < this.o.pressurePct / 2) this.pressureHigh = false;
    }
    return out;
  }

  /** A cgroup reaching `limit?` (NEAR_LIMIT_SHARE of its limit), once until it falls back. */
  limits(t: number, figures: readonly { dir: string; current: number | null; limit: number | null; near: boolean }[]): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    for (const f of figures) {
      if (f.near && !this.nearLimit.has(f.dir)) out.push({ t, kind: 'limit', pid: null, name: null, cgroup: f.dir, detail: { currentKb: f.current, limitKb: f.limit } });
      if (f.near) this.nearLimit.add(f.dir);
      else this.nearLimit.delete(f.dir);
    }
    return out;
  }

  close(): void {
    this.log?.close();
  }
}
