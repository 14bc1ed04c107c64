// `pmemstat --cgroup PATH`: where one cgroup's memory goes — the kernel's usage split into its
// members' PSS and the parts no process shows (src/core/cgroupMemory.ts), its limits and events;
// in a loop, a line per sample and one per OOM kill. It reads a Sampler of its own, not a
// Monitor (src/engine/): it shows one cgroup, not groups, and needs each process's Pss_Shmem,
// which a Report's members do not carry.
import { cgroupFigures, type CgroupFigures } from '../core/cgroup';
import { EventBaselines, eventsText, limitsText, OomWatch, oomKillText, waterfallLines } from '../core/cgroupMemory';
import { human } from '../core/units';
import { jsonText, printable } from '../core/printable';
import { hhmmss } from '../core/format';
import { pssOf } from '../core/report';
import type { ProcSample } from '../core/types';
import { cgroupMounts, locateCgroup, readCgroupCounters } from '../proc/cgroupfs';
import type { CliOptions } from './cliargs';
import { Sampler } from '../sampler/sampler';

interface Out {
  out(s: string): void;
  err(s: string): void;
}

/** Whether a process's cgroup (in the hierarchy the figures come from) is `path` or below it. */
export function isUnder(cgroupPath: string | null | undefined, path: string): boolean {
  if (cgroupPath === null || cgroupPath === undefined) return false;
  return path === '/' || cgroupPath === path || cgroupPath.startsWith(path + '/');
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

const h = (kb: number) => (kb < 0 ? '-' : '') + human(Math.abs(kb) * 1024);

/** The one-line form of a sample in a loop: `12:00:01 usage=258.5M pss=118.3M cache=80.0M …`. */
function sampleLine(time: number, k: CgroupFigures): string {
  let s = `${hhmmss(time)} usage=${h(k.current)}`;
  if (k.parts) s += ` pss=${h(k.parts.pss)} cache=${h(k.parts.pageCache)} shmem=${h(k.parts.shmem)} kernel=${h(k.parts.kernel)} rest=${h(k.parts.rest)}`;
  const ev = k.events ? eventsText(k.events, true) : '';
  return ev ? `${s} events: ${ev}` : s;
}

export async function runCgroupView(o: CliOptions, root: string, io: Out): Promise<number> {
  const path = o.cgroup ?? '/';
  const mounts = cgroupMounts(root);
  const where = locateCgroup(mounts, path);
  if (!where) {
    io.err(`pmemstat: --cgroup ${printable(path)}: no memory cgroup there (looked in ${[mounts.memory, mounts.unified].filter((m) => m !== null).join(' and ') || 'no cgroup mount'})`);
    return 2;
  }
  const looping = o.loopSeconds > 0;
  const sampler = new Sampler({ root, detail: o.detail, kernelCpu: false, filter: o.filter, oneShot: !looping, cgroups: true, cpuSinceStart: false });
  const baselines = new EventBaselines();
  const oom = new OomWatch();
  try {
    for (let first = true; ; first = false) {
      const started = Date.now();
      const sample = sampler.sample();
      const members = sample.procs.filter((p: ProcSample) => isUnder(where.v1 ? p.cgroup?.memory : p.cgroup?.path, path));
      const pss = members.reduce((n, p) => n + pssOf(p.mem), 0);
      const pssShmem = members.reduce((n, p) => n + (p.pssShmem ?? 0), 0);
      const k = cgroupFigures(path, readCgroupCounters(mounts, where), { pss, pssShmem }, (now) => baselines.changes(path, now));
      if (!k) {
        io.err(`pmemstat: --cgroup ${printable(path)}: the cgroup has gone (or its usage cannot be read)`);
        return first ? 2 : 1;
      }
      if (o.json) {
        const list = members.map((p) => ({ pid: p.pid, cmd: p.cmd, pss: pssOf(p.mem), pssShmem: p.pssShmem ?? 0 }));
        io.out(jsonText({ time: sample.time, cgroup: path, v1: where.v1, members: list, kernel: k }));
      } else if (first) {
        const hier = where.v1 ? 'cgroup v1 memory controller' : 'cgroup v2';
        io.out(`cgroup ${k.dir} (${hier}): ${members.length} process${members.length === 1 ? '' : 'es'} read`);
        if (k.parts) for (const line of waterfallLines(k.current, k.parts)) io.out('  ' + line);
        else io.out(`  usage ${h(k.current)}; no memory.stat to split it`);
        if (k.limits) io.out(`limits: ${limitsText(k.limits)}`);
        if (k.eventsTotal) io.out(`events since the cgroup was made: ${eventsText(k.eventsTotal, false)}`);
        if (looping) io.out('');
      } else io.out(sampleLine(sample.time, k));
      if (!o.json) for (const n of oom.update([{ key: path, info: k.dir, kernel: k }])) io.out(`${hhmmss(sample.time)} ${oomKillText(n)}`);
      if (!looping) return 0;
      await sleep(Math.max(0, o.loopSeconds * 1000 - (Date.now() - started)));
    }
  } finally {
    sampler.close();
  }
}
