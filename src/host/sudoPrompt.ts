// The @vscode/sudo-prompt strategy of the launcher: the system dialog (pkexec) cannot stream
// stdio, so the root helper connects back to a Unix socket. The host makes a fresh 0700
// directory, writes a one-time token into it (mode 0600: it is never in an argv or an
// environment, which every user can read in /proc while the dialog is open), listens there,
// and asks the dialog to run `sampler.js --connect DIR --uid UID`. The helper authenticates
// that directory before it says anything (src/sampler/connectBack.ts); the host accepts the
// first connection whose hello carries the token. When the host gives up, the directory is
// deleted, so a late answer to the dialog finds nothing and the helper exits.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, mkdtempSync, openSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as sudoPromptLib from '@vscode/sudo-prompt';
import { SOCKET_FILE, TOKEN_FILE } from '../shared/protocol';
import { HelperClient, HelperError, type HelperClientOptions } from './helperClient';

export type SudoPromptExec = (
  cmd: string,
  opts: { name: string; env?: Record<string, string> },
  cb: (err?: Error) => void,
) => void;

export type Attempt = { ok: true; client: HelperClient } | { ok: false; reason: string; cancelled?: boolean; noSudo?: boolean };

export interface SudoPromptParams {
  /** The helper's full command line for these helper arguments (node, script, …). */
  helperArgv: (args: string[]) => string[];
  /** Extra helper arguments after the connect-back ones (tests: --root). */
  extra: string[];
  connectTimeoutMs?: number;
  exec?: SudoPromptExec;
  log: (message: string) => void;
  clientLog?: HelperClientOptions['log'];
}

const SUDO_PROMPT_NAME = 'pmemstat';

/**
 * Quote one word for the shell line that @vscode/sudo-prompt builds (it is pasted into
 * `bash -c "…"` inside `sh -c`). Words with characters that would need more than single
 * quotes are refused rather than escaped.
 */
export function shellWord(w: string): string {
  if (/^[A-Za-z0-9_/.,:=@%+-]+$/.test(w)) return w;
  if (w === '' || /['"$`\\!\n\r\0]/.test(w)) throw new Error(`cannot pass ${JSON.stringify(w)} safely to sudo-prompt`);
  return `'${w}'`;
}

/**
 * A fresh private directory for the connect-back socket (short path: sun_path is 108 bytes),
 * by its real path: the helper refuses a path with a symlink in it.
 */
function privateDir(): string {
  let base = tmpdir();
  if (base.length > 60 || !existsSync(base)) base = '/tmp';
  const dir = realpathSync(mkdtempSync(join(base, 'pmemstat-')));
  const st = statSync(dir);
  if ((st.mode & 0o777) !== 0o700 || (process.getuid && st.uid !== process.getuid())) {
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

const defaultSudoPrompt: SudoPromptExec = (cmd, opts, cb) => {
  sudoPromptLib.exec(cmd, opts, (err) => cb(err ?? undefined));
};

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
    cmd = p.helperArgv(['--connect', dir, '--uid', String(uid), ...p.extra]).map(shellWord).join(' ');
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
    const exec = p.exec ?? defaultSudoPrompt;
    try {
      // sudo-prompt calls back when the elevated command ends: before the helper connected
      // that means the dialog was dismissed or elevation failed.
      exec(cmd, { name: SUDO_PROMPT_NAME }, (err) => {
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
