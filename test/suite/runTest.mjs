// Runs the extension's own suite (test/suite/*.test.ts) in desktop VS Code with
// @vscode/test-electron: `npm run test:electron`. It downloads VS Code (into .vscode-test/), so it
// is for machines that can; CI here runs the same suite in code-server instead
// (test/e2e/exthost.e2e.test.mjs). VSCODE_VERSION picks the build (default: stable).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);
const s = spawnSync(process.execPath, [join(root, 'test', 'suite', 'build.mjs')], { stdio: 'inherit' });
if (s.status !== 0) process.exit(s.status ?? 1);

const scratch = mkdtempSync(join(tmpdir(), 'pmemstat-electron-'));
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'suite', 'index'),
    launchArgs: [
      join(root, 'test', 'e2e', 'fixture-workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${join(scratch, 'data')}`,
      `--extensions-dir=${join(scratch, 'extensions')}`,
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
} catch (e) {
  console.error(`the extension suite failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
