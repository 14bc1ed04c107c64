// Not a test: what test/e2e/cleanup.e2e.test.mjs runs through test/e2e/run.mjs (as a test file)
// to stand for a run in full swing. It starts what the e2e tests start — code-server logged into
// by chromium (so its extension host, pty host and file watcher run), a child that ignores
// SIGTERM, and a process that, like a helper started through sudo, has left the process group
// and the environment and mentions the run only in its argv — writes what it started to
// $PROBE_OUT and waits to be stopped.
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Children, launchBrowser, newWorkDir, openWorkbench, OWNER, processesMentioning, RUN, startCodeServer, waitUntil } from './harness.mjs';

const work = newWorkDir('probe');
const extensionsDir = path.join(work, 'extensions');
mkdirSync(extensionsDir, { recursive: true });
const server = await startCodeServer({ work, extensionsDir });
const browser = await launchBrowser();
await openWorkbench(browser.page, server);
await waitUntil(() => processesMentioning([OWNER]).some((p) => p.cmd.includes('--type=extensionHost')), { timeout: 60_000, what: 'the extension host' });
const children = new Children();
const stubborn = children.start('/bin/sh', ['-c', "trap '' TERM HUP INT; while :; do sleep 1; done"]);
// env -i: no marker in the environment; setsid: another session and process group.
const outsider = spawn('env', ['-i', 'setsid', '/bin/sh', '-c', "trap '' TERM HUP INT; while :; do sleep 1; done", work], { stdio: 'ignore' });
const out = process.env.PROBE_OUT;
if (out) {
  writeFileSync(`${out}.tmp`, JSON.stringify({ run: RUN, port: server.port, work, temp: [server.runtime, browser.dir], codeServer: server.pid, stubborn: stubborn.pid, outsider: outsider.pid }));
  renameSync(`${out}.tmp`, out);
}
setInterval(() => {}, 60_000);
