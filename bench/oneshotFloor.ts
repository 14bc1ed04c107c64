// dist/bench-floor.js: how fast node itself can do what `pmemstat -o` must do, nothing more,
// for the one-shot benchmark (bench/oneshot.ts) to run beside the command as its own process
// (node's start-up included). The main thread and one worker take chunks of pids from a shared
// counter, as src/sampler/parallel.ts does, and read each process's stat, cmdline and smaps.
// FLOOR_PARSE=1 also parses them as the command does (parsePidStat; smaps with the command's
// detail parse, parseSmapsDetailBytes) and groups by argv[0]; otherwise the bytes are only read.
// No naming rules, no entries kept, no report: a floor, not a product. It prints a count only.
import { closeSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { parsePidStat } from '../src/core/procfiles';
import { parseSmapsDetailBytes } from '../src/core/smapsBytes';

const CHUNK = 16;
const parse = process.env.FLOOR_PARSE === '1';

interface Job {
  pids: number[];
  shared: SharedArrayBuffer;
}

/** The whole file into `buf` (grown as needed); its length, -1 when it could not be read. */
function readAll(path: string, buf: { b: Buffer }): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return -1;
  }
  try {
    let len = 0;
    for (;;) {
      if (len === buf.b.length) {
        const bigger = Buffer.allocUnsafe(len * 2);
        buf.b.copy(bigger, 0, 0, len);
        buf.b = bigger;
      }
      const n = readSync(fd, buf.b, len, buf.b.length - len, len);
      if (n === 0) return len;
      len += n;
    }
  } catch {
    return -1;
  } finally {
    closeSync(fd);
  }
}

/** This thread's share: [name, Pss total (KB)] pairs when parsing, else the bytes read. */
function work(job: Job): (string | number)[] {
  const next = new Int32Array(job.shared);
  const buf = { b: Buffer.allocUnsafe(64 * 1024) };
  const out: (string | number)[] = [];
  let bytes = 0;
  for (;;) {
    const at = Atomics.add(next, 0, CHUNK);
    if (at >= job.pids.length) break;
    for (const pid of job.pids.slice(at, at + CHUNK)) {
      const dir = `/proc/${pid}`;
      const n = readAll(`${dir}/stat`, buf);
      if (n < 0) continue;
      const st = parse ? parsePidStat(buf.b.toString('latin1', 0, n)) : null;
      const c = readAll(`${dir}/cmdline`, buf);
      if (c < 0) continue;
      const argv0 = parse ? buf.b.toString('latin1', 0, Math.max(0, buf.b.subarray(0, c).indexOf(0))) : '';
      const s = readAll(`${dir}/smaps`, buf);
      bytes += n + c + Math.max(0, s);
      if (!parse || s <= 0) continue;
      const mem = parseSmapsDetailBytes(buf.b.subarray(0, s), false);
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
