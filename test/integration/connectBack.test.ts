// The helper's `--connect DIR --uid UID` against directories prepared the way an attacker
// (or an accident) could leave them: it connects and presents the token only to a server
// in a 0700 directory of that uid, with a socket and a 0600 token file of that uid, no
// symlinks anywhere, no directory above writable by others unless sticky. Every other
// case: one line on stderr, exit 4, and the server never sees a connection. The helper
// runs as this user, so most cases need no root; those that chown to another uid do.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, NODE, removeBundle, type Bundle } from './helperSetup';
import { isRoot, titled, unmet } from '../support';

const ME = process.getuid!();
const OTHER = 54_321;
const TOKEN = 'ab'.repeat(32);
let b: Bundle;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  b = await makeBundle();
});

afterAll(() => {
  for (const c of cleanups.splice(0)) c();
  removeBundle(b);
});

interface Setup {
  /** What the helper is pointed at. */
  dir: string;
  /** Connections and lines the server received. */
  got: { connections: number; lines: string[] };
  server: Server;
}

/** A connect-back directory as the launcher makes it: 0700, a 0600 token file, a listening socket. */
async function setup(opts: { parent?: string; sockName?: string } = {}): Promise<Setup> {
  const dir = mkdtempSync(join(opts.parent ?? '/tmp', 'pmemstat-cbtest-'));
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, 'token'), TOKEN + '\n', { mode: 0o600 });
  const got = { connections: 0, lines: [] as string[] };
  const server = createServer((c) => {
    got.connections++;
    let buf = '';
    c.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        got.lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        c.end();
      }
    });
    c.on('error', () => {});
  });
  await new Promise<void>((res) => server.listen(join(dir, opts.sockName ?? 'helper.sock'), res));
  cleanups.push(() => {
    server.close();
    rmSync(opts.parent ?? dir, { recursive: true, force: true });
  });
  return { dir, got, server };
}

