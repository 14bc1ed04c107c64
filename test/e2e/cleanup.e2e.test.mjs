// Nothing a run of the e2e suite starts outlives its runner, however the runner ends: Ctrl-C (SIGINT
// to its process group, as a terminal sends it), SIGTERM, SIGHUP and SIGKILL (to the runner
// alone, as a time limit or a closed session does), and the runner does not outlive its parent
// (npm killed by a time limit). Each case runs test/e2e/run.mjs on
// cleanup-probe.mjs — code-server with a logged-in workbench, chromium, a child that ignores
// SIGTERM, and a process outside the group and the environment that names the run only in its
// argv — under a run id of its own, ends the runner that way, then reads /proc: no process with
// the run's id in its command line or environment, none of the probe's pids, no socket listening
// on code-server's port; and its temporary directories are gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isRunning, processesMentioning, waitUntil } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Sockets listening on 127.0.0.1/::1 `port` (/proc/net/tcp and tcp6: state 0A = LISTEN). */
function listening(port) {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const out = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , st] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${hex}`) && st === '0A') out.push(`${f}: ${line.trim()}`);
    }
  }
  return out;
}

const WAYS = [
  { name: 'Ctrl-C (SIGINT to the process group)', sig: 'SIGINT', group: true, status: 130 },
  { name: 'SIGTERM', sig: 'SIGTERM', status: 143 },
  { name: 'SIGHUP', sig: 'SIGHUP', status: 129 },
  { name: 'SIGKILL (the watchdogs notice)', sig: 'SIGKILL' },
  // `npm test` killed by a time limit: the runner's parent goes, the runner must not stay.
  { name: 'SIGKILL of its parent (npm, say)', sig: 'SIGKILL', parent: true },
];

for (const way of WAYS) {
  test(`${way.name} of the runner leaves no process and no listening socket of the run`, { timeout: 240_000 }, async (t) => {
    const run = `pmemstat-e2e-${randomBytes(4).toString('hex')}`;
    const out = path.join(os.tmpdir(), `${run}-probe.json`);
    let log = '';
    // NODE_TEST_CONTEXT would make the inner `node --test` think it runs inside this test file.
    const { NODE_TEST_CONTEXT, ...env } = process.env;
    const args = [path.join(here, 'run.mjs'), '--no-build', path.join(here, 'cleanup-probe.mjs')];
    // `; exit` keeps sh from exec'ing node: sh stays the runner's parent, as npm is.
    const [cmd, argv] = way.parent ? ['/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...args]] : [process.execPath, args];
    const runner = spawn(cmd, argv, {
      env: { ...env, PMEMSTAT_E2E_RUN: run, PROBE_OUT: out },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // a process group of its own, as a shell gives a foreground job
    });
    runner.stdout.on('data', (d) => (log += d));
    runner.stderr.on('data', (d) => (log += d));
    const exited = new Promise((r) => runner.once('exit', (code, signal) => r({ code, signal })));
    let probe;
    try {
      await waitUntil(() => existsSync(out) || runner.exitCode !== null, { timeout: 150_000, interval: 200, what: 'the probe to start' });
      assert.ok(existsSync(out), `the probe did not start:\n${log}`);
      probe = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(probe.run, run);
      const before = processesMentioning([run]);
      t.diagnostic(`running: ${before.length} processes of ${run}, code-server on port ${probe.port}`);
      assert.ok(listening(probe.port).length > 0, 'code-server is not listening');
      for (const pid of [probe.codeServer, probe.stubborn, probe.outsider]) assert.ok(isRunning(pid), `pid ${pid} of the probe is not running`);
      assert.ok(before.length >= 8, `expected code-server, its hosts, chromium, … (got ${JSON.stringify(before)})`);

      const runnerPid = way.parent ? before.find((p) => p.cmd.includes(`${path.join(here, 'run.mjs')} --no-build`) && !p.cmd.startsWith('/bin/sh'))?.pid : runner.pid;
      assert.ok(runnerPid, 'the runner');
      const runnerExited = way.parent ? waitUntil(() => !isRunning(runnerPid), { timeout: 60_000, interval: 50, what: 'the runner to exit' }) : exited;
      process.kill(way.group ? -runner.pid : runner.pid, way.sig);
      let timer;
      const end = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), 60_000)))]);
      clearTimeout(timer);
      assert.ok(end, `the runner did not exit within 60 s of ${way.sig}`);
      if (way.parent) {
        assert.deepEqual(end, { code: null, signal: 'SIGKILL' }); // the parent
        await runnerExited;
      } else if (way.status) assert.deepEqual(end, { code: way.status, signal: null }, log);
      else assert.deepEqual(end, { code: null, signal: 'SIGKILL' });

      // After SIGKILL the runner cannot wait for anything: its watchdog works on after it. Every
      // other way, all is gone by the time the runner has exited.
      const left = () => ({
        processes: processesMentioning([run]),
        probePids: [probe.codeServer, probe.stubborn, probe.outsider].filter(isRunning),
        listening: listening(probe.port),
        tempDirs: probe.temp.filter((d) => existsSync(d)),
      });
      if (way.sig === 'SIGKILL' && !way.parent) {
        await waitUntil(() => {
          const l = left();
          return l.processes.length + l.probePids.length + l.listening.length + l.tempDirs.length === 0;
        }, { timeout: 30_000, interval: 250, what: 'the watchdogs to stop the run' }).catch(() => {});
      }
      assert.deepEqual(left(), { processes: [], probePids: [], listening: [], tempDirs: [] }, `left behind after ${way.sig}; runner output:\n${log}`);
    } finally {
      try {
        process.kill(-runner.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      // Whatever a failure left: not the next case's problem.
      for (const p of processesMentioning([run])) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (probe?.work) rmSync(probe.work, { recursive: true, force: true });
      rmSync(out, { force: true });
    }
  });
}
