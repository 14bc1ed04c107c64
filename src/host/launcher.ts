// Starts the sampler helper with the most privilege available, in this order (docs/protocol.md):
//   1. directly, when the host is root or pmemstat.runAsUser is set;
//   2. under `sudo -n` (NOPASSWD or cached credentials);
//   3. when the user asked for it (elevate): through @vscode/sudo-prompt on a local
//      graphical session (the helper connects back over a Unix socket: sudoPrompt.ts), else
//      `sudo -S` with the password asked through the UI (at most 3 tries);
//   4. else as the user, saying why.
// Processes are spawned with argument arrays only; the password goes to sudo's stdin and
// is never logged or kept. No `vscode` import: the UI comes in through LauncherUi.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { PrivilegeMode } from '../shared/webviewProtocol';
import { HelperClient, type HelperClientOptions } from './helperClient';
import { elevatedArgv, HELPER_NODE_FLAGS } from './helperArgv';
import { trySudoPrompt, type Attempt, type SudoPromptExec } from './sudoPrompt';

export { elevatedArgv, HELPER_NODE_FLAGS } from './helperArgv';
export { shellWord, type SudoPromptExec } from './sudoPrompt';

export interface LauncherUi {
  /** Ask for the sudo password; undefined = cancelled. */
  askPassword(prompt: string, attempt: number): Promise<string | undefined>;
  /** Progress and failures (never called with a password). */
  log(message: string): void;
}

export interface LaunchOptions {
  /** Absolute path of dist/sampler.js. */
  helperScript: string;
  /** Default process.execPath. */
  nodePath?: string;
  /** Default !!process.versions.electron: then ELECTRON_RUN_AS_NODE=1 is passed (via `env` under sudo). */
  isElectron?: boolean;
  /** The setting pmemstat.runAsUser. */
  runAsUser: boolean;
  /** false = only root / sudo -n, never prompt (startup); true = the user asked ("Run as Root…"). */
  elevate: boolean;
  ui: LauncherUi;
  /** Default 'sudo' (tests may inject a stand-in). */
  sudoPath?: string;
  /** Injectable @vscode/sudo-prompt exec (tests). */
  sudoPrompt?: SudoPromptExec;
  /** Default: DISPLAY/WAYLAND_DISPLAY set, pkexec present, and not a remote/WSL/container session. */
  hasGraphicalSession?: boolean;
  /** Extra arguments for the helper after --serve/--connect (e.g. ['--root', DIR] in tests). */
  helperArgs?: string[];
  /** How long to wait for the connect-back after sudo-prompt was started (default 5 min). */
  connectTimeoutMs?: number;
  /** How long a started helper may take to say hello (default 20 s). */
  helloTimeoutMs?: number;
  /** Passed to the HelperClient (protocol problems that belong to no request). */
  clientLog?: HelperClientOptions['log'];
}

export interface Launched {
  client: HelperClient;
  mode: PrivilegeMode;
  /** Why the helper runs as the user (mode 'user'). */
  reason?: string;
}

/** How many password tries before giving up (sudo's own default is 3 too). */
export const MAX_PASSWORD_TRIES = 3;
/** What sudo -S cannot take in a password (it reads up to the first line break). */
const UNSENDABLE = /[\n\r\0]/;
const UNSENDABLE_WHY = 'a password with a line break or NUL character cannot be given to sudo, which reads one line';

interface Resolved {
  nodePath: string;
  script: string;
  isElectron: boolean;
  sudo: string;
  extra: string[];
  helloMs: number;
  o: LaunchOptions;
}

/** Whether a local graphical password dialog (pkexec via sudo-prompt) can be shown. */
export function detectGraphicalSession(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  const remote = ['SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY', 'WSL_DISTRO_NAME', 'WSL_INTEROP', 'REMOTE_CONTAINERS', 'CODESPACES', 'VSCODE_REMOTE_CONTAINERS_SESSION'];
  if (remote.some((k) => env[k])) return false;
  // The two programs @vscode/sudo-prompt looks for on Linux.
  return existsSync('/usr/bin/pkexec') || existsSync('/usr/bin/kdesudo');
}

