// The helper's memory over many samples (issue 21): started as the extension starts it
// (HELPER_NODE_FLAGS) and, side by side in the same run, with the flags of the release before
// (1 MB semi-spaces alone), each asked for BENCH_SAMPLES samples back to back under the pid
// grouping (one group a process: about 2,000 groups and their members in every reply). Prints
// RSS and its peak (VmHWM) at a few points: it must stay flat after the warm-up.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HelperClient } from '../src/host/helperClient';
import { HELPER_NODE_FLAGS } from '../src/host/launcher';
import { fillTo, median, pids, statusFields } from './scale';

const HELPER = join(__dirname, '..', 'dist', 'sampler.js');
const BEFORE = ['--max-semi-space-size=1'];

function rssMb(pid: number): { rss: number; hwm: number } {
  const kb = statusFields(pid, 'VmRSS', 'VmHWM');
  return { rss: Math.round(kb.VmRSS / 1024), hwm: Math.round(kb.VmHWM / 1024) };
}

async function soak(flags: readonly string[], samples: number, marks: readonly number[]) {
  const child = spawn(process.execPath, [...flags, HELPER, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = await HelperClient.start({ readable: child.stdout!, writable: child.stdin!, child });
  const at: string[] = [];
  const ms: number[] = [];
  let groups = 0;
  try {
    await client.configure({ groupBy: 'pid', walkBudgetMs: 10 });
    for (let i = 1; i <= samples; i++) {
      const r = await client.sampleTimed();
      ms.push(r.ms);
      groups = r.report.rows.length;
      if (marks.includes(i)) {
        const m = rssMb(child.pid!);
        at.push(`${i}: ${m.rss}/${m.hwm}`);
      }
    }
    return { at, groups, peak: rssMb(child.pid!).hwm, ms: median(ms) };
  } finally {
    client.dispose();
  }
}

export async function benchSoak(total = 2000, samples = 600): Promise<string[]> {
  const zoo = await fillTo(total);
  try {
    const marks = [10, 100, 300, 600, 1000, 3600].filter((m) => m <= samples);
    if (!marks.includes(samples)) marks.push(samples);
    const [now, before] = await Promise.all([soak(HELPER_NODE_FLAGS, samples, marks), soak(BEFORE, samples, marks)]);
    return [
      `helper memory, ${samples} samples back to back under the pid grouping (${now.groups} groups; ${pids().length} processes in /proc), both helpers side by side: RSS/peak MB at sample`,
      `  as the extension starts it (node ${HELPER_NODE_FLAGS.join(' ')}): ${now.at.join(', ')}; peak ${now.peak} MB (target ≤ 150 MB); sampling ${now.ms.toFixed(0)} ms median`,
      `  the release before (node ${BEFORE.join(' ')}): ${before.at.join(', ')}; peak ${before.peak} MB; sampling ${before.ms.toFixed(0)} ms median`,
    ];
  } finally {
    zoo?.stop();
  }
}
