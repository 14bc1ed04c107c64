// The helper's end of the connect-back (`--connect DIR --uid UID`, the @vscode/sudo-prompt
// path). The root helper is started by a dialog the host may have given up on long ago, so
// before it sends a single byte it makes sure that the server it is about to talk to can only
// be the host of the user who asked for elevation:
//   * every directory from / down to DIR is a real directory (no symlink) owned by root or
//     that user, and none is writable by others unless it is sticky (like /tmp): nobody else
//     can rename or replace what lies below;
//   * DIR is owned by the user, mode 0700: only the user (or root) can create files in it, so
//     only the user can have bound its socket — this stands in for the peer credentials that
//     Node cannot read (no SO_PEERCRED, and /proc/net/unix does not name a socket's peer);
//   * the socket is a socket and the token file a regular file with no group/other bits, both
//     owned by the user and not symlinks (the token is opened with O_NOFOLLOW and fstat'ed);
//   * after connecting, DIR and the socket are looked at again: the same inodes, still the
//     user's (closes the window in which a deleted DIR could be re-created by someone else).
// Anything else is refused with one line of why; the caller exits without having said anything.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { SOCKET_FILE, TOKEN_FILE } from '../shared/protocol';

export class ConnectRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectRefused';
  }
}

const TOKEN_RE = /^[0-9a-f]{64}$/;

function lstatOrRefuse(path: string, what: string): Stats {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConnectRefused(`${what} ${path} ${code === 'ENOENT' ? 'does not exist (the host gave up or is gone)' : `cannot be examined (${code ?? String(e)})`}`);
  }
}

const kind = (st: Stats) => (st.isSymbolicLink() ? 'a symlink' : st.isDirectory() ? 'a directory' : st.isSocket() ? 'a socket' : st.isFile() ? 'a file' : 'a special file');

/** The directories above DIR: real directories that only root or the user can change below. */
function checkAncestors(dir: string, uid: number): void {
  const chain: string[] = [];
  for (let p = dirname(dir); ; p = dirname(p)) {
    chain.unshift(p);
    if (p === '/') break;
  }
  for (const p of chain) {
    const st = lstatOrRefuse(p, 'directory');
    if (!st.isDirectory()) throw new ConnectRefused(`${p} is ${kind(st)}, not a directory`);
    if (st.uid !== 0 && st.uid !== uid) throw new ConnectRefused(`${p} is owned by uid ${st.uid}, neither root nor uid ${uid}`);
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) throw new ConnectRefused(`${p} is writable by others and not sticky`);
  }
}

/** DIR itself: the user's, 0700, a real directory. */
function checkDir(dir: string, uid: number): Stats {
  const st = lstatOrRefuse(dir, 'directory');
  if (!st.isDirectory()) throw new ConnectRefused(`${dir} is ${kind(st)}, not a directory`);
  if (st.uid !== uid) throw new ConnectRefused(`${dir} is owned by uid ${st.uid}, not by uid ${uid} who asked for elevation`);
  if ((st.mode & 0o777) !== 0o700) throw new ConnectRefused(`${dir} has mode ${(st.mode & 0o777).toString(8)}, not 700`);
  return st;
}

function checkSocket(path: string, uid: number): Stats {
  const st = lstatOrRefuse(path, 'socket');
  if (!st.isSocket()) throw new ConnectRefused(`${path} is ${kind(st)}, not a socket`);
  if (st.uid !== uid) throw new ConnectRefused(`${path} is owned by uid ${st.uid}, not by uid ${uid}`);
  return st;
}

function readToken(path: string, uid: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO in its place must not hang the helper; fstat below refuses it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConnectRefused(`token file ${path} ${code === 'ELOOP' ? 'is a symlink' : code === 'ENOENT' ? 'does not exist' : `cannot be opened (${code ?? String(e)})`}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConnectRefused(`token file ${path} is ${kind(st)}, not a regular file`);
    if (st.uid !== uid) throw new ConnectRefused(`token file ${path} is owned by uid ${st.uid}, not by uid ${uid}`);
    if ((st.mode & 0o077) !== 0) throw new ConnectRefused(`token file ${path} has mode ${(st.mode & 0o777).toString(8)}: readable by others`);
    if (st.nlink !== 1) throw new ConnectRefused(`token file ${path} has ${st.nlink} links`);
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const token = buf.subarray(0, n).toString('latin1').trim();
    buf.fill(0);
    if (!TOKEN_RE.test(token)) throw new ConnectRefused(`token file ${path} does not hold a token`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** Everything that must hold before connecting; returns what must still hold after. */
export function authenticateServer(dir: string, uid: number): { token: string; dirSt: Stats; sockSt: Stats } {
  if (!isAbsolute(dir) || normalize(dir) !== dir || dir === '/') throw new ConnectRefused(`${JSON.stringify(dir)} is not a normalized absolute directory path`);
  if (!Number.isSafeInteger(uid) || uid < 0) throw new ConnectRefused(`${String(uid)} is not a uid`);
  checkAncestors(dir, uid);
  const dirSt = checkDir(dir, uid);
  const token = readToken(join(dir, TOKEN_FILE), uid);
  const sockSt = checkSocket(join(dir, SOCKET_FILE), uid);
  return { token, dirSt, sockSt };
}

const same = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

/**
 * Authenticate the server in DIR, connect, and check again. Resolves with the connected
 * socket and the token to present; rejects with ConnectRefused (nothing was sent).
 */
export async function connectBack(dir: string, uid: number): Promise<{ sock: Socket; token: string }> {
  const { token, dirSt, sockSt } = authenticateServer(dir, uid);
  const sockPath = join(dir, SOCKET_FILE);
  const sock = createConnection(sockPath);
  await new Promise<void>((res, rej) => {
    sock.once('connect', () => res());
    sock.once('error', (e) => rej(new ConnectRefused(`cannot connect to ${sockPath}: ${e.message}`)));
  });
  try {
    checkAncestors(dir, uid);
    if (!same(checkDir(dir, uid), dirSt)) throw new ConnectRefused(`${dir} was replaced while connecting`);
    if (!same(checkSocket(sockPath, uid), sockSt)) throw new ConnectRefused(`${sockPath} was replaced while connecting`);
  } catch (e) {
    sock.destroy();
    throw e;
  }
  return { sock, token };
}
