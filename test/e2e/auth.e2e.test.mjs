// The suite's code-server (root on CI, with a terminal one click away) answers no one who does
// not have its password: another local user gets the login page, not the workbench, files, or
// the websocket. The password is made per server and reaches code-server in its environment only.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { newWorkDir, processesMentioning, sessionCookie, startCodeServer, workbenchUrl } from './harness.mjs';

let server;

before(async () => {
  const work = newWorkDir('auth');
  const extensionsDir = path.join(work, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  server = await startCodeServer({ work, extensionsDir });
});

after(async () => {
  const left = await server?.stop();
  if (server) rmSync(server.work, { recursive: true, force: true });
  if (left) assert.deepEqual(left.orphans, [], 'processes of the run left behind');
});

const get = (url, headers = {}) => fetch(url, { redirect: 'manual', headers });

test('without the session cookie every page redirects to the login form', async () => {
  for (const u of [
    workbenchUrl(server),
    `${server.url}/`,
    `${server.url}/vscode-remote-resource?path=${encodeURIComponent('/etc/hostname')}&tkn=`,
    `${server.url}/proxy/22/`,
  ]) {
    const r = await get(u);
    assert.ok([302, 401, 403].includes(r.status), `${u}: HTTP ${r.status}`);
    if (r.status === 302) assert.match(r.headers.get('location') ?? '', /login/, u);
    assert.doesNotMatch(await r.text(), /vscode-workbench-web-configuration|remoteAuthority/, u);
  }
  // With it, the workbench.
  const ok = await get(workbenchUrl(server), { cookie: server.cookie });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /vscode-workbench-web-configuration/);
});

test("the workbench's websocket is refused without the session cookie", async () => {
  const status = await new Promise((resolve, reject) => {
    const req = http.request(`${server.url}/?reconnectionToken=x&reconnection=false&skipWebSocketFrames=false`, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? resolve('reset') : reject(e)));
    req.end();
  });
  assert.notEqual(status, 101, 'the websocket was accepted without a login');
});

test('a wrong password gets no session; the right one does', async () => {
  await assert.rejects(sessionCookie(server.url, `${server.password}x`), /refused the login/);
  // A cookie made up by the client is not a session either.
  const forged = await get(workbenchUrl(server), { cookie: `code-server-session=${server.password}` });
  assert.equal(forged.status, 302);
  assert.match(await sessionCookie(server.url, server.password), /^code-server-session=/);
});

test('the password is in no command line and no file of the run', async () => {
  const procs = processesMentioning([server.work]);
  assert.ok(procs.length > 0);
  for (const p of procs) assert.ok(!readFileSync(`/proc/${p.pid}/cmdline`, 'latin1').includes(server.password), `argv of ${p.pid}`);
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const f = path.join(d, e.name);
      if (e.isDirectory()) return walk(f);
      return e.isFile() ? [f] : [];
    });
  for (const f of walk(server.work)) assert.ok(!readFileSync(f, 'latin1').includes(server.password), f);
});
