// What a Sampler reads, and how (src/sampler/sampler.ts): the CLI, the helper and the
// terminal window set these from their own options.
import { DEFAULT_MAX_AGE_SECONDS } from '../core/walkbudget';

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
  /** Read each process's cgroup (the groupings by unit, container or cgroup); off, none is read. */
  cgroups: boolean;
  /** CPU% since each process started (one-shot: no window to measure over) instead of over the window. */
  cpuSinceStart?: boolean;
}

export function defaultSamplerOptions(): SamplerOptions {
  return {
    root: '/',
    detail: false,
    kernelCpu: true,
    cpuAvgSecs: 20,
    filter: [],
    oneShot: false,
    walkBudgetMs: 0,
    maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS,
    oom: false,
    cgroups: true,
  };
}
