// Shared setup of the helper/kill/elevation tests: a fresh bundle of the helper (and of
// the test driver) in a world-readable temp dir, throw-away users with sudoers drop-ins,
// and a raw NDJSON connection to a spawned helper. Not a test file itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { LineSplitter, parseReply, type Reply } from '../../src/shared/protocol';
import { onCleanup, REPO, tmpDir, type TestUser } from '../support';

export const NODE = realpathSync(process.execPath);

export interface Bundle {
  dir: string;
  /** The helper: a bundle of src/cli/main.ts, like dist/sampler.js. */
  script: string;
  /** The test driver (launcher + client), run as a test user. */
  driver: string;
}

/** Bundle the helper (and the driver) into a fresh 0755 temp dir readable by every user. */
export async function makeBundle(withDriver = false): Promise<Bundle> {
  // World-traversable (tmpDir is under /tmp, whatever $TMPDIR says): the test users must reach it.
  const dir = tmpDir('bundle', 0o755);
  const script = join(dir, 'sampler.js');
  const driver = join(dir, 'driver.js');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'es2022', logLevel: 'warning' as const };
  await build({ ...common, entryPoints: [join(REPO, 'src/cli/main.ts')], outfile: script });
  // The system dialog's process, which the launcher finds next to the helper (like dist/).
  await build({ ...common, entryPoints: [join(REPO, 'src/host/sudoPromptChild.ts')], outfile: join(dir, 'sudoprompt.js') });
  if (withDriver) await build({ ...common, entryPoints: [join(REPO, 'test/integration/helperDriver.ts')], outfile: driver });
  for (const f of [script, driver]) if (existsSync(f)) chmodSync(f, 0o755);
  return { dir, script, driver };
}

export function removeBundle(b: Bundle | undefined): void {
  if (b) rmSync(b.dir, { recursive: true, force: true });
}

const dropIn = (name: string) => `/etc/sudoers.d/pmemstat-test-${name}`;

