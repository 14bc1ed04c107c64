#!/usr/bin/env node
// Capture a /proc fixture tree of a zoo of processes started here.
//
//   npm run capture-fixture -- DIR [--samples N] [--interval SECS] [--no-node]
//
// Starts its own zoo of processes (sleeps, python/perl/sh/node interpreters,
// renamed argv0s, a zombie, two memtests sharing memory, ...), copies ONLY
// those processes' files into DIR in the layout of the live system, then
// stops them all and removes its temporary files:
//
//   DIR/proc/{meminfo,stat,vmstat}
//   DIR/proc/PID/{cmdline,stat,smaps,smaps_rollup}   byte-exact copies
//   DIR/proc/PID/{exe,cwd}                           symlinks, same link text
//   DIR/sys/class/block/zramN/{mm_stat,disksize}
//   DIR/<zoo tmp dir>/...   copies of the zoo's own interpreter scripts, so
//                           "interp->script" resolution works under --root
//   DIR/zoo.json            pid -> role (and ppid, cmd summary, samples)
//
// A file that cannot be read is absent.  With --samples N (N > 1) the samples
// go to DIR/0, DIR/1, ... taken --interval seconds apart (default 2); the
// memtests grow during the capture, one process ("loop-vanishes") is killed
// after sample 0 and one ("loop-appears") is captured only from sample 1 on.
// Environment variables (environ) are never copied; nothing of other
// processes is copied.
//
// Process hygiene: the zoo runs under a python "leader" started in a new
// session/process group (detached) that makes itself a child subreaper
// (prctl PR_SET_CHILD_SUBREAPER), so every orphan and zombie of the zoo is
// reaped by it (PID 1 of some containers never reaps).  On stop the leader
// sends SIGTERM to every member of the group, then SIGKILL after 3 s, and
// reaps all.  It also stops the zoo (and removes the temp dir) by itself if
// this script dies.  As a last
// resort this script SIGKILLs the whole process group.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const USAGE = `usage: npm run capture-fixture -- DIR [--samples N] [--interval SECS] [--no-node]
  DIR            output directory (its proc/, sys/, N/ and zoo.json are replaced)
  --samples N    number of samples (N > 1: DIR/0, DIR/1, ...); default 1
  --interval S   seconds between samples; default 2
  --no-node      leave the node process out of the zoo (smaller fixture)`;

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { dir: null, samples: 1, interval: 2, node: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--samples') {
      opts.samples = Number(val());
      if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new Error('--samples must be an integer >= 1');
    } else if (a === '--interval') {
      opts.interval = Number(val());
      if (!Number.isFinite(opts.interval) || opts.interval <= 0) throw new Error('--interval must be > 0');
    } else if (a === '--no-node') {
      opts.node = false;
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}`);
    } else if (opts.dir === null) {
      opts.dir = a;
    } else {
      throw new Error(`unexpected argument ${a}`);
    }
  }
  if (!opts.dir) throw new Error('DIR is required');
  return opts;
}

// ---------------------------------------------------------------- helpers

const sleepMs = (ms) => new Promise((r) => setTimeout(r, ms));

/** Single-quote a string for bash. */
const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** Quote raw bytes for bash as $'...' (works for non-UTF-8 bytes). */
const shBytes = (buf) =>
  "$'" + [...buf].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0'))).join('') + "'";

/** The /proc/PID/cmdline bytes of an argv (strings or Buffers). */
const cmdlineOf = (argv) => Buffer.concat(argv.flatMap((a) => [Buffer.isBuffer(a) ? a : Buffer.from(a), Buffer.from([0])]));

/** Printable summary of cmdline bytes: NUL -> space, other bytes -> \xNN. */
function printable(buf, max = 100) {
  let s = '';
  for (const b of buf) s += b === 0 ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
  s = s.replace(/ $/, '');
  return s.length > max ? `${s.slice(0, max - 1)}… (${buf.length} bytes)` : s;
}

function readOrNull(p) {
  try {
    return fs.readFileSync(p);
  } catch {
    return null;
  }
}

