// `npm run dev` killed at npm (SIGKILL to npm alone, as a time limit or `kill -9` does):
// nothing tells scripts/dev.mjs, whose parent it was. A starter shaped like dev.mjs (a
// watchdog from scripts/reaper.mjs, a detached server marked in its environment, and
// onStarterGone wired to its stop) runs under three stand-ins for npm; the stand-in is
// SIGKILLed and nothing of the run may remain: starter, server, watchdog.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support';

let dir: string;
let starter: string;
const stray: number[] = [];

beforeAll(() => {
  dir = mkdtempSync('/tmp/pmemstat-devstarter-');
  starter = join(dir, 'starter.mjs');
  writeFileSync(
    starter,
    `import { spawn } from 'node:child_process';
import { onStarterGone, startReaper } from ${JSON.stringify(join(REPO, 'scripts/reaper.mjs'))};
const mark = process.argv[2];
let onGone = () => process.exit(1);
onStarterGone(() => onGone());
const reaper = startReaper(mark, { marks: [mark] });
const server = spawn('sleep', ['300'], { detached: true, stdio: 'ignore', env: { ...process.env, PMEMSTAT_DEV_RUN: mark } });
async function stop() {
  try { process.kill(-server.pid, 'SIGTERM'); } catch {}
  await reaper.close();
  process.exit(0);
}
onGone = () => void stop();
console.log(JSON.stringify({ starter: process.pid, server: server.pid, reaper: reaper.pid }));
setInterval(() => {}, 60_000);
`,
  );
});

afterAll(() => {
  for (const pid of stray) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^\S+ \(.*\) [ZX]/.test(s);
  } catch {
    return false;
  }
};

async function until(test: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 100))) if (test()) return true;
  return test();
}

// The stand-ins for npm, each a job of its own (a process group, as a shell starts it).
const NPMS: { name: string; argv: (mark: string) => string[] }[] = [
  // npm → node (dash execs a lone command: node's parent is npm itself).
  { name: 'npm as the parent', argv: (m) => [process.execPath, '-e', `require('child_process').spawn(process.execPath, [${JSON.stringify(starter)}, ${JSON.stringify(m)}], { stdio: 'inherit' }); setInterval(() => {}, 60000)`] },
  // npm → sh -c → node: the starter's parent outlives npm; npm led the job.
  { name: 'npm as the group leader, a shell between', argv: (m) => ['/bin/sh', '-c', `/bin/sh -c '"$0" "$1" "$2"; exit $?' "$0" "$1" "$2"; exit $?`, process.execPath, starter, m] },
];

describe('kill -9 of the npm that started `npm run dev` leaves nothing', () => {
  for (const npm of NPMS) {
    it(npm.name, async () => {
      const mark = `pmemstat-devtest-${randomBytes(6).toString('hex')}`;
      const job = spawn(npm.argv(mark)[0], npm.argv(mark).slice(1), { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      stray.push(job.pid!);
      const line = await new Promise<string>((res, rej) => {
        let out = '';
        job.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) res(out.split('\n')[0]);
        });
        job.once('exit', () => rej(new Error(`the job ended first: ${out}`)));
      });
      const pids = JSON.parse(line) as { starter: number; server: number; reaper: number };
      stray.push(pids.starter, pids.server, pids.reaper);
      for (const p of Object.values(pids)) expect(alive(p)).toBe(true);
      process.kill(job.pid!, 'SIGKILL');
      expect(await until(() => Object.values(pids).every((p) => !alive(p)), 10_000), JSON.stringify(pids)).toBe(true);
    }, 20_000);
  }
});