/** A sudoers drop-in for a test user (checked with visudo before it is installed). */
export function allowSudo(user: string, rules: string): void {
  const text = `Defaults:${user} timestamp_timeout=0, passwd_tries=3, !lecture\n${rules}\n`;
  mkdirSync('/etc/sudoers.d', { recursive: true });
  const tmp = `${dropIn(user)}.tmp`;
  writeFileSync(tmp, text, { mode: 0o440 });
  const ok = spawnSync('visudo', ['-cf', tmp], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    rmSync(tmp, { force: true });
    throw new Error(`bad sudoers rules: ${rules}`);
  }
  const r = spawnSync('mv', [tmp, dropIn(user)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mv ${tmp}: ${r.stderr}`);
  onCleanup(() => removeSudo(user));
}

export function removeSudo(user: string): void {
  rmSync(dropIn(user), { force: true });
}

/** A spawned helper spoken to line by line, without the client's checks. */
export class RawHelper {
  readonly child: ChildProcess;
  readonly replies: Reply[] = [];
  readonly bad: string[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, args: string[] = ['--serve'], user?: TestUser) {
    this.child = spawn(NODE, [script, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid, cwd: '/' } : {}),
    });
    const split = new LineSplitter(512 * 1024 * 1024);
    this.child.stdout!.on('data', (d: Buffer) => {
      for (const ev of split.push(d)) {
        if (!('line' in ev)) continue;
        const p = parseReply(ev.line);
        if (p.ok) this.replies.push(p.reply);
        else this.bad.push(`${p.message}: ${ev.line.slice(0, 200)}`);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((res) => this.child.once('exit', (code, signal) => res({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(text: string | Buffer): void {
    this.child.stdin!.write(text);
  }

  /** Wait until `n` replies (hello included) have arrived. */
  async waitFor(n: number, ms = 30_000): Promise<Reply[]> {
    const deadline = Date.now() + ms;
    while (this.replies.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.replies.length} of ${n} replies; stderr: ${this.stderr}`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    return this.replies;
  }

  /** Send one request line and wait for the reply with its id. */
  async request(msg: Record<string, unknown> & { id: number }, ms = 30_000): Promise<Reply> {
    this.send(JSON.stringify(msg) + '\n');
    const deadline = Date.now() + ms;
    for (;;) {
      const r = this.replies.find((x) => x.id === msg.id && x.seq > 0);
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(msg)}; stderr: ${this.stderr}`);
      await this.waitFor(this.replies.length + 1, deadline - Date.now()).catch(() => undefined);
    }
  }

  close(): void {
    this.child.stdin!.end();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** What /proc says about a pid: gone (absent or zombie) or its state letter. */
export function procState(pid: number): 'gone' | string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = s.slice(s.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X' ? 'gone' : state;
  } catch {
    return 'gone';
  }
}

export function startTime(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[19]);
}


export async function waitUntil(cond: () => boolean, ms: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return cond();
}

/**
 * A minimal captured /proc tree with three processes, for deterministic samples; `extra`
 * more processes with command lines of `cmdChars` characters make big sample replies.
 */
export function makeProcTree(extra = 0, cmdChars = 0): string {
  const root = tmpDir('tree', 0o755);
  const w = (p: string, text: string | Buffer) => {
    const f = join(root, p);
    mkdirSync(dirname(f), { recursive: true, mode: 0o755 });
    writeFileSync(f, text, { mode: 0o644 });
  };
  w('proc/meminfo', 'MemTotal:       16000000 kB\nMemAvailable:    8000000 kB\nShmem:            100000 kB\nDirty:               100 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n');
  w('proc/stat', 'cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\n');
  w('proc/vmstat', 'pgmajfault 5\n');
  const proc = (pid: number, comm: string, argv: string[], anon: number, file: number) => {
    w(`proc/${pid}/stat`, `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 0 0 0 0 10 5 0 0 20 0 1 0 ${1000 + pid} 0 0 0\n`);
    w(`proc/${pid}/cmdline`, Buffer.from(argv.join('\0') + '\0'));
    w(
      `proc/${pid}/smaps_rollup`,
      `00400000-7fff00000000 ---p 00000000 00:00 0    [rollup]\nRss: ${anon + file} kB\nPss: ${anon + file} kB\nPss_Anon: ${anon} kB\nPss_File: ${file} kB\nPss_Shmem: 0 kB\nSwapPss: 0 kB\n`,
    );
  };
  proc(100, 'alpha', ['/usr/bin/alpha', '--x'], 2000, 500);
  proc(200, 'beta', ['/usr/bin/beta'], 1000, 100);
  proc(201, 'beta', ['/usr/bin/beta', 'two'], 1000, 100);
  for (let i = 0; i < extra; i++) proc(1000 + i, 'gamma', ['/usr/bin/gamma', String(i).padEnd(cmdChars, 'x')], 100, 10);
  return root;
}

/** The test driver (helperDriver.ts) running as a test user, spoken to as NDJSON. */
export class Driver {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  stdoutText = '';
  stderr = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(b: Bundle, user: TestUser | null, config: unknown) {
    this.child = spawn(NODE, [b.driver], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: b.dir,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/nonexistent', LANG: 'C' },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    let buf = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      this.stdoutText += s;
      buf += s;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        this.events.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
        buf = buf.slice(i + 1);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin!.on('error', () => {});
    this.exited = new Promise((res) => this.child.once('exit', (code) => res(code)));
    this.child.once('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
    this.send(config);
  }

  send(o: unknown): void {
    this.child.stdin!.write(JSON.stringify(o) + '\n');
  }

  /** The next event of this kind (consumed), waiting up to `ms`. */
  async next(kind: string | string[], ms = 60_000): Promise<Record<string, unknown>> {
    const kinds = Array.isArray(kind) ? kind : [kind];
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.events.findIndex((e) => kinds.includes(e.event as string));
      if (i >= 0) return this.events.splice(i, 1)[0];
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`no ${kinds.join('/')} event; events ${JSON.stringify(this.events)}; stderr: ${this.stderr}`);
      }
      await new Promise<void>((res) => {
        const t = setTimeout(res, 250);
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  close(): void {
    this.child.stdin!.end();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
