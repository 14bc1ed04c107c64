// `pmemstat record` and `pmemstat replay`: the flight recorder's commands (docs/recorder.md).
import type { CliIO } from '../cli/cli';
import { runRecord } from './recordCommand';
import { runReplay } from './replayCommand';

const stdio: CliIO = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** The exit status of a recorder command, or null when `argv` is none (the report command's then). */
export function recorderCommand(argv: readonly string[], io: CliIO = stdio): Promise<number> | null {
  if (argv[0] === 'record') return runRecord(argv.slice(1), io);
  if (argv[0] === 'replay') return runReplay(argv.slice(1), io, io === stdio);
  return null;
}
