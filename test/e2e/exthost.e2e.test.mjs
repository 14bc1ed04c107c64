// Runs the extension's own mocha suite (test/suite, built to out/suite) inside code-server's *Node*
// extension host: the workbench URL's payload carries extensionDevelopmentPath/extensionTestsPath,
// as @vscode/test-electron does for desktop VS Code.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertNothingLeft, failureShot, launchBrowser, newWorkDir, ROOT, runExtensionTests, startCodeServer } from './harness.mjs';

let server;
let browser;
let ok = false;

before(async () => {
  assert.ok(existsSync(path.join(ROOT, 'out', 'suite', 'index.js')), 'build the suite first: node test/suite/build.mjs');
  assert.ok(existsSync(path.join(ROOT, 'dist', 'extension.js')), 'build the extension first: npm run build');
  const work = newWorkDir('exthost');
  // An empty extensions dir: the extension under test comes from extensionDevelopmentPath.
  server = await startCodeServer({ work, extensionsDir: path.join(work, 'extensions') });
  browser = await launchBrowser();
});

after(async () => {
  if (!ok) await failureShot(browser?.page, 'exthost-failure');
  await browser?.close();
  const left = await server?.stop();
  if (left) {
    assertNothingLeft(left, { runtime: false });
    if (ok) rmSync(server.work, { recursive: true, force: true });
  }
});

test('the extension suite passes in the real (Node) extension host of code-server', async (t) => {
  const lines = [];
  const code = await runExtensionTests(browser.page, server, {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'suite', 'index'),
    onLog: (l) => {
      lines.push(l);
      t.diagnostic(`[exthost] ${l}`);
    },
  });
  assert.equal(code, 0, `extension tests failed (exit ${code}):\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => /uiKind=Web/.test(l)), 'the suite did not log its environment');
  assert.ok(lines.some((l) => /pmemstat suite: \d+ passed, 0 failed/.test(l)), 'no pass line from the suite');
  ok = true;
});
