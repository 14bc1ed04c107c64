// Entry point of dist/sampler.js: the `pmemstat` command, and (with --serve or
// --connect) the privileged sampler helper of the extension.
import { runCli } from './cli';
import { runServe } from '../sampler/serve';
import { isSamplingWorker } from '../exporter/role';
import { recorderCommand } from '../recorder/commands';
import { defaultWorkerScript } from '../sampler/parallel';
import { countPids, defaultWorkerCount, hasPrestarted, prestartWorkers, PRESTART_MIN_PIDS } from '../sampler/prestart';
import { wantsPrestart } from './prestartRule';

function main(): void {
  if (isSamplingWorker()) {
    // The exporter's sampling thread runs this same bundle.
    import('../exporter/sampling').then(
      (m) => m.serveSamplingWorker(),
      (e: unknown) => process.stderr.write(`pmemstat metrics: sampling thread: ${e instanceof Error ? e.message : String(e)}\n`),
    );
    return;
  }
  const argv = process.argv.slice(2);
  // Run directly (not through dist/launch.js, which has done this already): the workers boot
  // while the arguments are parsed and /proc is listed.
  const script = defaultWorkerScript();
  if (script && !hasPrestarted(script) && wantsPrestart(argv, process.getuid?.()) && countPids('/proc', PRESTART_MIN_PIDS) >= PRESTART_MIN_PIDS) {
    prestartWorkers(script, defaultWorkerCount());
  }
  // `pmemstat … | head` closes the pipe early: that is a normal end, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 3));
  process.on('SIGINT', () => process.exit(130));
  if (argv[0] === 'metrics') {
    // Loaded only here: the helper and the CLI do not carry the exporter's libraries.
    import('../exporter/main')
      .then((m) => m.runMetrics(argv.slice(1)))
      .then(
        (code) => process.exit(code),
        (e: unknown) => {
          process.stderr.write(`pmemstat metrics: error: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exit(3);
        },
      );
    return;
  }
  if (argv[0] === '--serve' || argv[0] === '--connect') {
    runServe(argv).then(
      (code) => process.exit(code),
      (e: unknown) => {
        process.stderr.write(`pmemstat helper: error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(3);
      },
    );
    return;
  }
  (recorderCommand(argv) ?? runCli(argv)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`pmemstat: error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}

main();
