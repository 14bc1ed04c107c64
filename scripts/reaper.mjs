// The processes a test run (or `npm run dev`) starts die with it, however it ends.
//
// startReaper() starts this file as a watchdog in a session of its own, tied to its starter
// by a pipe (fd 3) that only the starter holds open. The starter tells it, one line each:
//   mark STRING   a process whose command line or environment contains STRING belongs to us
//   rm PATH       a temporary path to remove at the end
// When the pipe reaches EOF (the starter exited, was killed — SIGKILL included — or called
// close()), when the starter's pid goes away, or on SIGTERM/SIGINT/SIGHUP, the watchdog
// sends SIGTERM to every process that carries a mark, SIGKILL to what is left after 3 s, and
// sweeps again until none is found; then it removes the paths and exits. It never signals
// itself or its own ancestors (the starter and whatever started it).
//
// A mark must not be in the watchdog's own environment or argv of anything the run must
// keep: the starter spawns it with a bare environment.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/**
 * Start the watchdog. `label` goes into its command line (so a watchdog of a whole run can
 * find and stop the watchdogs of its parts). The returned close() ends the pipe and resolves
 * when the watchdog has cleaned up and exited.
 */
export function startReaper(label, { marks = [], rm = [] } = {}) {
  const child = spawn(process.execPath, [SELF, label], {
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const pipe = child.stdio[3];
  pipe.on('error', () => {});
  const exited = new Promise((res) => child.once('exit', () => res()));
  // Neither keeps the starter alive: a test file ends when its tests do.
  child.unref();
  pipe.unref?.();
  const send = (cmd, arg) => {
    if (/[\r\n]/.test(arg)) throw new Error(`reaper: a ${cmd} cannot hold a line break: ${JSON.stringify(arg)}`);
    if (!pipe.destroyed) pipe.write(`${cmd} ${arg}\n`);
  };
  for (const m of marks) send('mark', m);
  for (const p of rm) send('rm', p);
  return {
    pid: child.pid,
    mark: (s) => send('mark', s),
    rm: (p) => send('rm', p),
    close: async () => {
      child.ref(); // wait for it: an unref'd child alone would let this process exit first
      pipe.end();
      await exited;
    },
  };
}

/**
 * Call `gone` (once) when the command the user started is gone although this process lives
 * on: its parent (npm, for `npm run dev`) changed, or the leader of its process group (what
 * a shell started as the job, with a `sh -c` between maybe) exited. A SIGKILLed npm tells
 * no one: its children are only re-parented. Polls every 250 ms; does not keep this
 * process alive.
 */
export function onStarterGone(gone) {
  const parent = process.ppid;
  const stat = readProc('self', 'stat');
  const leader = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) || 0;
  const leaderStart = leader > 1 && leader !== process.pid ? startOf(leader) : null;
  let called = false;
  const timer = setInterval(() => {
    if (called) return;
    if (process.ppid !== parent || (leaderStart !== null && startOf(leader) !== leaderStart)) {
      called = true;
      clearInterval(timer);
      gone();
    }
  }, 250);
  timer.unref();
}

function startOf(pid) {
  const s = readProc(pid, 'stat');
  return s ? s.slice(s.lastIndexOf(')') + 2).split(' ')[19] : null;
}

// ------------------------------------------------------------------ the watchdog itself

function readProc(pid, file) {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'latin1');
  } catch {
    return '';
  }
}

function ppidOf(pid) {
  const s = readProc(pid, 'stat');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) || 0;
}

function ancestorsOf(pid) {
  const out = new Set();
  for (let p = ppidOf(pid); p > 1 && !out.has(p); p = ppidOf(p)) out.add(p);
  return out;
}

/** Processes (pid, command line) not in `spare` whose command line or environment holds a mark. */
export function processesMarked(marks, spare = new Set()) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    if (spare.has(pid)) continue;
    const cmd = readProc(pid, 'cmdline');
    if (!cmd) continue; // a kernel thread, a zombie, or gone
    const env = readProc(pid, 'environ');
    if (marks.some((m) => cmd.includes(m) || env.includes(m))) out.push({ pid, cmd: cmd.split('\0').join(' ').trim() });
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function signal(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone, or not ours */
    }
  }
}

async function watchdog() {
  const marks = [];
  const paths = [];
  const starter = process.ppid;
  const spare = new Set([process.pid, ...ancestorsOf(process.pid)]);
  let cleaning = null;
  const clean = () =>
    (cleaning ??= (async () => {
      const t0 = Date.now();
      const stopped = new Map();
      for (;;) {
        const left = marks.length ? processesMarked(marks, spare) : [];
        if (left.length === 0) break;
        for (const p of left) if (!stopped.has(p.pid)) stopped.set(p.pid, p.cmd);
        // SIGTERM first so servers can shut down; SIGKILL whatever is still there after 3 s.
        // Another watchdog (of a part of the run) only ever gets SIGTERM: it is cleaning up.
        const late = Date.now() - t0 >= 3000;
        signal(left.filter((p) => !p.cmd.includes(SELF)).map((p) => p.pid), late ? 'SIGKILL' : 'SIGTERM');
        signal(left.filter((p) => p.cmd.includes(SELF)).map((p) => p.pid), 'SIGTERM');
        await sleep(late ? 200 : 100);
        if (Date.now() - t0 > 20_000) break; // unkillable (D state): give up rather than hang
      }
      for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
      // Other watchdogs of the run stop their parts when told to: not worth a line.
      const others = [...stopped].filter(([, cmd]) => !cmd.includes(SELF));
      if (others.length) {
        const list = others.map(([pid, cmd]) => `  ${pid} ${cmd.slice(0, 120)}`).join('\n');
        process.stderr.write(`reaper ${process.argv[2] ?? ''}: stopped ${others.length} left-over process(es) in ${Date.now() - t0} ms:\n${list}\n`);
      }
      process.exit(0);
    })());

  process.stderr.on('error', () => {}); // the starter's stderr may be gone with it
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => void clean());
  const input = fs.createReadStream(null, { fd: 3, encoding: 'utf8' });
  let buf = '';
  input.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const sp = line.indexOf(' ');
      const cmd = line.slice(0, sp);
      const arg = line.slice(sp + 1);
      if (sp > 0 && arg.length >= 8 && cmd === 'mark') marks.push(arg);
      else if (sp > 0 && arg.startsWith('/') && cmd === 'rm') paths.push(arg);
    }
  });
  input.on('end', () => void clean());
  input.on('error', () => void clean());
  // Belt and braces: a starter that died without closing the pipe (an fd leaked to a child).
  setInterval(() => {
    if (process.ppid !== starter) void clean();
  }, 250);
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(SELF)) await watchdog();
