// What a Sampler reads, and how (src/sampler/sampler.ts): the CLI, the helper and the
// terminal window set these from their own options.
import { defaultEngineOptions } from '../shared/engineOptions';

export interface SamplerOptions {
  /** Root of the tree to read; '/' for the live system. */
  root: string;
  /** Read per-mapping smaps categories (detail mode) instead of rollups only. */
  detail: boolean;
  /** Track kernel-thread CPU for the second leader line. */
  kernelCpu: boolean;
  cpuAvgSecs: number;
  /** Keep only processes whose pid or exe key is listed; empty = all. */
  filter: string[];
  /** The only sample this sampler takes (a one-shot report): read just what it shows. */
  oneShot: boolean;
  /** Page-walk time per tick (ms) beyond the processes that moved; 0 = walk every process every tick. */
  walkBudgetMs: number;
  /** With a budget: no figure older than this (seconds). */
  maxAgeSeconds: number;
  /** Read /proc/PID/oom_score each sample (the `oom` column). */
  oom: boolean;
  /** Keep each process's AnonHugePages (the `thp` column; read with the rollup or smaps anyway). */
  thp?: boolean;
  /** Read /proc/PID/ksm_stat each sample (the `ksm` column). */
  ksm?: boolean;
  /** Read each process's cgroup (the groupings by unit, container or cgroup); off, none is read. */
  cgroups: boolean;
  /** CPU% since each process started (one-shot: no window to measure over) instead of over the window. */
  cpuSinceStart?: boolean;
}

/**
 * The catalogue's defaults (src/shared/engineOptions.ts), but a Sampler of its own walks every
 * process every tick (walkBudgetMs 0; the Monitor passes the option's), reads cgroups and
 * kernel-thread CPU.
 */
export function defaultSamplerOptions(): SamplerOptions {
  const d = defaultEngineOptions();
  return {
    root: '/',
    detail: d.detail,
    kernelCpu: true,
    cpuAvgSecs: d.cpuAvgSecs,
    filter: [],
    oneShot: false,
    walkBudgetMs: 0,
    maxAgeSeconds: d.maxAgeSeconds,
    oom: d.showOom,
    cgroups: true,
  };
}