async function runHelper(dir: string, uid = ME, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(NODE, [b.script, '--connect', dir, '--uid', String(uid)], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/bin:/bin', ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  clearTimeout(timer);
  return { code, stderr };
}

async function expectRefused(s: Setup, why: RegExp, uid = ME, env: Record<string, string> = {}, dir = s.dir): Promise<void> {
  const r = await runHelper(dir, uid, env);
  expect(r.code).toBe(4);
  expect(r.stderr).toMatch(/^pmemstat helper: refusing to connect back: [^\n]+\n$/);
  expect(r.stderr).toMatch(why);
  expect(s.got.connections).toBe(0);
}

describe('connect-back: the helper authenticates its server before it says anything', () => {
  it("connects to its own user's 0700 directory and presents the token from the file", async () => {
    const s = await setup();
    const r = await runHelper(s.dir);
    expect(r.code).toBe(0);
    expect(s.got.connections).toBe(1);
    const hello = JSON.parse(s.got.lines[0]) as { type: string; token: string; hello: { uid: number } };
    expect(hello).toMatchObject({ type: 'hello', token: TOKEN, hello: { uid: ME } });
  });

  it('a missing directory (the host gave up and deleted it)', async () => {
    const s = await setup();
    rmSync(s.dir, { recursive: true, force: true });
    await expectRefused(s, /does not exist/);
  });

  it('a directory of another mode than 0700', async () => {
    const s = await setup();
    chmodSync(s.dir, 0o750);
    await expectRefused(s, /has mode 750, not 700/);
  });

  it('a symlink to a good directory', async () => {
    const s = await setup();
    const link = `${s.dir}-link`;
    symlinkSync(s.dir, link);
    cleanups.push(() => rmSync(link, { force: true }));
    await expectRefused(s, /is a symlink, not a directory/, ME, {}, link);
  });

  it('a --uid that does not own the directory', async () => {
    const s = await setup();
    await expectRefused(s, new RegExp(`owned by uid ${ME}, not by uid ${OTHER}`), OTHER);
  });

  it('SUDO_UID or PKEXEC_UID naming another user than --uid', async () => {
    const s = await setup();
    await expectRefused(s, new RegExp(`SUDO_UID="${OTHER}"`), ME, { SUDO_UID: String(OTHER) });
    await expectRefused(s, new RegExp(`PKEXEC_UID="${OTHER}"`), ME, { PKEXEC_UID: String(OTHER) });
  });

  it('a token file that is a symlink, readable by others, hard-linked, or missing', async () => {
    const s = await setup();
    const tok = join(s.dir, 'token');
    renameSync(tok, join(s.dir, 'real'));
    symlinkSync(join(s.dir, 'real'), tok);
    await expectRefused(s, /token file .* is a symlink/);
    rmSync(tok);
    renameSync(join(s.dir, 'real'), tok);
    chmodSync(tok, 0o644);
    await expectRefused(s, /has mode 644: readable by others/);
    chmodSync(tok, 0o600);
    linkSync(tok, join(s.dir, 'second'));
    await expectRefused(s, /has 2 links/);
    rmSync(join(s.dir, 'second'));
    rmSync(tok);
    await expectRefused(s, /token file .* does not exist/);
  });

  it('a socket that is a symlink to a socket elsewhere, or a regular file', async () => {
    const s = await setup({ sockName: 'elsewhere.sock' });
    symlinkSync(join(s.dir, 'elsewhere.sock'), join(s.dir, 'helper.sock'));
    await expectRefused(s, /helper\.sock is a symlink, not a socket/);
    rmSync(join(s.dir, 'helper.sock'));
    writeFileSync(join(s.dir, 'helper.sock'), '');
    await expectRefused(s, /helper\.sock is a file, not a socket/);
  });

  it('a directory above that others may write to and that is not sticky', async () => {
    const parent = mkdtempSync('/tmp/pmemstat-cbparent-');
    chmodSync(parent, 0o777);
    const s = await setup({ parent });
    await expectRefused(s, /pmemstat-cbparent-\S+ is writable by others and not sticky/);
    // Sticky (like /tmp), it is fine.
    chmodSync(parent, 0o1777);
    expect((await runHelper(s.dir)).code).toBe(0);
    expect(s.got.connections).toBe(1);
  });

  it.skipIf(!isRoot)(titled('a directory, socket or token file owned by another uid', unmet('root')), async () => {
    const s = await setup();
    chownSync(s.dir, OTHER, OTHER);
    await expectRefused(s, new RegExp(`pmemstat-cbtest-\\S+ is owned by uid ${OTHER}, not by uid ${ME}`));
    chownSync(s.dir, ME, ME);
    chownSync(join(s.dir, 'helper.sock'), OTHER, OTHER);
    await expectRefused(s, new RegExp(`helper\\.sock is owned by uid ${OTHER}`));
    chownSync(join(s.dir, 'helper.sock'), ME, ME);
    chownSync(join(s.dir, 'token'), OTHER, OTHER);
    await expectRefused(s, new RegExp(`token file .* is owned by uid ${OTHER}`));
    const above = mkdtempSync('/tmp/pmemstat-cbparent-');
    chownSync(above, OTHER, OTHER);
    const t = await setup({ parent: above });
    await expectRefused(t, new RegExp(`pmemstat-cbparent-\\S+ is owned by uid ${OTHER}, neither root nor uid ${ME}`));
  });

  it('bad arguments: --connect without --uid, a relative or unnormalized path', async () => {
    const s = await setup();
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((res) => {
        const c = spawn(NODE, [b.script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        c.once('exit', (code) => res({ code, stderr }));
      });
    expect(await run(['--connect', s.dir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--connect needs --uid UID/) });
    expect(await run(['--connect', s.dir, '--uid', '-1'])).toMatchObject({ code: 2 });
    await expectRefused(s, /not a normalized absolute directory path/, ME, {}, 'tmp/x');
    await expectRefused(s, /not a normalized absolute directory path/, ME, {}, `${s.dir}/../${s.dir.split('/').pop()!}`);
  });
});
