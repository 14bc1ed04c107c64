// The @vscode/sudo-prompt strategy of the launcher: the system dialog (pkexec) cannot stream
// stdio, so the root helper connects back to a Unix socket. The host makes a fresh 0700
// directory, writes a one-time token into it (mode 0600: it is never in an argv or an
// environment, which every user can read in /proc while the dialog is open), listens there,
// and asks the dialog to run `sampler.js --connect DIR --uid UID`. The helper authenticates
// that directory before it says anything (src/sampler/connectBack.ts); the host accepts the
// first connection whose hello carries the token. When the host gives up, the directory is
// deleted, so a late answer to the dialog finds nothing and the helper exits.
//
// @vscode/sudo-prompt hands a shell (`sh -c`) a line it pastes together from the process's
// working directory, the command and the binary, escaping only `"`; the extension host's
// working directory is the workspace folder, whose name is whoever made the repository's.
// So no string we did not make may reach that line unescaped (docs/threat-model.md): the
// library runs in a process of its own (sudoPromptChild.ts) started in the private directory
// with an environment we choose, and every word of the command that is not plain is written
// byte by byte in octal (shellWord). No symlink in the private directory stands for the
// runtime: once deleted, another user may re-create that directory before a late answer.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdtempSync, openSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SOCKET_FILE, TOKEN_FILE } from '../shared/protocol';
import { elevatedArgv } from './helperArgv';
import { HelperClient, HelperError, type HelperClientOptions } from './helperClient';

/** Runs `cmd` as root through the system dialog, from the working directory `cwd`. */
export type SudoPromptExec = (
  cmd: string,
  opts: { name: string; cwd: string; env?: Record<string, string> },
  cb: (err?: Error) => void,
) => void;

/** The helper's runtime: its node (or Electron), its script, and which of the two it is. */
export interface HelperRuntime {
  nodePath: string;
  script: string;
  isElectron: boolean;
}

/** The bundle of sudoPromptChild.ts, next to the helper's (scripts/build.mjs). */
export const CHILD_BUNDLE = 'sudoprompt.js';

export type Attempt = { ok: true; client: HelperClient } | { ok: false; reason: string; cancelled?: boolean; noSudo?: boolean };

export interface SudoPromptParams {
  runtime: HelperRuntime;
  /** Extra helper arguments after the connect-back ones (tests: --root). */
  extra: string[];
  connectTimeoutMs?: number;
  exec?: SudoPromptExec;
  log: (message: string) => void;
  clientLog?: HelperClientOptions['log'];
}

const SUDO_PROMPT_NAME = 'pmemstat';

/**
 * Quote one word for the shell line that @vscode/sudo-prompt builds: it lands inside
 * `"…"` of `sh -c` (which keeps `$'` and a backslash before a digit as they are) and is then
 * parsed by `bash -c`. A plain word goes as it is; any other is written in bash's `$'…'`
 * with every byte but letters, digits and `/._-` as an octal escape, so neither shell sees
 * a quote, `$`, backquote or backslash of the word itself. Only NUL cannot be passed.
 */
export function shellWord(w: string): string {
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(w)) return w;
  if (w.includes('\0')) throw new Error(`cannot pass ${JSON.stringify(w)} safely to sudo-prompt`);
  let out = "$'";
  for (const byte of Buffer.from(w, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9/._-]/.test(c) ? c : '\\' + byte.toString(8).padStart(3, '0');
  }
  return out + "'";
}

/**
 * A fresh private directory for the connect-back socket (short path: sun_path is 108 bytes),
 * by its real path: the helper refuses a path with a symlink in it.
 */