/** Fields of /proc/PID/stat after the comm: [state, ppid, pgrp, ...] (split after the LAST ')'). */
function statFields(pid) {
  const b = readOrNull(`/proc/${pid}/stat`);
  if (!b) return null;
  const s = b.toString('latin1');
  return s.slice(s.lastIndexOf(')') + 2).trim().split(' ');
}

function allPids() {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

function pidsInGroup(pgid) {
  return allPids().filter((p) => {
    const f = statFields(p);
    return f && Number(f[2]) === pgid;
  });
}

function childrenOf(ppid) {
  return allPids().filter((p) => {
    const f = statFields(p);
    return f && Number(f[1]) === ppid;
  });
}

async function waitFor(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleepMs(50);
  }
}

function findInPath(name, dirs) {
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

// ---------------------------------------------------------------- the zoo

const LEADER_PY = String.raw`
import ctypes, os, shutil, signal, subprocess, sys, time
T = sys.argv[1]
parent = os.getppid()
me = os.getpid()
try:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        print('leader: prctl failed', file=sys.stderr)
except Exception as e:
    print('leader: no subreaper:', e, file=sys.stderr)
stopping = False
def on_stop(sig, frame):
    global stopping
    stopping = True
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, on_stop)

def members():
    out = []
    for n in os.listdir('/proc'):
        if not n.isdigit() or int(n) == me:
            continue
        try:
            with open('/proc/%s/stat' % n, 'rb') as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(b')') + 2:].split()
        if int(fields[2]) == me:
            out.append(int(n))
    return out

def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return

rc = subprocess.call(['/bin/bash', os.path.join(T, 'zoo.sh'), T])
with open(os.path.join(T, 'leader-ready'), 'w') as f:
    f.write(str(rc))
while not stopping and os.getppid() == parent:
    reap()
    time.sleep(0.2)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
for sig, secs in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
    for p in members():
        try:
            os.kill(p, sig)
        except OSError:
            pass
    end = time.time() + secs
    while time.time() < end:
        reap()
        if not members():
            break
        time.sleep(0.05)
    if not members():
        break
reap()
left = members()
if left:
    print('leader: still there:', left, file=sys.stderr)
if os.getppid() != parent:
    shutil.rmtree(T, ignore_errors=True)  # the capture script died: clean up for it
sys.exit(1 if left else 0)
`;

/**
 * The zoo members: role, bash command (run as `( cd CWD && exec CMD )`),
 * expected final argv (to know when it is up), cwd.
 */
function zooMembers(T, opts, memtestArgs) {
  const home = path.join(T, 'home');
  const m = [];
  const add = (role, cmd, argv, cwd = home, extra = {}) => m.push({ role, cmd, argv, cwd, ...extra });

  add('sleep', 'sleep 1000', ['sleep', '1000']);
  add('sleep-2', 'sleep 1001', ['sleep', '1001']);
  add('sleep-abs-path', '/bin/sleep 1002', ['/bin/sleep', '1002'], '/');
  add('python-c', `python3 -c ${shq('import time; time.sleep(1000)')}`, ['python3', '-c', 'import time; time.sleep(1000)']);
  add('python-m', 'python3 -m zoomod', ['python3', '-m', 'zoomod'], path.join(T, 'mod'));
  add('python-abs-script', `python3 ${shq(path.join(T, 'scripts', 'abs_script.py'))}`, ['python3', path.join(T, 'scripts', 'abs_script.py')]);
  add('python-rel-script', 'python3 ./sub/script.py', ['python3', './sub/script.py'], path.join(T, 'work'));
  add('shebang-sh', shq(path.join(T, 'bin', 'shebang.sh')), ['/bin/sh', path.join(T, 'bin', 'shebang.sh')], home, { child: 'shebang-sh-child' });
  add('shebang-env-python', shq(path.join(T, 'bin', 'shebang-py')), ['python3', path.join(T, 'bin', 'shebang-py')]);
  add('sh-c', `sh -c ${shq('sleep 1003; :')}`, ['sh', '-c', 'sleep 1003; :'], home, { child: 'sh-c-child' });
  add('perl-e', `perl -e ${shq('sleep 1000')}`, ['perl', '-e', 'sleep 1000']);
  const long = 'a-very-long-process-name-beyond-16';
  add('exec-a-long-argv0', `-a ${shq(long)} sleep 1004`, [long, '1004']);
  add('exec-a-digits', `-a 12345 sleep 1005`, ['12345', '1005']);
  add('exec-a-firefox-bin', `-a firefox-bin sleep 1006`, ['firefox-bin', '1006']);
  add('exec-a-gxx', `-a 'g++' sleep 1007`, ['g++', '1007']);
  add('exec-a-web-content', `-a 'Web Content' sleep 1008`, ['Web Content', '1008']);
  add('exec-a-empty', `-a '' sleep 1009`, ['', '1009']);
  const weird = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('weird')]);
  add('exec-a-non-utf8', `-a ${shBytes(weird)} sleep 1010`, [weird, '1010']);
  const longArgs = Array.from({ length: 620 }, (_, i) => `arg${String(i + 1).padStart(4, '0')}`);
  add('long-cmdline', `python3 -c ${shq('import time; time.sleep(1000)')} ${longArgs.join(' ')}`, ['python3', '-c', 'import time; time.sleep(1000)', ...longArgs]);
  const zcode = 'import os, time; pid = os.fork(); os._exit(0) if pid == 0 else time.sleep(1000)';
  add('zombie-parent', `python3 -c ${shq(zcode)}`, ['python3', '-c', zcode], home, { child: 'zombie' });
  const mt = path.join(T, 'bin', 'memtest');
  add('memtest-1', `${shq(mt)} ${memtestArgs.join(' ')}`, [mt, ...memtestArgs], path.join(T, 'memtmp'), { memtest: 'memtest-1.out' });
  add('memtest-2', `${shq(mt)} ${memtestArgs.join(' ')}`, [mt, ...memtestArgs], path.join(T, 'memtmp'), { memtest: 'memtest-2.out', delayBefore: 0.5 });
  if (opts.node) add('node-e', `node -e ${shq('setTimeout(()=>{}, 1e9)')}`, ['node', '-e', 'setTimeout(()=>{}, 1e9)']);
  if (opts.samples > 1) {
    add('loop-vanishes', `-a vanisher sleep 1011`, ['vanisher', '1011'], home, { onlySamples: [0] });
    add('loop-appears', `-a newcomer sleep 1012`, ['newcomer', '1012'], home, { fromSample: 1 });
  }
  return m;
}

