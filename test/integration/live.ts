// Helpers for tests against the live /proc: processes the test starts and stops, and
// memtest built from memtest.c.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../../src/core/types';
import { onTestFinished } from 'vitest';
import { Sampler } from '../../src/sampler/sampler';
import { REPO, sleep, tmpDir } from '../support';
import { reapedEnv } from '../support/reaped';

/** A Sampler closed when the test ends, passed or failed (its fds do not burden the next test). */
export function testSampler(opts: ConstructorParameters<typeof Sampler>[0]): Sampler {
  const s = new Sampler(opts);
  onTestFinished(() => s.close());
  return s;
}

/**
 * One sample from a Sampler of its own, closed after: a Sampler keeps fds on every process it
 * has seen, and left open on a machine of 2,000 processes a few of them run out of fds.
 */
export function sampleOnce(opts: ConstructorParameters<typeof Sampler>[0]): Sample {
  const s = new Sampler(opts);
  try {
    return s.sample();
  } finally {
    s.close();
  }
}

const TMP = join(REPO, 'test', '.tmp');

/**
 * memtest compiled from memtest.c (once per change of the source). `linkStatic`: no libc .so
 * shared with other processes, so its Pss does not move while another program (smem) runs.
 */
export function buildMemtest(linkStatic = false): string {
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, linkStatic ? 'memtest-static' : 'memtest');
  const src = join(REPO, 'memtest.c');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('cc', ['-O2', '-Wall', ...(linkStatic ? ['-static'] : []), '-o', out, src]);
  }
  return out;
}

/**
 * A static program that prints "up" and waits: no page of it is shared with any other
 * process (its own file, no libc .so), so its Pss cannot move when others start or exit.
 */
export function buildStaticIdle(): string {
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, 'idle-static');
  if (!existsSync(out)) {
    const src = join(TMP, 'idle-static.c');
    writeFileSync(src, '#include <stdio.h>\n#include <unistd.h>\nint main(void) { puts("up"); fflush(stdout); for (;;) pause(); }\n');
    execFileSync('cc', ['-static', '-O2', '-o', out, src]);
  }
  return out;
}

export class Procs {
  private children: ChildProcess[] = [];

  start(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
    // Marked: a SIGKILLed vitest skips afterAll, and the watchdog stops them (test/support/reaped.ts).
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts, env: reapedEnv(opts.env) });
    // A spawn that fails (EMFILE, ENOENT) fails the test that waits for it, not the whole run.
    c.on('error', () => {});
    this.children.push(c);
    return c;
  }

  /** Resolve once the child has printed a line matching `re`. */
  static waitFor(c: ChildProcess, re: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      c.once('error', (e) => reject(new Error(`${c.spawnargs.join(' ')} did not start: ${e.message}`)));
      if (!c.stdout) return;
      let seen = '';
      const t = setTimeout(() => reject(new Error(`timeout waiting for ${re} (got ${JSON.stringify(seen.slice(-300))})`)), timeoutMs);
      c.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (re.test(seen)) {
          clearTimeout(t);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`exited (${code}) before ${re}`));
      });
    });
  }

  stopAll(): void {
    for (const c of this.children) {
      if (c.pid && c.exitCode === null) {
        try {
          process.kill(-c.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
    }
    this.children = [];
  }
}

/** dist/sampler.js copied where any user can run it (the checkout may sit under 0700 dirs). */
export function publicSamplerCopy(): string {
  const dir = tmpDir('pub', 0o755);
  const dst = join(dir, 'sampler.js');
  copyFileSync(join(REPO, 'dist', 'sampler.js'), dst);
  chmodSync(dst, 0o644);
  return dst;
}

/** Remove cgroup directories a test made, deepest first; each goes once its last process has been reaped. */
export async function removeCgroups(dirs: readonly string[]): Promise<void> {
  for (const dir of [...dirs].reverse()) {
    for (let i = 0; i < 50 && existsSync(dir); i++) {
      try {
        rmdirSync(dir);
      } catch {
        await sleep(100);
      }
    }
  }
}
