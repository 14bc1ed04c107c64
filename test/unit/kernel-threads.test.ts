// Which processes count as kernel threads (the kernel-CPU line; kill refuses them): those
// with PF_KTHREAD in the flags of /proc/PID/stat, and only those. In a PID namespace with
// an init, pid 2 is a user's process and its children have ppid 2, as kthreadd's do in
// the root namespace. Here a captured-style tree with both kinds, sampled twice.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PF_KTHREAD } from '../../src/core/procfiles';
import { Sampler } from '../../src/sampler/sampler';

const root = mkdtempSync(join(tmpdir(), 'pmemstat-kthreads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const w = (p: string, text: string | Buffer) => {
  mkdirSync(join(root, p, '..'), { recursive: true });
  writeFileSync(join(root, p), text);
};

/** One sample's files: every process has burnt `ticks` of CPU by then. */
function writeTree(ticks: number): void {
  w('proc/meminfo', 'MemTotal:       16000000 kB\nMemAvailable:    8000000 kB\n');
  w('proc/stat', `cpu  ${1000 + ticks} 0 0 1000 0 0 0 0 0 0\ncpu0 ${1000 + ticks} 0 0 1000 0 0 0 0 0 0\n`);
  w('proc/vmstat', 'pgmajfault 0\n');
  const proc = (pid: number, comm: string, state: string, ppid: number, flags: number, argv: string[], busy = 1) => {
    w(`proc/${pid}/stat`, `${pid} (${comm}) ${state} ${ppid} 0 0 0 -1 ${flags} 0 0 0 0 ${ticks * busy} 0 0 0 20 0 1 0 ${500 + pid} 0 0\n`);
    w(`proc/${pid}/cmdline`, Buffer.from(argv.length ? argv.join('\0') + '\0' : ''));
    w(`proc/${pid}/smaps_rollup`, 'Rss: 100 kB\nPss: 100 kB\nPss_Anon: 100 kB\nPss_File: 0 kB\nPss_Shmem: 0 kB\nSwapPss: 0 kB\n');
  };
  // The root namespace's kthreadd and a worker: PF_KTHREAD set, empty command line.
  proc(2, 'kthreadd', 'S', 0, PF_KTHREAD | 0x40, []);
  proc(11, 'kworker/0:1-events', 'I', 2, PF_KTHREAD | 0x4208060, []);
  // A namespace's pid 2 (the user's session) and what it runs: no PF_KTHREAD. One exited
  // and awaits its parent (a zombie: empty command line; the busiest here), one runs.
  proc(40, 'sh', 'Z', 2, 0x400104, [], 3);
  proc(41, 'sleep', 'S', 2, 0x400000, ['sleep', '300']);
}

describe('kernel threads are told by PF_KTHREAD', () => {
  it('the kernel-CPU line counts kworker and kthreadd, not a process whose parent is pid 2', () => {
    const s = new Sampler({ root, kernelCpu: true, cpuAvgSecs: 20 });
    writeTree(0);
    s.sample(1000);
    writeTree(100);
    const sample = s.sample(2000);
    expect(sample.topKernelThreads.map((k) => k.pid).sort((a, b) => a - b)).toEqual([2, 11]);
    expect(sample.kernelCpu).toBeGreaterThan(0);
    expect(sample.kernelCpu).toBeCloseTo(sample.topKernelThreads.reduce((t, k) => t + k.cpu, 0));
    // The running child of a namespace's pid 2 is an ordinary user process.
    expect(sample.procs.map((p) => p.pid)).toContain(41);
  });
});