function writeZooFiles(T, members) {
  for (const d of ['home', 'mod', 'scripts', 'work/sub', 'bin', 'memtmp']) fs.mkdirSync(path.join(T, d), { recursive: true });
  const w = (rel, text, mode = 0o644) => fs.writeFileSync(path.join(T, rel), text, { mode });
  w('mod/zoomod.py', '# pmemstat fixture zoo: python3 -m zoomod\nimport time\ntime.sleep(1000)\n');
  w('scripts/abs_script.py', '# pmemstat fixture zoo: started by absolute path\nimport time\ntime.sleep(1000)\n');
  w('work/sub/script.py', '# pmemstat fixture zoo: started as ./sub/script.py\nimport time\ntime.sleep(1000)\n');
  w('bin/shebang.sh', '#!/bin/sh\n# pmemstat fixture zoo: shebang script\nsleep 1000; :\n', 0o755);
  w('bin/shebang-py', '#!/usr/bin/env python3\n# pmemstat fixture zoo: env shebang\nimport time\ntime.sleep(1000)\n', 0o755);
  w('leader.py', LEADER_PY);

  const lines = ['#!/bin/bash', '# pmemstat fixture zoo launcher (generated)', 'T="$1"', ': > "$T/pids"'];
  for (const m of members) {
    if (m.delayBefore) lines.push(`sleep ${m.delayBefore}`);
    const out = m.memtest ? shq(path.join(T, m.memtest)) : '/dev/null';
    const env = m.memtest ? `TMPDIR=${shq(path.join(T, 'memtmp'))} ` : '';
    const exec = m.cmd.startsWith('-a ') ? `exec ${m.cmd}` : `${env}exec ${m.cmd}`;
    lines.push(`( cd ${shq(m.cwd)} && ${exec} ) </dev/null >${out} 2>&1 &`);
    lines.push(`echo ${shq(m.role)} $! >> "$T/pids"`);
  }
  lines.push('exit 0', '');
  w('zoo.sh', lines.join('\n'), 0o755);
}

