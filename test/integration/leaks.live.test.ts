// Leak suspicion on the live system: the `pmemstat -l 2 --leaks` command with a running
// memtest (default 10 s steps), a sleep and an idle shell.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMemtest, Procs } from './live';
import { REPO } from '../support';

const procs = new Procs();
afterAll(() => procs.stopAll());

describe('pmemstat -l 2 --leaks', () => {
  let memtest = '';
  beforeAll(() => {
    memtest = buildMemtest();
  });

  it('flags a running memtest within one minute, never a sleep or an idle shell', async () => {
    const m = procs.start(memtest, ['-k', `0x${(0x50700000 + ((process.pid & 0xfff) << 8)).toString(16)}`]);
    await Procs.waitFor(m, /step 1\//);
    const s = procs.start('sleep', ['1000']);
    const sh = procs.start('sh', ['-c', 'echo up; read x; :']);
    const pids = [m.pid, s.pid, sh.pid].map(String);
    const started = Date.now();
    const cli = spawn(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-U', '-l', '2', '--leaks', ...pids], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no leak flagged in 60 s:\n${out}`)), 60_000);
        cli.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/LEAK\? memtest /.test(out)) {
            clearTimeout(t);
            resolve();
          }
        });
        cli.once('exit', (code) => reject(new Error(`pmemstat exited ${code}: ${out}`)));
      });
    } finally {
      cli.kill('SIGTERM');
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(out).toMatch(/^watching for leaks/);
    expect(out, out).toMatch(/LEAK\? memtest \(pid \d+\): 1 process grew by [\d,]+ MB in \d+s \(up in \d+ of 20 steps, down in \d+\); ptotal now /);
    expect(out).not.toMatch(/LEAK\? (sleep|sh)\b/);
  }, 90_000);
});
