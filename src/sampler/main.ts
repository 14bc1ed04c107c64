// Entry point of dist/sampler.js: the `pmemstat` command, and (with --serve or
// --connect) the privileged sampler helper of the extension.
import { runCli } from './cli';

function main(): void {
  // `pmemstat … | head` closes the pipe early: that is a normal end, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 3));
  process.on('SIGINT', () => process.exit(130));
  runCli(process.argv.slice(2)).then(
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
