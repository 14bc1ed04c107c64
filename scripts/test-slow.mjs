// The two long parts of `npm test`, side by side: the end-to-end suite in code-server
// (test/e2e/run.mjs) and the ten-minute quiet-activity leak test (vitest with PMEMSTAT_QUIET=1),
// which judges only the processes it starts, so the suite running beside it is just more of the
// ordinary activity it must stay calm through. The quiet test starts once the e2e runner has
// rebuilt dist/ (it runs dist/sampler.js, which a build rewrites). Fails when either fails;
// Ctrl-C, SIGTERM or SIGHUP stop both (each cleans up after itself: the e2e runner's watchdog,
// vitest's afterAll).
import { spawn } from 'node:child_process';

const e2eArgs = process.argv.slice(2);
const BUILT = /^### e2e: build the extension suite: /;
const running = [];
let stopping = null;

function start(name, args, env, onLine = () => {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.push(child);
  // Each line tagged with its part, so the two logs can be read apart.
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let rest = '';
    from.setEncoding('utf8');
    from.on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        to.write(`[${name}] ${l}\n`);
        onLine(l);
      }
    });
    from.on('end', () => rest && to.write(`[${name}] ${rest}\n`));
  }
  return new Promise((res) => child.on('close', (code, sig) => res(code ?? (sig ? 128 : 1))));
}

let startQuiet;
const quietReady = new Promise((res) => (startQuiet = res));
const e2e = start('e2e', ['test/e2e/run.mjs', ...e2eArgs], {}, (l) => BUILT.test(l) && startQuiet());
if (e2eArgs.includes('--no-build')) startQuiet();
const quiet = Promise.race([quietReady, e2e]).then(() =>
  stopping ? 128 : start('quiet', ['node_modules/vitest/vitest.mjs', 'run'], { PMEMSTAT_QUIET: '1' }),
);

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    stopping = sig;
    for (const c of running) c.kill(sig);
  });
}

const [e2eCode, quietCode] = await Promise.all([e2e, quiet]);
console.log(`### e2e: ${e2eCode === 0 ? 'passed' : `failed (exit ${e2eCode})`}`);
console.log(`### quiet leak test: ${quietCode === 0 ? 'passed' : `failed (exit ${quietCode})`}`);
process.exit(e2eCode === 0 && quietCode === 0 ? 0 : 1);
