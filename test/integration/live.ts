// Helpers for tests against the live /proc: processes the test starts and stops,
// memtest built from memtest.c, and test users.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
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
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    this.children.push(c);
    return c;
  }

  /** Resolve once the child has printed a line matching `re`. */
  static waitFor(c: ChildProcess, re: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
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

export const isRoot = () => process.getuid?.() === 0;

/** Create (or reuse) a system user without sudo rights. Root only. */
export function ensureUser(name: string): { uid: number; gid: number } {
  if (spawnSync('id', ['-u', name]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  }
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}

/** dist/sampler.js copied where any user can run it (the checkout may sit under 0700 dirs). */
export function publicSamplerCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-pub-'));
  chmodSync(dir, 0o755);
  const dst = join(dir, 'sampler.js');
  copyFileSync(join(REPO, 'dist', 'sampler.js'), dst);
  chmodSync(dst, 0o644);
  return dst;
}

export function uidOf(pid: number): number | null {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
