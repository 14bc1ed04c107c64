// The helper's cost (issue 3): the round trip of a `sample` request to a spawned helper
// (sample + report in the helper, JSON out, NDJSON over a pipe, parse + validate in the
// client) against the same sample + report in-process, and the size of one sample
// message. Medians; the two are measured alternately so drift hits both alike.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Reporter } from '../src/core/report';
import { HelperClient } from '../src/host/helperClient';
import { HELPER_NODE_FLAGS } from '../src/host/launcher';
import { Sampler } from '../src/sampler/sampler';
import { encodeLine, toWireReport } from '../src/shared/protocol';
import { startSleepers } from './procs';
import { reportOptions } from '../src/shared/engineOptions';

export interface HelperBenchOptions {
  /** Extra `sleep` processes to start (default 300); 0 when the caller already runs them. */
  extraProcs?: number;
  /** Measured samples per mode (default 15, after one warm-up). */
  runs?: number;
  /** The helper bundle (default: sampler.js beside dist/bench.js, or dist/sampler.js). */
  helperScript?: string;
}

const WARMUP = 10;
const gc = (globalThis as { gc?: () => void }).gc;
const settle = async (): Promise<void> => {
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function defaultScript(): string {
  for (const p of [join(__dirname, 'sampler.js'), join(__dirname, '..', 'dist', 'sampler.js')]) if (existsSync(p)) return p;
  throw new Error('dist/sampler.js is missing: run `npm run build` first');
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

/** Run the helper benchmark; returns printable lines. */
export async function benchHelper(o: HelperBenchOptions = {}): Promise<string[]> {
  const runs = o.runs ?? 15;
  const extra = o.extraProcs ?? 300;
  const zoo = extra > 0 ? await startSleepers(extra) : null;
  // As the extension starts it (launcher.ts).
  const child = spawn(process.execPath, [...HELPER_NODE_FLAGS, o.helperScript ?? defaultScript(), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = await HelperClient.start({ readable: child.stdout, writable: child.stdin, child });
  const lines: string[] = [];
  try {
    if (zoo) await new Promise((r) => setTimeout(r, 300));
    const nprocs = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
    lines.push(`helper protocol — ${nprocs} processes in /proc${extra ? ` (${extra} extra sleeps)` : ''}, median of ${runs} runs`);
    for (const detail of [false, true]) {
      const sampler = new Sampler({ detail, cgroups: false }); // as the helper grouped by exe
      const reporter = new Reporter(reportOptions());
      // Walk every page table every tick, as the in-process sampler does: the same work both sides.
      await client.configure({ detail, walkBudgetMs: 0 });
      // Warm up both to the steady state of a long-running helper (caches, optimised code):
      // this process has already run the sampler's code for the benchmarks before.
      for (let i = 0; i < WARMUP; i++) {
        reporter.report(sampler.sample());
        await client.sample();
      }
      const local: number[] = [];
      const remote: number[] = [];
      const inHelper: number[] = [];
      const overhead: number[] = [];
      let bytes = 0;
      let rows = 0;
      let members = 0;
      for (let i = 0; i < runs; i++) {
        // Samples are seconds apart in use, not back to back: start each from a collected
        // heap (with --expose-gc) and a machine that has finished the collection, so that
        // neither pays for the other's garbage; each still pays for its own.
        await settle();
        let t0 = performance.now();
        reporter.report(sampler.sample());
        local.push(performance.now() - t0);
        await settle();
        t0 = performance.now();
        const { report, ms: helperMs } = await client.sampleTimed();
        const rt = performance.now() - t0;
        remote.push(rt);
        inHelper.push(helperMs);
        overhead.push(rt - helperMs);
        // The line the helper wrote (JSON keeps key order through a parse; ids differ).
        bytes = Buffer.byteLength(encodeLine({ type: 'sample', id: 0, seq: 0, report: toWireReport(report), ms: helperMs }));
        rows = report.rows.length;
        members = report.rows.reduce((n, r) => n + r.members.length, 0);
      }
      (sampler as { close?: () => void }).close?.();
      const l = median(local);
      const r = median(remote);
      const mode = detail ? 'detail' : 'fast  ';
      const over = median(overhead);
      // Each round trip against the in-process sample taken just before it: the machine's
      // slow and quick spells (other processes, the kernel's own page scans) hit a pair alike.
      const paired = median(remote.map((x, i) => x / local[i]));
      lines.push(
        `${mode} sample round trip ${ms(r)}   in-process ${ms(l)}   ratio ${(r / l).toFixed(2)}x of the medians, ${paired.toFixed(2)}x paired (target ≤ 1.2x); sampling inside the helper ${ms(median(inHelper))}`,
      );
      // The part the protocol adds (JSON out, pipe, parse + validate), free of sampling noise.
      lines.push(`${mode} protocol overhead ${ms(over)} per sample = ${((100 * over) / l).toFixed(1)} % of an in-process sample`);
      lines.push(`${mode} sample message    ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes) for ${rows} groups, ${members} processes`);
    }
  } finally {
    client.dispose();
    zoo?.stop();
  }
  return lines;
}