export async function launchHelper(o: LaunchOptions): Promise<Launched> {
  const r: Resolved = {
    nodePath: o.nodePath ?? process.execPath,
    script: o.helperScript,
    isElectron: o.isElectron ?? !!process.versions.electron,
    sudo: o.sudoPath ?? 'sudo',
    extra: o.helperArgs ?? [],
    helloMs: o.helloTimeoutMs ?? 20_000,
    o,
  };
  const log = (m: string) => o.ui.log(m);
  const uid = process.getuid?.() ?? -1;

  if (uid === 0) {
    log('the extension host runs as root: starting the sampler helper directly');
    return { client: await startDirect(r), mode: 'root' };
  }
  if (o.runAsUser) {
    log('pmemstat.runAsUser is set: starting the sampler helper as the user');
    return { client: await startDirect(r), mode: 'user', reason: 'pmemstat.runAsUser is set: only your own processes are readable' };
  }

  const reasons: string[] = [];
  log('trying sudo -n (no password)');
  const n = await trySudoN(r);
  if (n.ok) {
    log('the sampler helper runs as root (sudo -n)');
    return { client: n.client, mode: 'sudo-n' };
  }
  log(`sudo -n: ${n.reason}`);
  reasons.push(n.reason);

  if (o.elevate) {
    let viaPassword = !n.noSudo;
    const graphical = o.hasGraphicalSession ?? detectGraphicalSession();
    if (graphical) {
      log('asking for the password with the system dialog (sudo-prompt)');
      const g = await trySudoPrompt({
        runtime: { nodePath: r.nodePath, script: r.script, isElectron: r.isElectron },
        extra: r.extra,
        connectTimeoutMs: o.connectTimeoutMs,
        exec: o.sudoPrompt,
        log,
        clientLog: o.clientLog,
      });
      if (g.ok) {
        log('the sampler helper runs as root (sudo-prompt)');
        return { client: g.client, mode: 'sudo-prompt' };
      }
      log(`sudo-prompt: ${g.reason}`);
      reasons.push(g.reason);
      // Only when no dialog could be shown is the password box the next best thing.
      viaPassword = viaPassword && !g.cancelled && /authentication agent|unable to find pkexec|cannot pass/i.test(g.reason);
    }
    if (viaPassword) {
      const s = await trySudoS(r);
      if (s.ok) {
        log('the sampler helper runs as root (sudo -S)');
        return { client: s.client, mode: 'sudo-S' };
      }
      log(`sudo -S: ${s.reason}`);
      reasons.push(s.reason);
    }
  }
  const reason = o.elevate
    ? `not running as root (${reasons[reasons.length - 1]}): only your own processes are readable`
    : `not running as root (${n.noSudo ? n.reason : 'sudo needs a password: use "Run as Root"'}): only your own processes are readable`;
  log('starting the sampler helper as the user');
  return { client: await startDirect(r), mode: 'user', reason };
}

function childTransport(child: ChildProcess) {
  if (!child.stdout || !child.stdin) throw new Error('spawned without pipes');
  return { readable: child.stdout, writable: child.stdin, child };
}

