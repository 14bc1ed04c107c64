// Entry point that the extension host loads when started with extensionTestsPath (built to
// out/suite/index.js by test/suite/build.mjs). Runs every out/suite/*.test.js with mocha (tdd UI)
// inside the real extension host: code-server's (test/e2e/exthost.e2e.test.mjs) or desktop
// VS Code's (test/suite/runTest.mjs, @vscode/test-electron).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  const dir = __dirname;
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      // The host's console goes to the browser console (code-server) or the terminal (electron).
      console.log(`pmemstat suite: ${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
  });
}
