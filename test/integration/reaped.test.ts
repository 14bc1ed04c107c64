// A vitest run SIGKILLed (a time limit, a closed session) runs no afterAll and no 'exit'
// handler: what its test files started must still go. A probe test file, run by a vitest of its
// own, starts what the exporter's and the recorder's tests start the way they start it — a real
// Prometheus through the exporter tests' Children (when Debian's prometheus is installed), a
// `pmemstat record` marked as the recorder tests mark it, and a process through live.ts's Procs
// — and waits; that vitest is SIGKILLed (its main process alone), and then no process of the
// probe may be left, none carrying its marker, and nothing listening on Prometheus's port.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesMarked } from '../../scripts/reaper.mjs';
import { REPO } from '../support';
import { hasPrometheus } from './exporterSetup';

const base = join(REPO, 'test', '.tmp');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'reaped-'));
const stray: number[] = [];

afterAll(() => {
  for (const pid of stray) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    return !/^\S+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
};

/** Sockets listening on 127.0.0.1 `port` (/proc/net/tcp, state 0A). */
function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .some((l) => {
      const [, local, , st] = l.trim().split(/\s+/);
      return local?.endsWith(hex) && st === '0A';
    });
}

async function until(test: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 200))) if (test()) return true;
  return test();
}

const PROBE = `import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { Children, startPrometheus } from ${JSON.stringify(join(REPO, 'test/integration/exporterSetup.ts'))};
import { Procs } from ${JSON.stringify(join(REPO, 'test/integration/live.ts'))};
import { OWNER, reapedEnv } from ${JSON.stringify(join(REPO, 'test/support/reaped.ts'))};

// Under the outer test's directory: that test removes it, this file never ends.
const sub = (name) => (mkdirSync(${JSON.stringify(dir)} + '/' + name), ${JSON.stringify(dir)} + '/' + name);

it('starts what the tests start, and waits', async () => {
  const kids = new Children();
  const prom = ${hasPrometheus} ? await startPrometheus(kids, sub('prom'), '') : null;
  const recorder = spawn(process.execPath, [${JSON.stringify(join(REPO, 'dist', 'sampler.js'))}, 'record', '--dir', sub('rec'), '--interval', '0.5'], { stdio: 'ignore', detached: true, env: reapedEnv() });
  const sleeper = new Procs().start('sleep', ['1000']);
  const pids = [recorder.pid, sleeper.pid];
  writeFileSync(${JSON.stringify(join(dir, 'pids.json'))}, JSON.stringify({ owner: OWNER, worker: process.pid, pids, port: prom?.port ?? 0 }));
  await new Promise(() => {});
}, 600_000);
`;

describe('a SIGKILLed vitest leaves nothing its tests started', () => {
  it('Prometheus, a recorder and a Procs child go with the test process', async () => {
    const probe = join(dir, 'probe.test.ts');
    writeFileSync(probe, PROBE);
    const config = join(dir, 'vitest.config.mjs');
    writeFileSync(config, `export default { root: ${JSON.stringify(REPO)}, test: { include: [${JSON.stringify(relative(REPO, probe))}], reporters: ['dot'] } };\n`);
    const vitest = spawn(process.execPath, [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', config], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    stray.push(vitest.pid!);
    let log = '';
    vitest.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    vitest.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    const file = join(dir, 'pids.json');
    expect(await until(() => existsSync(file) || vitest.exitCode !== null, 120_000), `the probe did not start: ${log}`).toBe(true);
    expect(existsSync(file), log).toBe(true);
    const got = JSON.parse(readFileSync(file, 'utf8')) as { owner: string; worker: number; pids: number[]; port: number };
    for (const p of got.pids) expect(alive(p), `${p} was not started`).toBe(true);
    // What carries the marker is what the watchdog will stop: the test process itself does not.
    const marked = processesMarked([got.owner]).map((p) => p.pid);
    for (const p of got.pids) expect(marked).toContain(p);
    expect(marked).not.toContain(got.worker);
    if (hasPrometheus) expect(listening(got.port)).toBe(true);

    process.kill(vitest.pid!, 'SIGKILL');
    const gone = () => !alive(got.worker) && got.pids.every((p) => !alive(p)) && processesMarked([got.owner]).length === 0 && !(got.port && listening(got.port));
    const left = () => ({ worker: alive(got.worker), pids: got.pids.filter(alive), marked: processesMarked([got.owner]), listening: got.port > 0 && listening(got.port) });
    expect(await until(gone, 30_000), JSON.stringify(left())).toBe(true);
  }, 180_000);
});