/** Spawn the helper itself (no sudo). Throws when it cannot start. */
async function startDirect(r: Resolved): Promise<HelperClient> {
  const env = r.isElectron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
  const child = spawn(r.nodePath, [...HELPER_NODE_FLAGS, r.script, '--serve', ...r.extra], { stdio: ['pipe', 'pipe', 'pipe'], env });
  try {
    return await HelperClient.start(childTransport(child), { helloTimeoutMs: r.helloMs, log: r.o.clientLog });
  } catch (e) {
    throw new Error(`cannot start the sampler helper: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** sudo's own words from its stderr (markers and blank lines removed). */
function sudoSays(stderr: string, marker?: string): string {
  const text = marker ? stderr.split(marker).join('\n') : stderr;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^We trust you have received|^#\d\)|^For security reasons|^Administrator/.test(l));
  return lines.slice(-2).join(' / ');
}

async function trySudoN(r: Resolved): Promise<Attempt> {
  const child = spawn(r.sudo, ['-n', '--', ...elevatedArgv(r, ['--serve', ...r.extra])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let spawnError: NodeJS.ErrnoException | null = null;
  child.once('error', (e) => (spawnError = e));
  try {
    const client = await HelperClient.start(childTransport(child), { helloTimeoutMs: r.helloMs, log: r.o.clientLog });
    return { ok: true, client };
  } catch (e) {
    const err = spawnError as NodeJS.ErrnoException | null;
    if (err?.code === 'ENOENT') return { ok: false, reason: 'sudo is not installed', noSudo: true };
    const said = sudoSays(stderr);
    return { ok: false, reason: said || (e instanceof Error ? e.message : String(e)) };
  }
}

async function trySudoS(r: Resolved): Promise<Attempt> {
  const { ui } = r.o;
  // A prompt no password or message can contain; sudo prints it (to stderr) each time it asks.
  const marker = `[pmemstat-sudo-${randomBytes(12).toString('hex')}]`;
  const child = spawn(r.sudo, ['-S', '-p', marker, '--', ...elevatedArgv(r, ['--serve', ...r.extra])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdin = child.stdin;
  if (!stdin) return { ok: false, reason: 'cannot talk to sudo' };
  stdin.on('error', () => {
    /* sudo went away: its exit says why */
  });
  let stderr = '';
  let prompts = 0;
  let asked = 0;
  let cancelled = false;
  let tooMany = false;
  let unsendable = false;
  let spawnError: NodeJS.ErrnoException | null = null;
  child.once('error', (e) => (spawnError = e));
  let chain = Promise.resolve();

  let started = false;
  const ask = async (attempt: number) => {
    if (started || cancelled) return;
    if (attempt > MAX_PASSWORD_TRIES) {
      tooMany = true;
      stdin.end();
      return;
    }
    asked = attempt;
    let prompt =
      attempt === 1
        ? 'Password for sudo, to run the pmemstat sampler as root'
        : `Wrong password, try again (${attempt} of ${MAX_PASSWORD_TRIES}): password for sudo`;
    let pw: string | undefined;
    for (let refused = 0; ; refused++) {
      ui.log(`asking for the sudo password (try ${attempt} of ${MAX_PASSWORD_TRIES})`);
      try {
        pw = await ui.askPassword(prompt, attempt);
      } catch {
        pw = undefined;
      }
      if (pw === undefined) {
        cancelled = true;
        stdin.end();
        return;
      }
      // sudo reads one line: the rest of such a password would reach the root helper's input.
      if (!UNSENDABLE.test(pw)) break;
      pw = undefined;
      ui.log(`the password was not sent: ${UNSENDABLE_WHY}`);
      if (refused + 1 >= MAX_PASSWORD_TRIES) {
        unsendable = true;
        stdin.end();
        return;
      }
      prompt = `Not sent: ${UNSENDABLE_WHY}. Password for sudo, to run the pmemstat sampler as root`;
    }
    const buf = Buffer.from(pw + '\n', 'utf8');
    pw = undefined;
    // Written straight to sudo's stdin; the buffer is wiped once handed to the pipe.
    stdin.write(buf, () => buf.fill(0));
  };

  // Count prompts as they stream by (a marker may be split across chunks).
  let scan = '';
  child.stderr?.on('data', (d: Buffer) => {
    const s = d.toString();
    stderr = (stderr + s).slice(-8000);
    scan += s;
    for (let i = scan.indexOf(marker); i >= 0; i = scan.indexOf(marker)) {
      scan = scan.slice(i + marker.length);
      const attempt = ++prompts;
      chain = chain.then(() => ask(attempt));
    }
    if (scan.length >= marker.length) scan = scan.slice(-(marker.length - 1));
  });

  try {
    const client = await HelperClient.start(childTransport(child), { helloTimeoutMs: 0, log: r.o.clientLog });
    started = true;
    return { ok: true, client };
  } catch (e) {
    const err = spawnError as NodeJS.ErrnoException | null;
    if (err?.code === 'ENOENT') return { ok: false, reason: 'sudo is not installed', noSudo: true };
    if (cancelled) return { ok: false, reason: 'the password was not given', cancelled: true };
    if (unsendable) return { ok: false, reason: `the password was not sent: ${UNSENDABLE_WHY}` };
    if (tooMany) return { ok: false, reason: `${MAX_PASSWORD_TRIES} wrong passwords` };
    const said = sudoSays(stderr, marker);
    if (asked >= MAX_PASSWORD_TRIES && /incorrect password|try again/i.test(said)) {
      return { ok: false, reason: `${MAX_PASSWORD_TRIES} wrong passwords` };
    }
    return { ok: false, reason: said || (e instanceof Error ? e.message : String(e)) };
  }
}