function privateDir(): string {
  let base = tmpdir();
  // Its name goes into a shell line: only a plain one (TMPDIR is the environment's).
  if (base.length > 60 || !/^\/[A-Za-z0-9_/.-]*$/.test(base) || !existsSync(base)) base = '/tmp';
  const dir = realpathSync(mkdtempSync(join(base, 'pmemstat-')));
  const st = statSync(dir);
  if (!/^\/[A-Za-z0-9_/.-]*$/.test(dir) || (st.mode & 0o777) !== 0o700 || (process.getuid && st.uid !== process.getuid())) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${dir} is not a private directory`);
  }
  return dir;
}

/** The token file: created exclusively, 0600 whatever the umask. */
function writeToken(dir: string, token: string): void {
  const fd = openSync(join(dir, TOKEN_FILE), 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, token + '\n');
  } finally {
    closeSync(fd);
  }
}

/** What the dialog's process may see of the host's environment: what shows a dialog, no more. */
const PROMPT_ENV = ['DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_SESSION_ID', 'HOME', 'USER', 'LOGNAME', 'LANG'];

export function promptEnv(rt: HelperRuntime, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/bin:/bin' };
  for (const k of PROMPT_ENV) {
    const v = from[k];
    if (v !== undefined && !/[\0\n\r]/.test(v)) env[k] = v;
  }
  if (rt.isElectron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

/** @vscode/sudo-prompt in a process of its own (sudoPromptChild.ts), started in `opts.cwd`. */
export function childSudoPrompt(rt: HelperRuntime, childScript = join(dirname(rt.script), CHILD_BUNDLE)): SudoPromptExec {
  return (cmd, opts, cb) => {
    const child = spawn(rt.nodePath, [childScript, cmd, opts.name], { cwd: opts.cwd, env: promptEnv(rt), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.once('error', (e) => cb(e));
    child.once('exit', (code, signal) => {
      if (code === 0) return cb();
      const said = stderr.trim().split('\n').pop() ?? '';
      cb(new Error(said || `the dialog's process ended (${signal ?? `exit ${code}`})`));
    });
  };
}

export async function trySudoPrompt(p: SudoPromptParams): Promise<Attempt> {
  let dir: string;
  try {
    dir = privateDir();
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const sockPath = join(dir, SOCKET_FILE);
  const token = randomBytes(32).toString('hex');
  const uid = process.getuid?.() ?? -1;
  let cmd: string;
  try {
    writeToken(dir, token);
    cmd = elevatedArgv(p.runtime, ['--connect', dir, '--uid', String(uid), ...p.extra]).map(shellWord).join(' ');
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const server: Server = createServer();
  const cleanup = () => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(sockPath, () => res());
    });
  } catch (e) {
    cleanup();
    return { ok: false, reason: `cannot listen on ${sockPath}: ${e instanceof Error ? e.message : String(e)}` };
  }

  return new Promise<Attempt>((resolve) => {
    let done = false;
    const finish = (a: Attempt) => {
      if (done) {
        if (a.ok) a.client.dispose();
        return;
      }
      done = true;
      clearTimeout(timer);
      cleanup();
      resolve(a);
    };
    const ms = p.connectTimeoutMs ?? 300_000;
    const timer = setTimeout(() => finish({ ok: false, reason: `the elevated helper did not connect within ${Math.round(ms / 1000)} s` }), ms);
    server.on('connection', (sock: Socket) => {
      if (done) {
        sock.destroy();
        return;
      }
      HelperClient.start(
        { readable: sock, writable: sock, close: () => sock.destroy() },
        { expectToken: token, helloTimeoutMs: 10_000, log: p.clientLog },
      ).then(
        (client) => finish({ ok: true, client }),
        (e: unknown) => {
          sock.destroy();
          const why = e instanceof HelperError ? e.message : String(e);
          p.log(`sudo-prompt: rejected a connection to the helper socket: ${why}`);
        },
      );
    });
    const exec = p.exec ?? childSudoPrompt(p.runtime);
    try {
      // sudo-prompt calls back when the elevated command ends: before the helper connected
      // that means the dialog was dismissed or elevation failed.
      exec(cmd, { name: SUDO_PROMPT_NAME, cwd: dir }, (err) => {
        if (!done) {
          const why = err ? err.message : 'the elevated helper exited before connecting';
          finish({ ok: false, reason: why, cancelled: !!err && /did not grant permission/i.test(why) });
        }
      });
    } catch (e) {
      finish({ ok: false, reason: e instanceof Error ? e.message : String(e) });
    }
  });
}