// ---------------------------------------------------------------- capture

function copyFile(src, dst) {
  const b = readOrNull(src);
  if (b === null) return false;
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.writeFileSync(dst, b);
  return true;
}

function copyLink(src, dst) {
  let target;
  try {
    target = fs.readlinkSync(src, { encoding: 'buffer' });
  } catch {
    return false;
  }
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.symlinkSync(target, dst);
  return true;
}

function captureSample(root, pids, scriptFiles) {
  for (const f of ['meminfo', 'stat', 'vmstat']) copyFile(`/proc/${f}`, path.join(root, 'proc', f));
  for (const pid of pids) {
    const dst = path.join(root, 'proc', String(pid));
    fs.mkdirSync(dst, { recursive: true });
    // rollup first, smaps right after: as close in time as possible
    for (const f of ['cmdline', 'stat', 'smaps_rollup', 'smaps']) copyFile(`/proc/${pid}/${f}`, path.join(dst, f));
    for (const f of ['exe', 'cwd']) copyLink(`/proc/${pid}/${f}`, path.join(dst, f));
  }
  let names = [];
  try {
    names = fs.readdirSync('/sys/class/block').filter((n) => /^zram\d+$/.test(n));
  } catch {
    /* no /sys */
  }
  for (const z of names) for (const f of ['mm_stat', 'disksize']) copyFile(`/sys/class/block/${z}/${f}`, path.join(root, 'sys', 'class', 'block', z, f));
  // the zoo's own interpreter scripts, at their real paths under the root
  for (const f of scriptFiles) copyFile(f, path.join(root, f));
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const outDir = path.resolve(opts.dir);

  const sysDirs = ['/usr/local/bin', '/usr/bin', '/bin'];
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : findInPath('python3', (process.env.PATH || '').split(':').filter(Boolean));
  if (!python) throw new Error('python3 not found');
  const pyDir = path.dirname(execFileSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim());
  const cc = findInPath('cc', sysDirs) || findInPath('gcc', sysDirs);
  if (!cc) throw new Error('cc not found (needed for memtest.c)');
  const zooPath = [...new Set([pyDir, path.dirname(process.execPath), ...sysDirs])].join(':');

  const T = fs.mkdtempSync('/tmp/pmemstat-zoo-');
  const env = { PATH: zooPath, HOME: path.join(T, 'home'), LANG: 'C' };
  let leader = null;
  let leaderExited = false;
  let pgid = 0;
  const stopped = new Set();

  const stopZoo = async () => {
    if (!leader) return;
    for (const p of stopped) {
      try {
        process.kill(p, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    if (!leaderExited) {
      try {
        process.kill(leader.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const end = Date.now() + 12000;
      while (!leaderExited && Date.now() < end) await sleepMs(50);
    }
    let left = pidsInGroup(pgid);
    if (left.length) {
      console.error(`capture-fixture: zoo still running (${left.join(' ')}): SIGKILL to group ${pgid}`);
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
      await sleepMs(300);
      left = pidsInGroup(pgid);
      if (left.length) console.error(`capture-fixture: WARNING: left behind: ${left.join(' ')}`);
    }
    leader = null;
  };
  const onSignal = (sig) => {
    console.error(`capture-fixture: ${sig}, stopping the zoo`);
    stopZoo().finally(() => {
      fs.rmSync(T, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    if (leader && !leaderExited && pgid) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  let keyBase = 0;
  try {
    // memtest
    const memtestSrc = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'memtest.c');
    fs.mkdirSync(path.join(T, 'bin'), { recursive: true });
    execFileSync(cc, ['-O2', '-Wall', '-Wextra', memtestSrc, '-o', path.join(T, 'bin', 'memtest')], { env, stdio: 'inherit' });

    // a SysV key range no other memtest uses (default is 0x504d0000)
    let ipcs = '';
    try {
      ipcs = execFileSync('ipcs', ['-m'], { encoding: 'utf8' });
    } catch {
      /* no ipcs */
    }
    for (;;) {
      keyBase = 0x504e0000 + (1 + Math.floor(Math.random() * 255)) * 0x100;
      const used = [...ipcs.matchAll(/^0x([0-9a-f]+)/gim)].some(([, k]) => (parseInt(k, 16) & ~0xff) === keyBase);
      if (!used) break;
    }
    const stepMs = opts.samples > 1 ? Math.max(200, Math.ceil(((opts.samples - 1) * opts.interval * 1000 + 1500) / 13)) : 200;
    const memtestArgs = ['-i', String(stepMs), '-s', '-k', `0x${keyBase.toString(16)}`];

    const members = zooMembers(T, opts, memtestArgs);
    writeZooFiles(T, members);
    const scriptFiles = [
      path.join(T, 'mod', 'zoomod.py'),
      path.join(T, 'scripts', 'abs_script.py'),
      path.join(T, 'work', 'sub', 'script.py'),
      path.join(T, 'bin', 'shebang.sh'),
      path.join(T, 'bin', 'shebang-py'),
    ];

    // the leader, in a new session and process group
    const log = fs.openSync(path.join(T, 'leader.log'), 'w');
    leader = spawn(python, [path.join(T, 'leader.py'), T], { cwd: T, env, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    pgid = leader.pid;
    leader.on('exit', () => {
      leaderExited = true;
    });
    await waitFor('the zoo launcher', () => leaderExited || fs.existsSync(path.join(T, 'leader-ready')));
    if (leaderExited) throw new Error(`zoo leader died: ${fs.readFileSync(path.join(T, 'leader.log'), 'utf8')}`);

    const pidOf = new Map(
      fs
        .readFileSync(path.join(T, 'pids'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const i = l.lastIndexOf(' ');
          return [l.slice(0, i), Number(l.slice(i + 1))];
        }),
    );
    const procs = []; // {pid, role, member?}
    for (const m of members) {
      const pid = pidOf.get(m.role);
      if (!pid) throw new Error(`no pid for ${m.role}`);
      const want = cmdlineOf(m.argv);
      await waitFor(`${m.role} (pid ${pid}) to be up`, () => {
        const b = readOrNull(`/proc/${pid}/cmdline`);
        return b && b.equals(want);
      });
      procs.push({ pid, role: m.role, member: m });
      if (m.child) {
        const child = await waitFor(`the child of ${m.role}`, () => {
          const c = childrenOf(pid);
          if (c.length !== 1) return null;
          if (m.child === 'zombie') return statFields(c[0])?.[0] === 'Z' ? c[0] : null;
          const b = readOrNull(`/proc/${c[0]}/cmdline`);
          return b && b.toString('latin1').startsWith('sleep\0') ? c[0] : null;
        });
        procs.push({ pid: child, role: m.child, member: m });
      }
    }
    // memtests: fully grown (one sample) or a few steps in (loop)
    const memtests = procs.filter((p) => p.member.memtest && p.role === p.member.role);
    const stepsDone = (p) => (readOrNull(path.join(T, p.member.memtest)) || '').toString().split('\n').filter((l) => l.startsWith('step ')).length;
    for (const p of memtests) {
      await waitFor(`${p.role} to step`, () => (opts.samples > 1 ? stepsDone(p) >= 2 : stepsDone(p) >= 16), 30000);
    }
    procs.sort((a, b) => a.pid - b.pid);

    // clear previous capture output in DIR (keep anything else, e.g. expected reports)
    fs.mkdirSync(outDir, { recursive: true });
    for (const n of fs.readdirSync(outDir)) {
      if (['proc', 'sys', 'tmp', 'zoo.json'].includes(n) || /^\d+$/.test(n)) fs.rmSync(path.join(outDir, n), { recursive: true, force: true });
    }

    const inSample = (p, k) => {
      const m = p.member;
      if (m.onlySamples) return m.onlySamples.includes(k);
      if (m.fromSample !== undefined) return k >= m.fromSample;
      return true;
    };
    const t0 = Date.now();
    const stepsAt = [];
    for (let k = 0; k < opts.samples; k++) {
      const due = t0 + k * opts.interval * 1000;
      if (Date.now() < due) await sleepMs(due - Date.now());
      const root = opts.samples > 1 ? path.join(outDir, String(k)) : outDir;
      const pids = procs.filter((p) => inSample(p, k)).map((p) => p.pid);
      // freeze the growing memtests so each sample is self-consistent
      if (opts.samples > 1) {
        for (const p of memtests) {
          process.kill(p.pid, 'SIGSTOP');
          stopped.add(p.pid);
        }
        for (const p of memtests) await waitFor(`${p.role} to stop`, () => statFields(p.pid)?.[0] === 'T', 5000);
      }
      stepsAt.push(Object.fromEntries(memtests.map((p) => [p.role, stepsDone(p)])));
      captureSample(root, pids, scriptFiles);
      for (const p of memtests) {
        process.kill(p.pid, 'SIGCONT');
        stopped.delete(p.pid);
      }
      if (opts.samples > 1 && k === 0) {
        for (const p of procs.filter((q) => q.member.onlySamples)) {
          process.kill(p.pid, 'SIGTERM');
          await waitFor(`${p.role} to vanish`, () => !fs.existsSync(`/proc/${p.pid}`), 5000);
        }
      }
    }

    const zoo = {
      generator: 'scripts/capture-fixture.mjs',
      samples: opts.samples,
      ...(opts.samples > 1 ? { interval: opts.interval, sampleDirs: Array.from({ length: opts.samples }, (_, k) => String(k)) } : {}),
      zooDir: T,
      memtest: { stepMs, steps: 16, sysvKeyBase: `0x${keyBase.toString(16)}`, sharedFile: path.join(T, 'memtmp', 'pmemstat-memtest.shared'), stepsDone: opts.samples > 1 ? stepsAt : stepsAt[0] },
      processes: procs.map((p) => {
        const cmd = readOrNull(path.join(opts.samples > 1 ? path.join(outDir, String(p.member.fromSample ?? 0)) : outDir, 'proc', String(p.pid), 'cmdline'));
        const f = statFields(p.pid);
        const o = { pid: p.pid, role: p.role, ppid: f ? Number(f[1]) : null, cmd: cmd ? printable(cmd, 120) : '' };
        if (opts.samples > 1) o.samples = Array.from({ length: opts.samples }, (_, k) => k).filter((k) => inSample(p, k));
        return o;
      }),
    };
    fs.writeFileSync(path.join(outDir, 'zoo.json'), JSON.stringify(zoo, null, 2) + '\n');

    console.log(`captured ${procs.length} processes into ${outDir}${opts.samples > 1 ? ` (${opts.samples} samples, ${opts.interval} s apart)` : ''}:`);
    for (const p of zoo.processes) console.log(`  ${String(p.pid).padStart(7)}  ${p.role.padEnd(20)} ${p.cmd}${p.samples ? `   [samples ${p.samples.join(',')}]` : ''}`);
  } finally {
    await stopZoo();
    fs.rmSync(T, { recursive: true, force: true });
    // SysV segments of our key range left behind (should not happen: memtest removes them)
    if (keyBase) {
      try {
        const ipcs = execFileSync('ipcs', ['-m'], { encoding: 'utf8' });
        for (const [, k, id] of ipcs.matchAll(/^0x([0-9a-f]+)\s+(\d+)/gim)) {
          if ((parseInt(k, 16) & ~0xff) === keyBase) {
            console.error(`capture-fixture: removing leftover SysV segment 0x${k}`);
            execFileSync('ipcrm', ['-m', id]);
          }
        }
      } catch {
        /* no ipcs */
      }
    }
  }
}

main().catch((e) => {
  console.error(`capture-fixture: ${e.message}`);
  process.exitCode = 1;
});
