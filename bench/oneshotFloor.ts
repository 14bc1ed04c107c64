// dist/bench-floor.js: how fast node itself can do what `pmemstat -o` must do, nothing more,
// for the one-shot benchmark (bench/oneshot.ts) to run beside the command as its own process
// (node's start-up included). The main thread and one worker take chunks of pids from a shared
// counter, as src/sampler/parallel.ts does, and read each process's stat, cmdline and smaps
// with the command's reader (src/proc/readfile.ts).
// FLOOR_PARSE=1 also parses them as the command does (parsePidStat; smaps with the command's
// detail parse, parseSmapsDetailBytes) and groups by argv[0]; otherwise the bytes are only read.
// No naming rules, no entries kept, no report: a floor, not a product. It prints a count only.
import { readdirSync, writeSync } from 'node:fs';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { parsePidStat } from '../src/core/procfiles';
import { parseSmapsDetailBytes } from '../src/core/smapsBytes';
import { readShared, smapsEnd } from '../src/proc/readfile';

const CHUNK = 16;
const parse = process.env.FLOOR_PARSE === '1';

interface Job {
  pids: number[];
  shared: SharedArrayBuffer;
}

/** This thread's share: [name, Pss total (KB)] pairs when parsing, else the bytes read. */
function work(job: Job): (string | number)[] {
  const next = new Int32Array(job.shared);
  const out: (string | number)[] = [];
  let bytes = 0;
  for (;;) {
    const at = Atomics.add(next, 0, CHUNK);
    if (at >= job.pids.length) break;
    for (const pid of job.pids.slice(at, at + CHUNK)) {
      // The command's reader and end tests: the same system calls as `-o` makes.
      const dir = `/proc/${pid}`;
      const stat = readShared(`${dir}/stat`, true);
      if (!stat.ok) continue;
      bytes += stat.data.length;
      const st = parse ? parsePidStat(stat.data.toString('latin1')) : null;
      const cmdline = readShared(`${dir}/cmdline`, true);
      if (!cmdline.ok) continue;
      bytes += cmdline.data.length;
      const argv0 = parse ? cmdline.data.toString('latin1', 0, Math.max(0, cmdline.data.indexOf(0))) : '';
      const smaps = readShared(`${dir}/smaps`, smapsEnd);
      if (!smaps.ok || smaps.data.length === 0) continue;
      bytes += smaps.data.length;
      if (!parse) continue;
      const mem = parseSmapsDetailBytes(smaps.data, false);
      out.push(argv0.slice(argv0.lastIndexOf('/') + 1) || (st?.comm ?? ''), mem.ptotal);
    }
  }
  return parse ? out : [bytes];
}

if (isMainThread) {
  const worker = new Worker(__filename);
  const pids = readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
  const job: Job = { pids, shared: new SharedArrayBuffer(4) };
  worker.postMessage(job);
  const mine = work(job);
  worker.once('message', (theirs: (string | number)[]) => {
    const groups = new Map<string, number>();
    for (const part of [mine, theirs]) for (let i = 0; i + 1 < part.length; i += 2) groups.set(String(part[i]), (groups.get(String(part[i])) ?? 0) + Number(part[i + 1]));
    // Sorted as a report is, but only counted: names from /proc are not printed raw.
    const top = [...groups.values()].sort((a, b) => b - a)[0] ?? 0;
    writeSync(1, parse ? `${groups.size} groups, the largest ${top} KB\n` : `${Number(mine[0]) + Number(theirs[0])} bytes\n`);
    process.exit(0);
  });
} else {
  parentPort?.once('message', (job: Job) => parentPort?.postMessage(work(job)));
}
